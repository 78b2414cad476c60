namespace KafkaConnector.Receivers;

/// <summary>
/// No receiver of the node has the id a control call named (<see cref="IKafkaReceiverControl"/>); the
/// message names it and lists the node's receiver ids. An <see cref="ArgumentException"/> for
/// parameter <c>receiverId</c>, so that a web layer can answer 404 where other bad input is 400.
/// </summary>
public sealed class KafkaReceiverNotFoundException : ArgumentException
{
    /// <summary>Creates the exception for <paramref name="receiverId"/>, listing <paramref name="knownIds"/>.</summary>
    /// <param name="receiverId">The id that matched no receiver.</param>
    /// <param name="knownIds">The node's receiver ids.</param>
    public KafkaReceiverNotFoundException(string receiverId, IReadOnlyCollection<string> knownIds)
        : base($"No receiver has id '{receiverId}'; the node's receivers are: {(knownIds is null or { Count: 0 } ? "none" : string.Join(", ", knownIds))}.", nameof(receiverId))
    {
        ReceiverId = receiverId;
    }

    /// <summary>The id that matched no receiver.</summary>
    public string ReceiverId { get; }
}
