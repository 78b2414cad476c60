namespace KafkaConnector.Diagnostics;

/// <summary>The last failure of a receiver (<see cref="KafkaReceiverStatus.LastError"/>), whatever its error policy did with it.</summary>
/// <param name="ExceptionType">The exception's type, as its full name.</param>
/// <param name="Message">The exception's message, with the clients' secrets masked.</param>
/// <param name="At">When it failed.</param>
/// <param name="Topic">The message's topic.</param>
/// <param name="Partition">The message's partition.</param>
/// <param name="Offset">The message's offset.</param>
public sealed record KafkaReceiverError(string ExceptionType, string Message, DateTimeOffset At, string Topic, int Partition, long Offset);
