using KafkaConnector.Cluster;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers request handlers for <see cref="IKafkaCluster.RequestAsync"/>.</summary>
public static class ClusterBuilderExtensions
{
    /// <summary>Registers <typeparamref name="THandler"/> (scoped: resolved per request) to answer requests for <paramref name="operation"/>.</summary>
    /// <exception cref="InvalidOperationException">Another handler is registered for the operation.</exception>
    public static IKafkaConnectorBuilder AddRequestHandler<THandler>(this IKafkaConnectorBuilder builder, string operation)
        where THandler : class, IKafkaRequestHandler
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(operation);
        var existing = builder.Services.Select(d => d.ImplementationInstance).OfType<RequestHandlerDescriptor>().FirstOrDefault(d => d.Operation == operation);
        if (existing is not null && existing.Type != typeof(THandler))
        {
            throw new InvalidOperationException($"Operation '{operation}' already has the request handler {existing.Type.Name}.");
        }

        if (existing is null)
        {
            builder.Services.AddSingleton(new RequestHandlerDescriptor(operation, typeof(THandler)));
        }

        builder.Services.TryAddScoped<THandler>();
        return builder;
    }
}
