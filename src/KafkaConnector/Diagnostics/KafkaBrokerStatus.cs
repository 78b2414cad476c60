namespace KafkaConnector.Diagnostics;

/// <summary>The answer to <see cref="IKafkaConnectorStatus.GetBrokerStatusAsync"/>.</summary>
public sealed class KafkaBrokerStatus
{
    /// <summary>A status as the connector reports it; public so that tests can stand in for <see cref="IKafkaConnectorStatus"/>.</summary>
    /// <param name="brokerCount">How many brokers the cluster reported.</param>
    /// <param name="answeredBy">The broker that answered.</param>
    /// <param name="error">Why the cluster did not answer, or null.</param>
    public KafkaBrokerStatus(int brokerCount, string? answeredBy, string? error)
    {
        BrokerCount = brokerCount;
        AnsweredBy = answeredBy;
        Error = error;
    }

    /// <summary>How many brokers the cluster reported; 0 when it did not answer.</summary>
    public int BrokerCount { get; }

    /// <summary>The broker that answered, as <c>host:port/id</c>, or null when none did.</summary>
    public string? AnsweredBy { get; }

    /// <summary>Why the cluster did not answer (error code and reason), or null when it did.</summary>
    public string? Error { get; }

    /// <summary>Whether the cluster answered and reported at least one broker.</summary>
    public bool IsReachable => Error is null && BrokerCount > 0;
}
