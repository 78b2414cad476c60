namespace KafkaConnector.Receivers;

/// <summary>
/// What a receiver in a group of its own may not do, checked where it is registered: read the node's
/// broadcast or node topic (they carry the cluster's traffic and belong to the node's group), or name
/// the node's own group.
/// </summary>
internal static class ReceiverGroupRules
{
    /// <param name="receiver">The receiver as the message names it.</param>
    /// <param name="filter">Its topic filter.</param>
    /// <param name="groupId">Its group, or null (then nothing is checked).</param>
    /// <param name="nodeGroupId">The node's own group, or null when the node has no identity yet.</param>
    /// <param name="argument">The argument named by the exception.</param>
    /// <exception cref="ArgumentException">One of the rules is broken; the message names the receiver.</exception>
    public static void Check(string receiver, KafkaTopicFilter filter, string? groupId, string? nodeGroupId, string? argument = null)
    {
        if (groupId is null)
        {
            return;
        }

        if (filter.UsesPlaceholders)
        {
            throw new ArgumentException(
                $"Receiver {receiver} on '{filter}' in group '{groupId}': {KafkaTopicFilter.BroadcastPlaceholder} and {KafkaTopicFilter.NodePlaceholder} are read in the node's own group; a receiver in a group of its own names its topics.",
                argument);
        }

        if (string.Equals(groupId, nodeGroupId, StringComparison.Ordinal))
        {
            throw new ArgumentException(
                $"Receiver {receiver} on '{filter}' in group '{groupId}': '{groupId}' is the node's own consumer group; leave the group unset to read in it, or name another.",
                argument);
        }
    }
}
