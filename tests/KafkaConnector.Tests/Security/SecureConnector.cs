using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using KafkaConnector.Admin;
using KafkaConnector.Configuration;
using KafkaConnector.Diagnostics;
using KafkaConnector.Receivers;
using KafkaConnector.Security;
using KafkaConnector.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace KafkaConnector.Tests.Security;

/// <summary>
/// A connector with permissions, whose system, admin, status and receiver control sides record
/// every call that reaches them, and which records every denial the connector's meter counts.
/// </summary>
internal sealed class SecureConnector : IAsyncDisposable
{
    private readonly MeterListener _listener = new();

    private SecureConnector(ConnectorHost host, ConcurrentQueue<string> calls)
    {
        Host = host;
        Calls = calls;
        var meter = host.Services.GetRequiredService<KafkaConnectorMetrics>().Meter;
        _listener.InstrumentPublished = (instrument, l) =>
        {
            if (ReferenceEquals(instrument.Meter, meter) && instrument.Name == "kafkaconnector.permission.denied")
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<long>((_, value, tags, _) =>
        {
            for (var i = 0; i < value; i++)
            {
                Denials.Enqueue(tags.ToArray().ToDictionary(t => t.Key, t => t.Value?.ToString()));
            }
        });
        _listener.Start();
    }

    public ConnectorHost Host { get; }

    public IKafkaConnectorApi Api => Host.Services.GetRequiredService<IKafkaConnectorApi>();

    /// <summary>Calls that reached IKafkaConnectorSystemApi, IKafkaAdminApi, IKafkaConnectorStatus or IKafkaReceiverControl, as <c>Interface.Method</c>.</summary>
    public ConcurrentQueue<string> Calls { get; }

    /// <summary>Tags of every counted denial.</summary>
    public ConcurrentQueue<Dictionary<string, string?>> Denials { get; } = new();

    /// <param name="services">Registrations made after <c>AddPermissions</c>.</param>
    /// <param name="servicesBeforePermissions">Registrations made before <c>AddPermissions</c>.</param>
    public static SecureConnector Create(
        KafkaTestCluster cluster,
        Action<KafkaPermissionOptions>? rules = null,
        Action<IServiceCollection>? services = null,
        Action<KafkaConnectorOptions>? configure = null,
        Action<IServiceCollection>? servicesBeforePermissions = null) =>
        Create(cluster.BootstrapServers, cluster.IsEmbedded, rules, services, configure, servicesBeforePermissions);

    public static SecureConnector Create(
        string bootstrapServers,
        bool embedded,
        Action<KafkaPermissionOptions>? rules = null,
        Action<IServiceCollection>? services = null,
        Action<KafkaConnectorOptions>? configure = null,
        Action<IServiceCollection>? servicesBeforePermissions = null)
    {
        var calls = new ConcurrentQueue<string>();
        var host = ConnectorHost.Create(bootstrapServers, embedded, configure, builder =>
        {
            servicesBeforePermissions?.Invoke(builder.Services);
            builder.AddPermissions(rules);
            builder.Services.Replace(ServiceDescriptor.Singleton<IKafkaConnectorSystemApi>(sp => RecordingProxy.Wrap<IKafkaConnectorSystemApi>(sp.GetRequiredService<KafkaConnectorSystemApi>(), calls)));
            builder.Services.Replace(ServiceDescriptor.Singleton<IKafkaAdminApi>(sp => RecordingProxy.Wrap<IKafkaAdminApi>(sp.GetRequiredService<KafkaAdminApi>(), calls)));
            builder.Services.AddSingleton<KafkaConnectorStatus>().AddSingleton<ReceiverControl>();
            builder.Services.Replace(ServiceDescriptor.Singleton<IKafkaConnectorStatus>(sp => RecordingProxy.Wrap<IKafkaConnectorStatus>(sp.GetRequiredService<KafkaConnectorStatus>(), calls)));
            builder.Services.Replace(ServiceDescriptor.Singleton<IKafkaReceiverControl>(sp => RecordingProxy.Wrap<IKafkaReceiverControl>(sp.GetRequiredService<ReceiverControl>(), calls)));
            services?.Invoke(builder.Services);
        });
        return new SecureConnector(host, calls);
    }

    public async ValueTask DisposeAsync()
    {
        _listener.Dispose();
        await Host.DisposeAsync();
    }
}
