#!/usr/bin/python3
"""A grpcio server for interop.proto, the reference the C# client is tested against.

Usage: interop_server.py STUBS_DIR
Prints "PORT <n>" once listening on 127.0.0.1 (a free port), and "TIME_REMAINING <seconds>" when
a sleeping Echo starts (the deadline grpc-timeout gave it, or "none"); serves until killed.
"""
import sys
import time
from concurrent import futures

sys.path.insert(0, sys.argv[1])

import grpc  # noqa: E402
from ckptfs.testing.v1 import interop_pb2, interop_pb2_grpc  # noqa: E402
from health_v1 import health_pb2, health_pb2_grpc  # noqa: E402

CODES = {code.value[0]: code for code in grpc.StatusCode}


def echo(request, context):
    if request.sleep_ms:
        remaining = context.time_remaining()
        print("TIME_REMAINING %s" % ("none" if remaining is None else "%.3f" % remaining), flush=True)
        end = time.monotonic() + request.sleep_ms / 1000.0
        while time.monotonic() < end:
            if not context.is_active():
                return interop_pb2.EchoResponse()
            time.sleep(0.01)
    if request.fail_with_status:
        context.abort(CODES[request.fail_with_status], request.text)
    response = interop_pb2.EchoResponse(text=request.text, payload=request.payload)
    if request.echo_header:
        value = dict(context.invocation_metadata()).get(request.echo_header, "")
        response.header_value = value
        context.set_trailing_metadata((("x-echo-trailer", value),))
    return response


class Interop(interop_pb2_grpc.InteropTestServicer):
    def Echo(self, request, context):
        return echo(request, context)

    def Count(self, request, context):
        for i in range(1, request.count + 1):
            yield interop_pb2.CountResponse(value=i)
        if request.then_fail_with_status:
            context.abort(CODES[request.then_fail_with_status], "failed after %d" % request.count)

    def Sum(self, request_iterator, context):
        response = interop_pb2.SumResponse()
        for request in request_iterator:
            response.sum += request.value
            response.count += 1
        return response

    def Chat(self, request_iterator, context):
        for request in request_iterator:
            yield echo(request, context)


class Health(health_pb2_grpc.HealthServicer):
    def Check(self, request, context):
        if request.service != "":
            context.abort(grpc.StatusCode.NOT_FOUND, "unknown service " + request.service)
        return health_pb2.HealthCheckResponse(status=health_pb2.HealthCheckResponse.SERVING)


def main():
    server = grpc.server(futures.ThreadPoolExecutor(max_workers=8))
    interop_pb2_grpc.add_InteropTestServicer_to_server(Interop(), server)
    health_pb2_grpc.add_HealthServicer_to_server(Health(), server)
    port = server.add_insecure_port("127.0.0.1:0")
    server.start()
    print("PORT %d" % port, flush=True)
    server.wait_for_termination()


if __name__ == "__main__":
    main()
