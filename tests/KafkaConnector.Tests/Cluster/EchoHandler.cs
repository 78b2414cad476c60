using KafkaConnector.Cluster;
using KafkaConnector.Messages;

namespace KafkaConnector.Tests.Cluster;

/// <summary>Answers a request with its own value: a request handler for tests that only need the node to answer.</summary>
internal sealed class EchoHandler : IKafkaRequestHandler
{
    public Task<byte[]?> HandleAsync(KafkaMessage request, CancellationToken cancellationToken) => Task.FromResult(request.Value);
}
