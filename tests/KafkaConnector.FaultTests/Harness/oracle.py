# The independent client of the fault suite: kafka-python (a Kafka protocol implementation of its
# own) writes the input and reads back what the nodes produced.
#   produce BOOTSTRAP TOPIC KEYS FIRST COUNT [HOT_KEY HOT_COUNT]
#       values FIRST..FIRST+COUNT-1, keyed k<value % KEYS>; with HOT_KEY, HOT_COUNT more values
#       keyed HOT_KEY come first. Prints the number written once every one is acknowledged.
#   read BOOTSTRAP TOPIC...
#       every record of the topics, from the start to their current end, as JSON:
#       {topic: [[partition, offset, key, value], ...]}
import json
import sys

import kafka
from kafka import TopicPartition

command, bootstrap = sys.argv[1], sys.argv[2]
if command == "produce":
    topic, keys, first, count = sys.argv[3], int(sys.argv[4]), int(sys.argv[5]), int(sys.argv[6])
    hot_key, hot_count = (sys.argv[7], int(sys.argv[8])) if len(sys.argv) > 8 else (None, 0)
    # One request in flight per connection: retries cannot reorder a key.
    producer = kafka.KafkaProducer(bootstrap_servers=bootstrap, acks="all", linger_ms=5, retries=10,
                                   max_in_flight_requests_per_connection=1)
    futures = []
    value = first
    for _ in range(hot_count):
        futures.append(producer.send(topic, key=hot_key.encode(), value=str(value).encode()))
        value += 1
    for _ in range(count):
        futures.append(producer.send(topic, key=f"k{value % keys}".encode(), value=str(value).encode()))
        value += 1
    producer.flush()
    for future in futures:
        future.get(timeout=60)
    print(len(futures))
elif command == "read":
    topics = sys.argv[3:]
    consumer = kafka.KafkaConsumer(bootstrap_servers=bootstrap, enable_auto_commit=False, auto_offset_reset="earliest")
    consumer.topics()  # fetch metadata
    partitions = [TopicPartition(t, p) for t in topics for p in sorted(consumer.partitions_for_topic(t) or [])]
    records = {t: [] for t in topics}
    if partitions:
        consumer.assign(partitions)
        end = consumer.end_offsets(partitions)
        consumer.seek_to_beginning(*partitions)
        while any(consumer.position(tp) < end[tp] for tp in partitions):
            for tp, batch in consumer.poll(timeout_ms=500).items():
                for r in batch:
                    if r.offset < end[tp]:
                        records[tp.topic].append([tp.partition, r.offset,
                                                  r.key.decode() if r.key is not None else None,
                                                  r.value.decode() if r.value is not None else None])
    print(json.dumps(records))
else:
    sys.exit(f"unknown command {command}")
