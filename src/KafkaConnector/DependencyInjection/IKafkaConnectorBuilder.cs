using Microsoft.Extensions.Configuration;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>
/// Returned by <c>AddKafkaConnector</c> so that modules chain their registrations:
/// <c>services.AddKafkaConnector(configuration).AddReceiver&lt;T&gt;("orders").AddKafkaConnect()</c>.
/// </summary>
public interface IKafkaConnectorBuilder
{
    /// <summary>The service collection the connector is registered in.</summary>
    IServiceCollection Services { get; }

    /// <summary>
    /// The <c>KafkaConnector</c> configuration section the connector was bound from, or null when it
    /// was configured in code only. Modules bind their own sub-sections from it.
    /// </summary>
    IConfiguration? Configuration { get; }
}
