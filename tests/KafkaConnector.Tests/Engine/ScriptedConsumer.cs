using System.Reflection;
using Confluent.Kafka;

namespace KafkaConnector.Tests.Engine;

/// <summary>
/// An <see cref="IConsumer{TKey, TValue}"/> that answers <c>Consume(TimeSpan)</c> from a script and
/// records <c>Consume</c>, <c>Close</c> and <c>Dispose</c>; any other call fails the test. For the
/// engine's pure logic: no broker, no librdkafka.
/// </summary>
public class ScriptedConsumer : DispatchProxy
{
    private readonly Queue<Func<ConsumeResult<byte[], byte[]>?>> _script = new();

    public List<TimeSpan> ConsumeTimeouts { get; } = [];

    public List<string> Calls { get; } = [];

    /// <summary>Thrown by <c>Close</c> when set.</summary>
    public Exception? CloseFails { get; set; }

    public static (IConsumer<byte[], byte[]> Consumer, ScriptedConsumer Script) Create()
    {
        var consumer = Create<IConsumer<byte[], byte[]>, ScriptedConsumer>();
        return (consumer, (ScriptedConsumer)(object)consumer);
    }

    public static ConsumeResult<byte[], byte[]> Message(int partition, long offset) => new()
    {
        TopicPartitionOffset = new TopicPartitionOffset("orders", partition, offset),
        Message = new Message<byte[], byte[]> { Key = [], Value = [] },
    };

    public static ConsumeResult<byte[], byte[]> EndOfPartition(int partition, long offset) => new()
    {
        TopicPartitionOffset = new TopicPartitionOffset("orders", partition, offset),
        IsPartitionEOF = true,
    };

    /// <summary>What the next <c>Consume</c> returns (null: nothing fetched within the timeout).</summary>
    public ScriptedConsumer Then(ConsumeResult<byte[], byte[]>? result)
    {
        _script.Enqueue(() => result);
        return this;
    }

    public ScriptedConsumer ThenThrow(ErrorCode code, bool fatal = false)
    {
        _script.Enqueue(() => throw new ConsumeException(new ConsumeResult<byte[], byte[]>(), new Error(code, code.ToString(), fatal)));
        return this;
    }

    protected override object? Invoke(MethodInfo? targetMethod, object?[]? args)
    {
        switch (targetMethod?.Name)
        {
            case "Consume" when args is [TimeSpan timeout]:
                ConsumeTimeouts.Add(timeout);
                return _script.TryDequeue(out var next) ? next() : null;
            case "Close":
                Calls.Add("Close");
                if (CloseFails is { } failure)
                {
                    throw failure;
                }

                return null;
            case "Dispose":
                Calls.Add("Dispose");
                return null;
            default:
                throw new NotSupportedException($"The scripted consumer does not serve {targetMethod}.");
        }
    }
}
