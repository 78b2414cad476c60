using System.Collections.Immutable;
using Microsoft.Extensions.DependencyInjection;

namespace KafkaConnector.Receivers;

/// <summary>
/// The receivers of this node: those registered in DI (resolved once, at start, for singletons)
/// and those registered at runtime. Readers take an immutable snapshot, so the dispatcher's hot
/// path never locks; <see cref="Changed"/> tells the dispatcher to re-subscribe.
/// </summary>
internal sealed class ReceiverRegistry(
    IServiceProvider services, IEnumerable<ReceiverDescriptor> descriptors, IEnumerable<NamedErrorPolicy> policies, NodeIdentity identity) : IKafkaReceiverRegistry
{
    private readonly Lock _initialization = new();
    private ImmutableArray<ReceiverRegistration> _registrations;
    private bool _initialized;

    /// <summary>Raised after a registration was added or removed.</summary>
    public event Action? Changed;

    public ImmutableArray<ReceiverRegistration> Current
    {
        get
        {
            EnsureInitialized();
            return ImmutableInterlocked.InterlockedCompareExchange(ref _registrations, default, default);
        }
    }

    public IDisposable Register(IKafkaMessageReceiver receiver, string topicFilter, string? keyFilter = null, Action<KafkaReceiverOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(receiver);
        identity.Require("Registering a receiver"); // without an identity no dispatcher runs: fail now, not silently
        var filter = KafkaTopicFilter.Parse(topicFilter);
        var options = KafkaReceiverOptions.From(configure);
        var registration = ReceiverRegistration.ForInstance(receiver, filter, keyFilter, options.ErrorPolicy, options.GroupId);
        ValidateGroup(registration);
        return Add(registration);
    }

    public IDisposable RegisterBatch(IKafkaBatchReceiver receiver, string topicFilter, int maxMessages = KafkaBatchOptions.DefaultMaxMessages, TimeSpan? maxWait = null, Action<KafkaReceiverOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(receiver);
        identity.Require("Registering a receiver");
        var filter = KafkaTopicFilter.Parse(topicFilter);
        var batch = KafkaBatchOptions.Of(maxMessages, maxWait);
        var options = KafkaReceiverOptions.From(configure);
        var registration = ReceiverRegistration.ForBatchInstance(receiver, filter, batch, options.ErrorPolicy, options.GroupId);
        ValidateGroup(registration);
        return Add(registration);
    }

    internal IDisposable Add(ReceiverRegistration registration)
    {
        EnsureInitialized();
        lock (_initialization)
        {
            registration.Id = UniqueId(registration.Name, _registrations);
            ImmutableInterlocked.Update(ref _registrations, (list, r) => list.Add(r), registration);
        }

        Changed?.Invoke();
        return new Handle(this, registration);
    }

    /// <summary>
    /// Resolves DI receivers on first use, not in the constructor: a receiver may depend on services
    /// (the cluster API, the system API) that themselves depend on this registry.
    /// </summary>
    private void EnsureInitialized()
    {
        if (Volatile.Read(ref _initialized))
        {
            return;
        }

        lock (_initialization)
        {
            if (!_initialized)
            {
                var named = policies.ToDictionary(p => p.Name, p => p.Policy, StringComparer.Ordinal);
                var resolved = descriptors.Select(d => ReceiverRegistration.ForDescriptor(d, d.Lifetime == ServiceLifetime.Singleton ? Build(d) : null, PolicyOf(d, named)));
                var registrations = ImmutableArray<ReceiverRegistration>.Empty;
                foreach (var registration in resolved)
                {
                    ValidateGroup(registration);
                    registration.Id = UniqueId(registration.Name, registrations);
                    registrations = registrations.Add(registration);
                }

                _registrations = registrations;
                Volatile.Write(ref _initialized, true);
            }
        }
    }

    /// <summary>The receiver's id: its name, or its name and the first free <c>-2</c>, <c>-3</c>… when another registration has it.</summary>
    private static string UniqueId(string name, ImmutableArray<ReceiverRegistration> existing)
    {
        var id = name;
        for (var n = 2; existing.Any(r => string.Equals(r.Id, id, StringComparison.Ordinal)); n++)
        {
            id = $"{name}-{n}";
        }

        return id;
    }

    private void ValidateGroup(ReceiverRegistration registration) =>
        ReceiverGroupRules.Check(registration.Name, registration.Filter, registration.GroupId, identity.Topics?.GroupId);

    private static KafkaErrorPolicy? PolicyOf(ReceiverDescriptor descriptor, Dictionary<string, KafkaErrorPolicy> named)
    {
        if (descriptor.ErrorPolicyName is not { } name)
        {
            return descriptor.ErrorPolicy;
        }

        return named.TryGetValue(name, out var policy)
            ? policy
            : throw new InvalidOperationException(
                $"Receiver {descriptor.Type.Name} (topics '{descriptor.Filter}') names error policy '{name}', which is not registered: add it with AddErrorPolicy(\"{name}\", …).");
    }

    private object Build(ReceiverDescriptor descriptor)
    {
        try
        {
            return services.GetRequiredService(descriptor.Type);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            throw new InvalidOperationException(
                $"Receiver {descriptor.Type.Name} (topics '{descriptor.Filter}') could not be created: {e.GetType().Name}: {e.Message}", e);
        }
    }

    private void Remove(ReceiverRegistration registration)
    {
        if (ImmutableInterlocked.Update(ref _registrations, (list, r) => list.Remove(r), registration))
        {
            Changed?.Invoke();
        }
    }

    private sealed class Handle(ReceiverRegistry registry, ReceiverRegistration registration) : IDisposable
    {
        private int _disposed;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) == 0)
            {
                registry.Remove(registration);
            }
        }
    }
}

/// <summary>A receiver registered in DI, before the container is built, with its own error policy or the name of a registered one, and its group, if any.</summary>
internal sealed record ReceiverDescriptor(
    Type Type, KafkaTopicFilter Filter, string? KeyFilter, ServiceLifetime Lifetime, KafkaErrorPolicy? ErrorPolicy = null, string? ErrorPolicyName = null, string? GroupId = null, KafkaBatchOptions? Batch = null);

/// <summary>An error policy registered under a name with <c>AddErrorPolicy</c>, for receivers that name it (<see cref="KafkaReceiverAttribute.ErrorPolicy"/>).</summary>
internal sealed record NamedErrorPolicy(string Name, KafkaErrorPolicy Policy);
