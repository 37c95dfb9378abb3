#!/usr/bin/python3
"""A grpcio client that calls a server over TLS, trusting only the CA bundle given.

Usage: tls_client.py STUBS_DIR HOST:PORT CA_FILE [--echo]
Calls grpc.health.v1.Health/Check (""), and with --echo InteropTest/Echo too. Prints one JSON
object: {"health": "SERVING" or the error, "echo": ...}. Exit code 0 when every call succeeded.
"""
import json
import sys

sys.path.insert(0, sys.argv[1])

import grpc  # noqa: E402
from ckptfs.testing.v1 import interop_pb2, interop_pb2_grpc  # noqa: E402
from health_v1 import health_pb2, health_pb2_grpc  # noqa: E402

TIMEOUT = 20.0


def main():
    address, ca_file = sys.argv[2], sys.argv[3]
    with open(ca_file, "rb") as f:
        credentials = grpc.ssl_channel_credentials(root_certificates=f.read())
    results = {}
    ok = True
    with grpc.secure_channel(address, credentials) as channel:
        try:
            reply = health_pb2_grpc.HealthStub(channel).Check(health_pb2.HealthCheckRequest(service=""), timeout=TIMEOUT)
            results["health"] = health_pb2.HealthCheckResponse.ServingStatus.Name(reply.status)
        except grpc.RpcError as error:
            results["health"] = "%s: %s" % (error.code().name, error.details())
            ok = False
        if "--echo" in sys.argv[4:]:
            try:
                reply = interop_pb2_grpc.InteropTestStub(channel).Echo(interop_pb2.EchoRequest(text="over tls"), timeout=TIMEOUT)
                results["echo"] = reply.text
            except grpc.RpcError as error:
                results["echo"] = "%s: %s" % (error.code().name, error.details())
                ok = False
    print(json.dumps(results))
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
