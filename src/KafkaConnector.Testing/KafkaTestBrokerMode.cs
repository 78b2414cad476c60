namespace KafkaConnector.Testing;

/// <summary>Which broker a <see cref="KafkaTestCluster"/> runs the tests against, chosen by <c>KAFKA_TEST_BROKER</c>.</summary>
public enum KafkaTestBrokerMode
{
    /// <summary>A fresh embedded broker in the test process (the default): no installation, no Docker.</summary>
    Embedded,

    /// <summary>The cluster named by <c>KAFKA_BOOTSTRAP_SERVERS</c>.</summary>
    External,

    /// <summary>A real Apache Kafka broker in a container started through Testcontainers (needs a Docker engine).</summary>
    Testcontainers,
}
