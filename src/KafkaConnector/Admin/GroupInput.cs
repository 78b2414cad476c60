using KafkaConnector.Producers;

namespace KafkaConnector.Admin;

/// <summary>Checks the arguments of the consumer-group operations before anything is sent.</summary>
internal static class GroupInput
{
    public static void ValidateGroupId(string? groupId, string parameter)
    {
        ArgumentNullException.ThrowIfNull(groupId, parameter);
        if (string.IsNullOrWhiteSpace(groupId))
        {
            throw new ArgumentException("A consumer group id must not be empty or whitespace.", parameter);
        }
    }

    public static List<string> GroupIds(IEnumerable<string> groupIds, string parameter)
    {
        ArgumentNullException.ThrowIfNull(groupIds, parameter);
        var list = groupIds.ToList();
        foreach (var groupId in list)
        {
            ValidateGroupId(groupId, parameter);
        }

        return [.. list.Distinct(StringComparer.Ordinal)];
    }

    /// <summary>The topics, validated and without repeats; null stays null (every topic the group committed on).</summary>
    public static List<string>? Topics(IEnumerable<string>? topics, string parameter)
    {
        if (topics is null)
        {
            return null;
        }

        var list = topics.ToList();
        foreach (var topic in list)
        {
            MessageValidator.ValidateTopicName(topic, parameter);
        }

        return list.Count == 0
            ? throw new ArgumentException("Name at least one topic, or pass null for every topic the group has committed offsets on.", parameter)
            : [.. list.Distinct(StringComparer.Ordinal)];
    }

    /// <summary>The partition ids, in order; null stays null (all of the topic's partitions).</summary>
    public static List<int>? Partitions(IEnumerable<int>? partitions, string parameter)
    {
        if (partitions is null)
        {
            return null;
        }

        var list = partitions.ToList();
        if (list.Count == 0)
        {
            throw new ArgumentException("Name at least one partition, or pass null for all of the topic's partitions.", parameter);
        }

        var seen = new HashSet<int>();
        foreach (var partition in list)
        {
            if (partition < 0)
            {
                throw new ArgumentOutOfRangeException(parameter, partition, $"Partition {partition} is negative: partition ids start at 0.");
            }

            if (!seen.Add(partition))
            {
                throw new ArgumentException($"Partition {partition} is named more than once.", parameter);
            }
        }

        return list;
    }
}
