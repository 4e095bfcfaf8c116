#!/usr/bin/python3
"""Asks a gRPC server for its grpc.health.v1 status.

Usage: grpc_health.py ADDRESS [--service NAME] [--wait SECONDS] [--pid PID]

Exits 0 once the server answers SERVING, 1 if it does not within --wait
seconds (default: ask once), 2 if the process given by --pid has exited.
Prints the last status seen.

Debian's python3-grpcio ships no grpc.health.v1 stubs, so the two messages
are encoded by hand: HealthCheckRequest is {1: service (string)} and
HealthCheckResponse is {1: status (enum)}, where 1 = SERVING,
2 = NOT_SERVING and 3 = SERVICE_UNKNOWN.
"""

import argparse
import os
import sys
import time

try:
    import grpc
except ImportError:
    sys.stderr.write(
        "grpc_health.py: python3-grpcio is missing; "
        "run deploy/local/install-deps.sh\n")
    sys.exit(3)

STATUS_NAMES = {0: "UNKNOWN", 1: "SERVING", 2: "NOT_SERVING",
                3: "SERVICE_UNKNOWN"}


def encode_request(service):
    data = service.encode("utf-8")
    if not data:
        return b""
    out = bytearray(b"\x0a")
    length = len(data)
    while True:
        byte = length & 0x7F
        length >>= 7
        out.append(byte | (0x80 if length else 0))
        if not length:
            break
    return bytes(out) + data


def decode_status(data):
    """Returns field 1 (a varint) of a HealthCheckResponse; 0 if absent."""
    i = 0
    while i < len(data):
        key = data[i]
        i += 1
        field, wire_type = key >> 3, key & 7
        if wire_type != 0:
            break  # only varint fields are expected
        value, shift = 0, 0
        while i < len(data):
            byte = data[i]
            i += 1
            value |= (byte & 0x7F) << shift
            shift += 7
            if not byte & 0x80:
                break
        if field == 1:
            return value
    return 0


def check_once(channel, service, timeout):
    check = channel.unary_unary(
        "/grpc.health.v1.Health/Check",
        request_serializer=None,
        response_deserializer=None)
    try:
        response = check(encode_request(service), timeout=timeout)
    except grpc.RpcError as error:
        return "%s (%s)" % (error.code().name, error.details() or "")
    return STATUS_NAMES.get(decode_status(response), "UNKNOWN")


def process_alive(pid):
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("address", help="host:port of the gRPC server")
    parser.add_argument("--service", default="",
                        help="service name to ask about (default: server)")
    parser.add_argument("--wait", type=float, default=0,
                        help="keep asking for this many seconds")
    parser.add_argument("--pid", type=int, default=0,
                        help="give up as soon as this process is gone")
    args = parser.parse_args()

    deadline = time.monotonic() + args.wait
    status = "UNKNOWN"
    while True:
        # A fresh channel per attempt: a reused one would sit out gRPC's
        # reconnect back-off after the first refused connection.
        with grpc.insecure_channel(args.address) as channel:
            status = check_once(channel, args.service, timeout=2.0)
        if status == "SERVING":
            print("SERVING")
            return 0
        if args.pid and not process_alive(args.pid):
            print("process %d exited (last status: %s)" % (args.pid, status))
            return 2
        if time.monotonic() >= deadline:
            print(status)
            return 1
        time.sleep(0.25)


if __name__ == "__main__":
    sys.exit(main())
