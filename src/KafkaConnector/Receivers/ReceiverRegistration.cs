using System.Text;
using KafkaConnector.Diagnostics;
using KafkaConnector.Receivers.Pipeline;

namespace KafkaConnector.Receivers;

/// <summary>One receiver bound to a topic filter and an optional key.</summary>
internal sealed class ReceiverRegistration
{
    private readonly byte[]? _key;
    private ReceiverPipeline? _pipeline;
    private KafkaReceiverError? _lastError;
    private long _dispatched;
    private long _finished;
    private volatile bool _paused;

    private ReceiverRegistration(
        string name, KafkaTopicFilter filter, string? keyFilter, object? instance, Type? perMessageType, bool isInternal, KafkaErrorPolicy? errorPolicy, string? groupId, KafkaBatchOptions? batch = null)
    {
        GroupId = groupId;
        Batch = batch;
        Name = name;
        Id = name;
        Filter = filter;
        KeyFilter = keyFilter is null or "*" ? null : keyFilter;
        _key = KeyFilter is null ? null : Encoding.UTF8.GetBytes(KeyFilter);
        Instance = instance as IKafkaMessageReceiver;
        BatchInstance = instance as IKafkaBatchReceiver;
        PerMessageType = perMessageType;
        IsInternal = isInternal;
        ErrorPolicy = errorPolicy;
    }

    /// <summary>The receiver's name in logs, metrics and dead-letter headers (its type name).</summary>
    public string Name { get; }

    /// <summary>Its id in status and control: the name, made unique by the registry (<c>-2</c>, <c>-3</c>…).</summary>
    public string Id { get; set; }

    /// <summary>Its messages read and not yet finished (any thread).</summary>
    public int InFlight
    {
        get
        {
            var finished = Volatile.Read(ref _finished); // first: a message finishing in between only lowers the figure
            return (int)Math.Max(0, Volatile.Read(ref _dispatched) - finished);
        }
    }

    /// <summary>Paused on request: its dispatcher keeps its topics' partitions paused.</summary>
    public bool IsPaused
    {
        get => _paused;
        set => _paused = value;
    }

    /// <summary>Its last failure, or null.</summary>
    public KafkaReceiverError? LastError
    {
        get => Volatile.Read(ref _lastError);
        set => Volatile.Write(ref _lastError, value);
    }

    public KafkaTopicFilter Filter { get; }

    /// <summary>The key the receiver is bound to, or null for every key (null keys included).</summary>
    public string? KeyFilter { get; }

    /// <summary>The receiver, for singletons and runtime registrations.</summary>
    public IKafkaMessageReceiver? Instance { get; }

    /// <summary>The batch receiver, for singletons and runtime registrations of an <see cref="IKafkaBatchReceiver"/>.</summary>
    public IKafkaBatchReceiver? BatchInstance { get; }

    /// <summary>How its batches are cut, for a batch receiver; null for a message receiver.</summary>
    public KafkaBatchOptions? Batch { get; }

    /// <summary>Whether it receives batches (<see cref="IKafkaBatchReceiver"/>).</summary>
    public bool IsBatch => Batch is not null;

    /// <summary>The receiver type resolved in a new scope for each message or batch (scoped and transient registrations).</summary>
    public Type? PerMessageType { get; }

    /// <summary>The cluster's own request handling: no retries, no dead-lettering, not a user receiver.</summary>
    public bool IsInternal { get; }

    /// <summary>The receiver's own error policy, or null for the default built from <c>Dispatch:*</c>.</summary>
    public KafkaErrorPolicy? ErrorPolicy { get; }

    /// <summary>The consumer group the receiver shares its work in, or null for the node's own group.</summary>
    public string? GroupId { get; }

    /// <summary>The registration's pipeline, built on its first message (<see cref="ReceiverInvoker"/>).</summary>
    public ReceiverPipeline? Pipeline => Volatile.Read(ref _pipeline);

    public static ReceiverRegistration ForInstance(IKafkaMessageReceiver receiver, KafkaTopicFilter filter, string? keyFilter, KafkaErrorPolicy? errorPolicy = null, string? groupId = null) =>
        new(receiver.GetType().Name, filter, keyFilter, receiver, null, isInternal: false, errorPolicy, groupId);

    public static ReceiverRegistration ForBatchInstance(IKafkaBatchReceiver receiver, KafkaTopicFilter filter, KafkaBatchOptions batch, KafkaErrorPolicy? errorPolicy = null, string? groupId = null) =>
        new(receiver.GetType().Name, filter, null, receiver, null, isInternal: false, errorPolicy, groupId, batch);

    /// <summary>A DI-registered receiver: <paramref name="instance"/> for a singleton, else resolved per message or batch.</summary>
    public static ReceiverRegistration ForDescriptor(ReceiverDescriptor descriptor, object? instance, KafkaErrorPolicy? errorPolicy) =>
        new(descriptor.Type.Name, descriptor.Filter, descriptor.KeyFilter, instance, instance is null ? descriptor.Type : null, isInternal: false, errorPolicy, descriptor.GroupId, descriptor.Batch);

    public static ReceiverRegistration ForType(Type type, KafkaTopicFilter filter, string? keyFilter, KafkaErrorPolicy? errorPolicy = null, string? groupId = null) =>
        new(type.Name, filter, keyFilter, null, type, isInternal: false, errorPolicy, groupId);

    public static ReceiverRegistration Internal(string name, IKafkaMessageReceiver receiver, KafkaTopicFilter filter) =>
        new(name, filter, null, receiver, null, isInternal: true, errorPolicy: null, groupId: null);

    /// <summary>Keeps the first pipeline built for this registration (two messages may race to build it).</summary>
    public ReceiverPipeline SetPipeline(ReceiverPipeline pipeline) => Interlocked.CompareExchange(ref _pipeline, pipeline, null) ?? pipeline;

    /// <summary>
    /// Its dispatcher's poll thread handed it <paramref name="count"/> messages (<see cref="Finished"/> when
    /// they are done or dropped). One writer, so no interlocked operation on the poll thread, the serial stage.
    /// </summary>
    public void Dispatched(int count = 1) => Volatile.Write(ref _dispatched, _dispatched + count);

    /// <summary>Messages of its are done or dropped (any thread).</summary>
    public void Finished(int count = 1) => Interlocked.Add(ref _finished, count);

    /// <summary>Its consumer is made anew: the next message builds a fresh pipeline (a stopped receiver runs again).</summary>
    public void ResetPipeline() => Volatile.Write(ref _pipeline, null);

    public bool MatchesKey(byte[]? key) => _key is null || (key is not null && key.AsSpan().SequenceEqual(_key));

    public override string ToString() => $"{Name} on '{Filter}'{(KeyFilter is null ? "" : $" key '{KeyFilter}'")}{(GroupId is null ? "" : $" in group '{GroupId}'")}";
}
