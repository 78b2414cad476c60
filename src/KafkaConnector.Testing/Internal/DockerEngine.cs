using System.Net;
using System.Net.Sockets;

namespace KafkaConnector.Testing.Internal;

/// <summary>
/// Asks the Docker engine that Testcontainers would use whether it is there, within a short time:
/// without an engine Testcontainers itself takes far longer to give up, and says less.
/// </summary>
internal static class DockerEngine
{
    internal const string DefaultSocket = "/var/run/docker.sock";
    internal static readonly TimeSpan ProbeTimeout = TimeSpan.FromSeconds(2);

    /// <summary>Null when an engine accepts a connection at <paramref name="dockerHost"/> (or the default socket); otherwise why not.</summary>
    /// <param name="dockerHost">The <c>DOCKER_HOST</c> value: <c>unix:///path</c> or <c>tcp://host:port</c>, or null for <see cref="DefaultSocket"/>.</param>
    /// <param name="cancellationToken">Stops the probe.</param>
    internal static async Task<string?> ProbeAsync(string? dockerHost, CancellationToken cancellationToken)
    {
        var where = string.IsNullOrWhiteSpace(dockerHost) ? $"unix://{DefaultSocket} (DOCKER_HOST is not set)" : $"DOCKER_HOST={dockerHost}";
        EndPoint endpoint;
        if (string.IsNullOrWhiteSpace(dockerHost) || dockerHost.StartsWith("unix://", StringComparison.Ordinal))
        {
            var path = string.IsNullOrWhiteSpace(dockerHost) ? DefaultSocket : dockerHost["unix://".Length..];
            if (!File.Exists(path))
            {
                return $"no Docker engine: nothing listens at {where}, the socket file does not exist";
            }

            endpoint = new UnixDomainSocketEndPoint(path);
        }
        else if (Uri.TryCreate(dockerHost, UriKind.Absolute, out var uri) && uri.Scheme == "tcp" && uri.Port > 0)
        {
            endpoint = new DnsEndPoint(uri.Host, uri.Port);
        }
        else
        {
            return $"no Docker engine: {where} is neither unix:///path nor tcp://host:port";
        }

        using var socket = endpoint is UnixDomainSocketEndPoint
            ? new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified)
            : new Socket(SocketType.Stream, ProtocolType.Tcp);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(ProbeTimeout);
        try
        {
            await socket.ConnectAsync(endpoint, timeout.Token).ConfigureAwait(false);
            return null;
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return $"no Docker engine: {where} did not answer within {ProbeTimeout.TotalSeconds:0} s";
        }
        catch (SocketException e)
        {
            return $"no Docker engine: {where} refused the connection ({e.SocketErrorCode})";
        }
    }
}
