#!/usr/bin/python3
"""A grpcio client that runs every interop case against a server speaking interop.proto.

Usage: interop_client.py STUBS_DIR HOST:PORT
Prints one JSON object: case name -> "ok" or what went wrong. Exit code 0 when all are ok.
"""
import json
import sys
import traceback

sys.path.insert(0, sys.argv[1])

import grpc  # noqa: E402
from ckptfs.testing.v1 import interop_pb2, interop_pb2_grpc  # noqa: E402
from health_v1 import health_pb2, health_pb2_grpc  # noqa: E402

TIMEOUT = 20.0
NON_ASCII = "ungültig — 失败"


def expect(condition, what):
    if not condition:
        raise AssertionError(what)


def expect_status(call, code, detail=None):
    try:
        call()
    except grpc.RpcError as error:
        expect(error.code() == code, "status %s, expected %s (%s)" % (error.code(), code, error.details()))
        if detail is not None:
            expect(error.details() == detail, "details %r, expected %r" % (error.details(), detail))
        return error
    raise AssertionError("call succeeded, expected %s" % code)


def case_unary(stub, channel):
    response, call = stub.Echo.with_call(
        interop_pb2.EchoRequest(text="hello", payload=b"\x00\x01\xff", echo_header="x-request-tag"),
        metadata=(("x-request-tag", "tag-42"),), timeout=TIMEOUT)
    expect(response.text == "hello" and response.payload == b"\x00\x01\xff", "echo: %r" % response)
    expect(response.header_value == "tag-42", "header echoed as %r" % response.header_value)
    trailers = dict(call.trailing_metadata())
    expect(trailers.get("x-echo-trailer") == "tag-42", "trailers %r" % trailers)


def case_large_message(stub, channel):
    payload = bytes(range(256)) * 4096
    response = stub.Echo(interop_pb2.EchoRequest(payload=payload), timeout=TIMEOUT)
    expect(response.payload == payload, "1 MiB payload changed")


def case_server_streaming(stub, channel):
    values = [r.value for r in stub.Count(interop_pb2.CountRequest(count=20), timeout=TIMEOUT)]
    expect(values == list(range(1, 21)), "values %r" % values)


def case_server_streaming_error(stub, channel):
    values = []

    def run():
        for r in stub.Count(interop_pb2.CountRequest(count=3, then_fail_with_status=10), timeout=TIMEOUT):
            values.append(r.value)

    expect_status(run, grpc.StatusCode.ABORTED, "failed after 3")
    expect(values == [1, 2, 3], "values %r" % values)


def case_client_streaming(stub, channel):
    response = stub.Sum((interop_pb2.SumRequest(value=i) for i in range(1, 101)), timeout=TIMEOUT)
    expect(response.sum == 5050 and response.count == 100, "sum %r" % response)


def case_duplex(stub, channel):
    texts = [r.text for r in stub.Chat((interop_pb2.EchoRequest(text="m%d" % i) for i in range(5)), timeout=TIMEOUT)]
    expect(texts == ["m%d" % i for i in range(5)], "texts %r" % texts)


def case_error_non_ascii(stub, channel):
    expect_status(lambda: stub.Echo(interop_pb2.EchoRequest(text=NON_ASCII, fail_with_status=3), timeout=TIMEOUT),
                  grpc.StatusCode.INVALID_ARGUMENT, NON_ASCII)


def case_ckptfs_error_code(stub, channel):
    error = expect_status(
        lambda: stub.Echo(interop_pb2.EchoRequest(text="held by " + NON_ASCII, fail_with_error_code=2001), timeout=TIMEOUT),
        grpc.StatusCode.FAILED_PRECONDITION, "held by " + NON_ASCII)
    trailers = dict(error.trailing_metadata())
    expect(trailers.get("ckptfs-error-code") == "2001", "trailers %r" % trailers)


def case_deadline(stub, channel):
    expect_status(lambda: stub.Echo(interop_pb2.EchoRequest(sleep_ms=5000), timeout=0.3), grpc.StatusCode.DEADLINE_EXCEEDED)


def case_health(stub, channel):
    health = health_pb2_grpc.HealthStub(channel)
    response = health.Check(health_pb2.HealthCheckRequest(service=""), timeout=TIMEOUT)
    expect(response.status == health_pb2.HealthCheckResponse.SERVING, "status %r" % response.status)
    expect_status(lambda: health.Check(health_pb2.HealthCheckRequest(service="no.such.Service"), timeout=TIMEOUT),
                  grpc.StatusCode.NOT_FOUND)


def case_unimplemented(stub, channel):
    missing = channel.unary_unary(
        "/ckptfs.testing.v1.InteropTest/NoSuchMethod",
        request_serializer=interop_pb2.EchoRequest.SerializeToString,
        response_deserializer=interop_pb2.EchoResponse.FromString)
    expect_status(lambda: missing(interop_pb2.EchoRequest(), timeout=TIMEOUT), grpc.StatusCode.UNIMPLEMENTED)


def main():
    channel = grpc.insecure_channel(sys.argv[2])
    stub = interop_pb2_grpc.InteropTestStub(channel)
    results = {}
    for name, case in sorted(globals().items()):
        if name.startswith("case_"):
            try:
                case(stub, channel)
                results[name[5:]] = "ok"
            except Exception:  # noqa: BLE001 - every failure is reported, none stops the run
                results[name[5:]] = traceback.format_exc(limit=3)
    print(json.dumps(results), flush=True)
    sys.exit(0 if all(v == "ok" for v in results.values()) else 1)


if __name__ == "__main__":
    main()
