namespace KafkaConnector.Receivers;

/// <summary>How a batch receiver's batches are cut: whichever bound is reached first.</summary>
internal sealed record KafkaBatchOptions
{
    /// <summary>The default size of a batch.</summary>
    public const int DefaultMaxMessages = 100;

    /// <summary>The most messages a batch holds, from 1 to 100,000.</summary>
    public const int MaxMaxMessages = 100_000;

    /// <summary>The default time bound of a batch.</summary>
    public static readonly TimeSpan DefaultMaxWait = TimeSpan.FromMilliseconds(250);

    private KafkaBatchOptions(int maxMessages, TimeSpan maxWait)
    {
        MaxMessages = maxMessages;
        MaxWait = maxWait;
    }

    /// <summary>A batch is handed over once it holds this many messages.</summary>
    public int MaxMessages { get; }

    /// <summary>A batch is handed over this long after its first message was read, however few it holds.</summary>
    public TimeSpan MaxWait { get; }

    public static KafkaBatchOptions Of(int maxMessages, TimeSpan? maxWait, string maxMessagesArgument = "maxMessages", string maxWaitArgument = "maxWait")
    {
        if (maxMessages is < 1 or > MaxMaxMessages)
        {
            throw new ArgumentOutOfRangeException(maxMessagesArgument, maxMessages, $"A batch holds from 1 to {MaxMaxMessages} messages.");
        }

        var wait = maxWait ?? DefaultMaxWait;
        if (wait <= TimeSpan.Zero || wait > TimeSpan.FromMinutes(5))
        {
            throw new ArgumentOutOfRangeException(maxWaitArgument, wait, "A batch's time bound is above zero and at most 5 minutes (messages wait that long uncommitted).");
        }

        return new KafkaBatchOptions(maxMessages, wait);
    }

    public override string ToString() => $"batches of up to {MaxMessages} or {MaxWait.TotalMilliseconds:0} ms";
}
