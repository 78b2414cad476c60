using KafkaConnector.Receivers;
using KafkaConnector.Receivers.Pipeline;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Adds stages to every receiver's pipeline, and error policies receivers can name.</summary>
public static class ReceiverPipelineBuilderExtensions
{
    /// <summary>
    /// Adds <typeparamref name="TStage"/> to the pipeline of every receiver (not of the cluster's
    /// request handlers), after the stages added before it. It runs inside the error policy and the
    /// message's DI scope, right before the receiver (see <see cref="IKafkaReceiverStage"/>). It is
    /// registered as a singleton unless registered already, and resolved when the node starts. Adding
    /// the same stage twice adds it once.
    /// </summary>
    /// <typeparam name="TStage">The stage.</typeparam>
    /// <param name="builder">The connector builder.</param>
    public static IKafkaConnectorBuilder AddReceiverStage<TStage>(this IKafkaConnectorBuilder builder)
        where TStage : class, IKafkaReceiverStage
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.TryAddSingleton<TStage>();
        if (!builder.Services.Any(d => d.ImplementationInstance is ReceiverStageDescriptor s && s.Type == typeof(TStage)))
        {
            builder.Services.AddSingleton(new ReceiverStageDescriptor(typeof(TStage)));
        }

        return builder;
    }

    /// <summary>
    /// Registers <paramref name="policy"/> under <paramref name="name"/>, for receivers that name it
    /// (<see cref="KafkaReceiverAttribute.ErrorPolicy"/>).
    /// </summary>
    /// <param name="builder">The connector builder.</param>
    /// <param name="name">The policy's name, compared ordinally.</param>
    /// <param name="policy">The policy.</param>
    /// <exception cref="ArgumentException"><paramref name="name"/> is empty, or a policy has that name already.</exception>
    public static IKafkaConnectorBuilder AddErrorPolicy(this IKafkaConnectorBuilder builder, string name, KafkaErrorPolicy policy)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentNullException.ThrowIfNull(policy);
        if (builder.Services.Any(d => d.ImplementationInstance is NamedErrorPolicy p && p.Name == name))
        {
            throw new ArgumentException($"An error policy named '{name}' is registered already.", nameof(name));
        }

        builder.Services.AddSingleton(new NamedErrorPolicy(name, policy));
        return builder;
    }
}
