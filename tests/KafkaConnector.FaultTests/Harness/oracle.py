# The independent client of the fault suite: kafka-python (a Kafka protocol implementation of its
# own) writes the input and reads back what the nodes produced.
#   produce BOOTSTRAP TOPIC KEYS FIRST COUNT [HOT_KEY HOT_COUNT]
#       values FIRST..FIRST+COUNT-1, keyed k<value % KEYS>; with HOT_KEY, HOT_COUNT more values
#       keyed HOT_KEY come first. Prints the number written once every one is acknowledged.
#   read BOOTSTRAP TOPIC...
#       every record of the topics, from the start to their current end, as JSON:
#       {topic: [[partition, offset, key, value], ...]}
#   transactions BOOTSTRAP TOPIC...
#       what a read_committed reader must see, decided from the log itself rather than by the
#       broker: each record with the outcome of its transaction, from the control records
#       (commit or abort markers) its producer id wrote later in the partition, as JSON:
#       {topic: {"committed": [...], "aborted": [...], "open": [...]}}, records as above;
#       a record outside any transaction counts as committed, one with no marker yet as open.
import json
import sys

import kafka
from kafka import TopicPartition
from kafka.consumer.fetcher import ConsumerRecord, Fetcher


def read_records(topics, consumer):
    """Every record of the topics, from the start to their current end, in offset order per partition."""
    consumer.topics()  # fetch metadata
    partitions = [TopicPartition(t, p) for t in topics for p in sorted(consumer.partitions_for_topic(t) or [])]
    records = {t: [] for t in topics}
    if partitions:
        consumer.assign(partitions)
        end = consumer.end_offsets(partitions)
        consumer.seek_to_beginning(*partitions)
        while any(consumer.position(tp) < end[tp] for tp in partitions):
            for tp, batch in consumer.poll(timeout_ms=500).items():
                records[tp.topic].extend(r for r in batch if r.offset < end[tp])
    return records


def row(partition, record):
    return [partition, record.offset,
            record.key.decode() if record.key is not None else None,
            record.value.decode() if record.value is not None else None]


# kafka-python 2.0 hands out control records as data and drops the batch attributes that say whose
# transaction a record belongs to: keep them, per (topic, partition, offset).
batches = {}


def unpack_with_batches(self, tp, records):
    batch = records.next_batch()
    while batch is not None:
        producer_id = getattr(batch, "_header_data", [None] * 10)[9]
        transactional = getattr(batch, "is_transactional", False)
        control = getattr(batch, "is_control_batch", False)
        for r in batch:
            batches[(tp.topic, tp.partition, r.offset)] = (producer_id, transactional, control)
            yield ConsumerRecord(tp.topic, tp.partition, r.offset, r.timestamp, r.timestamp_type, r.key, r.value,
                                 r.headers, r.checksum, -1, -1, -1)
        batch = records.next_batch()

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
    consumer = kafka.KafkaConsumer(bootstrap_servers=bootstrap, enable_auto_commit=False, auto_offset_reset="earliest")
    records = read_records(sys.argv[3:], consumer)
    print(json.dumps({t: [row(r.partition, r) for r in rs] for t, rs in records.items()}))
elif command == "transactions":
    Fetcher._unpack_message_set = unpack_with_batches
    # The embedded broker writes its control batches without a CRC.
    consumer = kafka.KafkaConsumer(bootstrap_servers=bootstrap, enable_auto_commit=False, auto_offset_reset="earliest", check_crcs=False)
    views = {}
    for topic, rs in read_records(sys.argv[3:], consumer).items():
        view = {"committed": [], "aborted": [], "open": []}
        pending = {}  # (partition, producer id) -> records of its transaction so far
        for r in sorted(rs, key=lambda r: (r.partition, r.offset)):
            producer_id, transactional, control = batches[(topic, r.partition, r.offset)]
            if control:
                # Control record key: version (int16), then type (int16): 0 abort, 1 commit.
                outcome = "committed" if int.from_bytes(r.key[2:4], "big") == 1 else "aborted"
                view[outcome].extend(pending.pop((r.partition, producer_id), []))
            elif transactional:
                pending.setdefault((r.partition, producer_id), []).append(row(r.partition, r))
            else:
                view["committed"].append(row(r.partition, r))
        for records in pending.values():
            view["open"].extend(records)
        views[topic] = view
    print(json.dumps(views))
else:
    sys.exit(f"unknown command {command}")
