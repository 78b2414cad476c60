using System.Collections.Immutable;
using Microsoft.Extensions.DependencyInjection;

namespace KafkaConnector.Receivers;

/// <summary>
/// The receivers of this node: those registered in DI (resolved once, at start, for singletons)
/// and those registered at runtime. Readers take an immutable snapshot, so the dispatcher's hot
/// path never locks; <see cref="Changed"/> tells the dispatcher to re-subscribe.
/// </summary>
internal sealed class ReceiverRegistry(IServiceProvider services, IEnumerable<ReceiverDescriptor> descriptors, NodeIdentity identity) : IKafkaReceiverRegistry
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

    public IDisposable Register(IKafkaMessageReceiver receiver, string topicFilter, string? keyFilter = null)
    {
        ArgumentNullException.ThrowIfNull(receiver);
        identity.Require("Registering a receiver"); // without an identity no dispatcher runs: fail now, not silently
        return Add(ReceiverRegistration.ForInstance(receiver, KafkaTopicFilter.Parse(topicFilter), keyFilter));
    }

    internal IDisposable Add(ReceiverRegistration registration)
    {
        EnsureInitialized();
        ImmutableInterlocked.Update(ref _registrations, (list, r) => list.Add(r), registration);
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
                var resolved = descriptors.Select(d => d.Lifetime == ServiceLifetime.Singleton
                    ? ReceiverRegistration.ForInstance(Build(d), d.Filter, d.KeyFilter)
                    : ReceiverRegistration.ForType(d.Type, d.Filter, d.KeyFilter));
                _registrations = [.. resolved];
                Volatile.Write(ref _initialized, true);
            }
        }
    }

    private IKafkaMessageReceiver Build(ReceiverDescriptor descriptor)
    {
        try
        {
            return (IKafkaMessageReceiver)services.GetRequiredService(descriptor.Type);
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

/// <summary>A receiver registered in DI, before the container is built.</summary>
internal sealed record ReceiverDescriptor(Type Type, KafkaTopicFilter Filter, string? KeyFilter, ServiceLifetime Lifetime);
