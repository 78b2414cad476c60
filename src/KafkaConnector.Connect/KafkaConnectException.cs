using System.Net;

namespace KafkaConnector.Connect;

/// <summary>
/// A Kafka Connect request failed: the worker answered with an error status, did not answer within
/// <see cref="KafkaConnectOptions.Timeout"/>, or could not be reached. The message never contains
/// credentials from the configured URL.
/// </summary>
public class KafkaConnectException : Exception
{
    /// <summary>Creates an exception with a default message.</summary>
    public KafkaConnectException()
    {
    }

    /// <summary>Creates an exception with the given message.</summary>
    public KafkaConnectException(string message)
        : base(message)
    {
    }

    /// <summary>Creates an exception with the given message and cause.</summary>
    public KafkaConnectException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Creates an exception that describes a failed Connect operation.</summary>
    /// <param name="message">What failed and why.</param>
    /// <param name="operation">The operation, such as <c>create connector</c>.</param>
    /// <param name="connectorName">The connector the operation was about, or null.</param>
    /// <param name="statusCode">The HTTP status the worker answered with, or null when it did not answer.</param>
    /// <param name="errorCode">The <c>error_code</c> of Connect's error body, or null when the body had none.</param>
    /// <param name="innerException">The cause, or null.</param>
    public KafkaConnectException(
        string message,
        string operation,
        string? connectorName,
        HttpStatusCode? statusCode,
        int? errorCode,
        Exception? innerException = null)
        : base(message, innerException)
    {
        Operation = operation;
        ConnectorName = connectorName;
        StatusCode = statusCode;
        ErrorCode = errorCode;
    }

    /// <summary>The operation that failed, such as <c>create connector</c>; null when not set.</summary>
    public string? Operation { get; }

    /// <summary>The connector the operation was about; null for operations on no connector (listing).</summary>
    public string? ConnectorName { get; }

    /// <summary>
    /// The HTTP status the worker answered with; null when there was no answer (timeout, connection failure),
    /// in which case <see cref="Exception.InnerException"/> holds the cause.
    /// </summary>
    public HttpStatusCode? StatusCode { get; }

    /// <summary>The <c>error_code</c> of Connect's JSON error body; null when the body was not Connect's JSON.</summary>
    public int? ErrorCode { get; }
}

/// <summary>The connector does not exist (HTTP 404).</summary>
public sealed class KafkaConnectConnectorNotFoundException : KafkaConnectException
{
    /// <summary>Creates an exception with a default message.</summary>
    public KafkaConnectConnectorNotFoundException()
    {
    }

    /// <summary>Creates an exception with the given message.</summary>
    public KafkaConnectConnectorNotFoundException(string message)
        : base(message)
    {
    }

    /// <summary>Creates an exception with the given message and cause.</summary>
    public KafkaConnectConnectorNotFoundException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <inheritdoc cref="KafkaConnectException(string, string, string?, HttpStatusCode?, int?, Exception?)"/>
    public KafkaConnectConnectorNotFoundException(string message, string operation, string? connectorName, int? errorCode)
        : base(message, operation, connectorName, HttpStatusCode.NotFound, errorCode)
    {
    }
}

/// <summary>
/// The worker refused the request because it conflicts with the cluster's state (HTTP 409): the
/// connector already exists, or a rebalance is in progress and the request may succeed when retried.
/// </summary>
public sealed class KafkaConnectConflictException : KafkaConnectException
{
    /// <summary>Creates an exception with a default message.</summary>
    public KafkaConnectConflictException()
    {
    }

    /// <summary>Creates an exception with the given message.</summary>
    public KafkaConnectConflictException(string message)
        : base(message)
    {
    }

    /// <summary>Creates an exception with the given message and cause.</summary>
    public KafkaConnectConflictException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <inheritdoc cref="KafkaConnectException(string, string, string?, HttpStatusCode?, int?, Exception?)"/>
    public KafkaConnectConflictException(string message, string operation, string? connectorName, int? errorCode)
        : base(message, operation, connectorName, HttpStatusCode.Conflict, errorCode)
    {
    }
}
