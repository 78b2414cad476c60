using Confluent.Kafka;
using KafkaConnector.Testing;

namespace KafkaConnector.Tests.Admin;

/// <summary>Messages and consumer-group activity for the group administration tests, through plain Confluent.Kafka clients.</summary>
internal static class GroupTraffic
{
    private static readonly TimeSpan WaitLimit = TimeSpan.FromSeconds(60);

    /// <summary>A new topic of <paramref name="partitions"/> partitions with <paramref name="count"/> messages each, and a new group id.</summary>
    public static async Task<(string Topic, string Group)> TopicWithMessagesAsync(KafkaTestCluster cluster, string hint, int partitions, int count, CancellationToken ct)
    {
        var topic = await cluster.CreateNewTopicAsync(hint, partitions, ct);
        await ProduceAsync(cluster, topic, partitions, count, ct: ct);
        return (topic, cluster.NewGroupId(hint));
    }

    /// <summary>A connector on the cluster whose admin requests time out after 30 s.</summary>
    public static ConnectorHost AdminHost(KafkaTestCluster cluster) =>
        ConnectorHost.Create(cluster.BootstrapServers, cluster.IsEmbedded, o => o.Admin["socket.timeout.ms"] = "30000");

    /// <summary>Writes <paramref name="count"/> messages to each of the partitions, optionally with an explicit timestamp.</summary>
    public static async Task ProduceAsync(KafkaTestCluster cluster, string topic, int partitions, int count, DateTimeOffset? timestamp = null, CancellationToken ct = default)
    {
        using var producer = new ProducerBuilder<string, string>(cluster.CreateProducerConfig()).Build();
        for (var partition = 0; partition < partitions; partition++)
        {
            for (var i = 0; i < count; i++)
            {
                var message = new Message<string, string> { Key = $"k{i}", Value = $"m{i}" };
                if (timestamp is { } time)
                {
                    message.Timestamp = new Timestamp(time);
                }

                await producer.ProduceAsync(new TopicPartition(topic, partition), message, ct);
            }
        }
    }

    /// <summary>
    /// Consumes each partition from its beginning up to the given offset and commits it for the
    /// group, as a consumer that assigns its partitions itself does: the group never gets a member.
    /// </summary>
    public static void ConsumeAndCommit(KafkaTestCluster cluster, string groupId, string topic, IReadOnlyDictionary<int, long> upTo)
    {
        using var consumer = new ConsumerBuilder<string, string>(cluster.CreateConsumerConfig(groupId)).Build();
        consumer.Assign(upTo.Keys.Select(p => new TopicPartitionOffset(topic, p, Offset.Beginning)));
        var next = upTo.Keys.ToDictionary(p => p, _ => 0L);
        var deadline = DateTime.UtcNow + WaitLimit;
        while (next.Any(n => n.Value < upTo[n.Key]))
        {
            Assert.True(DateTime.UtcNow < deadline, $"consumed up to [{string.Join(", ", next)}], expected [{string.Join(", ", upTo)}]");
            if (consumer.Consume(TimeSpan.FromMilliseconds(100)) is { } record && record.Offset.Value < upTo[record.Partition.Value])
            {
                next[record.Partition.Value] = record.Offset.Value + 1;
            }
        }

        consumer.Commit(upTo.Select(u => new TopicPartitionOffset(topic, u.Key, u.Value)));
        consumer.Close();
    }

    /// <summary>
    /// Joins the group with a subscribed consumer and returns the offset of the first message it
    /// gets from each partition: where the group starts.
    /// </summary>
    public static Dictionary<int, long> FirstOffsets(KafkaTestCluster cluster, string groupId, string topic, int partitions)
    {
        var config = cluster.CreateConsumerConfig(groupId);
        config.AutoOffsetReset = AutoOffsetReset.Error; // a partition without a commit must show, not start anywhere
        using var consumer = new ConsumerBuilder<string, string>(config).Build();
        consumer.Subscribe(topic);
        var first = new Dictionary<int, long>();
        var deadline = DateTime.UtcNow + WaitLimit;
        while (first.Count < partitions)
        {
            Assert.True(DateTime.UtcNow < deadline, $"a first message from each of {partitions} partitions; got [{string.Join(", ", first)}]");
            if (consumer.Consume(TimeSpan.FromMilliseconds(100)) is { } record)
            {
                first.TryAdd(record.Partition.Value, record.Offset.Value);
            }
        }

        consumer.Close();
        return first;
    }

    /// <summary>A subscribed member of the group that holds its partitions until disposed; it commits <paramref name="commit"/> once assigned.</summary>
    public static async Task<IConsumer<string, string>> JoinAsync(
        KafkaTestCluster cluster, string groupId, string topic, int partitions, string protocol, IReadOnlyDictionary<int, long> commit, CancellationToken ct)
    {
        var settings = cluster.CreateConsumerConfig(groupId).ToDictionary(c => c.Key, c => c.Value);
        GroupProtocols.Apply(protocol, settings, cluster);
        var consumer = new ConsumerBuilder<string, string>(new ConsumerConfig(settings)).Build();
        consumer.Subscribe(topic);
        await Eventually.UntilAsync(
            () =>
            {
                consumer.Consume(TimeSpan.FromMilliseconds(50));
                return consumer.Assignment.Count == partitions;
            },
            WaitLimit,
            () => $"the member to be assigned {partitions} partition(s); has [{string.Join(", ", consumer.Assignment)}]",
            ct);
        consumer.Commit(commit.Select(c => new TopicPartitionOffset(topic, c.Key, c.Value)));
        return consumer;
    }
}
