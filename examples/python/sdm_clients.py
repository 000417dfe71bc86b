#!/usr/bin/env python3
"""Clicks in, vectors out: sdm-stream's Kafka topics from Python, in either wire format.

  publish-clicks  reads clicks as JSON lines (click_event.avsc's fields, eventTime in epoch millis) from
                  stdin and publishes them, keyed by userId
  read-vectors    prints UserInterestVectors as JSON lines (read_committed: only what the job committed)
  encode-click    prints one click's Kafka value as hex, to compare with docs/clients.md

Wire formats (docs/clients.md): single-object = C3 01, the writer schema's CRC-64-AVRO fingerprint
(8 bytes, little-endian), Avro body; registry = 00, the schema id (4 bytes, big-endian), Avro body.
Needs confluent-kafka (Debian: python3-confluent-kafka) and fastavro; see README.md beside this file.
"""
import argparse
import datetime
import io
import json
import struct
import sys
import time
import urllib.parse
import urllib.request
from pathlib import Path

import fastavro
from fastavro.schema import fingerprint, to_parsing_canonical_form

SCHEMA_DIR = Path(__file__).resolve().parents[2] / "schemas" / "src" / "main" / "avro"
SINGLE_OBJECT_MARKER = b"\xc3\x01"
REGISTRY_MAGIC = b"\x00"
EPOCH = datetime.datetime(1970, 1, 1, tzinfo=datetime.timezone.utc)


class AvroType:
    """One record schema: its .avsc text (what a registry stores) and fastavro's parsed form."""

    def __init__(self, text):
        self.text = text
        self.parsed = fastavro.parse_schema(json.loads(text))
        # fastavro gives CRC-64-AVRO as the hex of its little-endian bytes: the order on the wire.
        self.fingerprint = bytes.fromhex(fingerprint(to_parsing_canonical_form(self.parsed), "CRC-64-AVRO"))

    @classmethod
    def from_file(cls, name):
        return cls((SCHEMA_DIR / name).read_text(encoding="utf-8"))

    def body(self, record):
        out = io.BytesIO()
        fastavro.schemaless_writer(out, self.parsed, record)
        return out.getvalue()


class SchemaRegistry:
    """The two Confluent-compatible REST calls a client needs (Confluent, Karapace, Apicurio's /apis/ccompat/v7)."""

    CONTENT_TYPE = "application/vnd.schemaregistry.v1+json"

    def __init__(self, url):
        self.url = url.rstrip("/")
        self._by_id = {}  # a registry never changes what an id means: ask once per id

    def register(self, subject, avro_type):
        """The id of avro_type under subject: registered as its next version, or the existing id."""
        body = json.dumps({"schema": avro_type.text}).encode()
        request = urllib.request.Request(f"{self.url}/subjects/{urllib.parse.quote(subject, safe='')}/versions",
                                         body, {"Content-Type": self.CONTENT_TYPE})
        with urllib.request.urlopen(request, timeout=10) as answer:
            return json.load(answer)["id"]

    def schema_by_id(self, schema_id):
        if schema_id not in self._by_id:
            with urllib.request.urlopen(f"{self.url}/schemas/ids/{schema_id}", timeout=10) as answer:
                self._by_id[schema_id] = AvroType(json.load(answer)["schema"])
        return self._by_id[schema_id]


def encode_single_object(avro_type, record):
    return SINGLE_OBJECT_MARKER + avro_type.fingerprint + avro_type.body(record)


def encode_registry(schema_id, avro_type, record):
    return REGISTRY_MAGIC + struct.pack(">I", schema_id) + avro_type.body(record)


def decode(payload, reader, registry=None):
    """One Kafka value in either format, resolved to the reader schema (a dict, timestamps as datetimes)."""
    if payload[:2] == SINGLE_OBJECT_MARKER and len(payload) >= 10:
        if payload[2:10] != reader.fingerprint:
            raise ValueError(f"written with another schema version (fingerprint {payload[2:10].hex()}, "
                             f"this reader has {reader.fingerprint.hex()}): update the .avsc files")
        return fastavro.schemaless_reader(io.BytesIO(payload[10:]), reader.parsed)
    if payload[:1] == REGISTRY_MAGIC and len(payload) >= 5:
        (schema_id,) = struct.unpack(">I", payload[1:5])
        if registry is None:
            raise ValueError(f"registry format (schema id {schema_id}): pass --registry-url")
        writer = registry.schema_by_id(schema_id)
        return fastavro.schemaless_reader(io.BytesIO(payload[5:]), writer.parsed, reader.parsed)
    raise ValueError(f"neither wire format: value starts with {payload[:2].hex()}")


def as_json(value):
    """Avro's decoded values as plain JSON: timestamp-millis back to epoch millis."""
    if isinstance(value, datetime.datetime):
        return (value - EPOCH) // datetime.timedelta(milliseconds=1)
    if isinstance(value, dict):
        return {k: as_json(v) for k, v in value.items()}
    if isinstance(value, list):
        return [as_json(v) for v in value]
    return value


def click_encoder(args):
    """A function from a click dict to Kafka value bytes in the format args ask for."""
    click_type = AvroType.from_file("click_event.avsc")
    if args.wire_format == "single-object":
        return lambda click: encode_single_object(click_type, click)
    if args.schema_id is not None:
        schema_id = args.schema_id
    elif args.registry_url:
        schema_id = SchemaRegistry(args.registry_url).register(f"{args.topic}-value", click_type)
    else:
        sys.exit("--wire-format registry needs --registry-url (to register the schema) or --schema-id")
    return lambda click: encode_registry(schema_id, click_type, click)


def publish_clicks(args):
    from confluent_kafka import Producer

    encode = click_encoder(args)
    producer = Producer({"bootstrap.servers": args.bootstrap_servers, "enable.idempotence": True})
    failed = []

    def delivered(error, _message):
        if error is not None:
            failed.append(error)

    sent = 0
    for line in sys.stdin:
        if line.strip():
            click = json.loads(line)
            producer.produce(args.topic, key=click["userId"].encode(), value=encode(click), on_delivery=delivered)
            producer.poll(0)
            sent += 1
    undelivered = producer.flush(30)
    failures = len(failed) + undelivered
    print(f"{sent - failures} clicks sent to {args.topic}, {failures} failed", file=sys.stderr)
    if failed or undelivered:
        sys.exit(f"first failure: {failed[0]}" if failed else f"{undelivered} clicks not delivered in 30 s")


def read_vectors(args):
    from confluent_kafka import Consumer

    vector_type = AvroType.from_file("user_interest_vector.avsc")
    registry = SchemaRegistry(args.registry_url) if args.registry_url else None
    consumer = Consumer({"bootstrap.servers": args.bootstrap_servers, "group.id": args.group_id,
                         "isolation.level": "read_committed", "auto.offset.reset": "earliest"})
    consumer.subscribe([args.topic])
    read = 0
    deadline = time.monotonic() + args.timeout
    try:
        while read < args.max_records and time.monotonic() < deadline:
            message = consumer.poll(0.5)
            if message is None:
                continue
            if message.error() is not None:
                print(f"consumer error: {message.error()}", file=sys.stderr)
                continue
            print(json.dumps(as_json(decode(message.value(), vector_type, registry))), flush=True)
            read += 1
    finally:
        consumer.close()
    print(f"{read} vectors read from {args.topic}", file=sys.stderr)


def encode_click(args):
    print(click_encoder(args)(json.loads(sys.stdin.read())).hex())


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    commands = parser.add_subparsers(dest="command", required=True)
    for name, run in (("publish-clicks", publish_clicks), ("encode-click", encode_click)):
        command = commands.add_parser(name)
        command.set_defaults(run=run)
        command.add_argument("--topic", default="clicks")
        command.add_argument("--wire-format", choices=("single-object", "registry"), default="single-object")
        command.add_argument("--registry-url", help="registers click_event.avsc under <topic>-value for its id")
        command.add_argument("--schema-id", type=int, help="with registry: the id click_event.avsc has already")
        if name == "publish-clicks":
            command.add_argument("--bootstrap-servers", default="localhost:9092")
    command = commands.add_parser("read-vectors")
    command.set_defaults(run=read_vectors)
    command.add_argument("--bootstrap-servers", default="localhost:9092")
    command.add_argument("--topic", default="user-vectors")
    command.add_argument("--group-id", default="python-retrieval")
    command.add_argument("--registry-url", help="where registry-format values' schema ids are looked up")
    command.add_argument("--max-records", type=int, default=sys.maxsize)
    command.add_argument("--timeout", type=float, default=30.0, help="seconds to read before stopping")
    args = parser.parse_args()
    args.run(args)


if __name__ == "__main__":
    main()
