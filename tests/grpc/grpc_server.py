#!/usr/bin/python3
"""The gRPC server of perfgate's gRPC tests: serves perfgate.test.Echo (tests/grpc/echo.proto)
on 127.0.0.1, port 0 unless --port says otherwise, and prints "PORT <n>" once it listens;
with --tls-cert and --tls-key it serves TLS (ALPN h2).

  Say         answers {text} with the request's text
  Fail        answers with the request's `status` code and the message "failed on purpose"
  Slow        waits `delay_ms`, then answers like Say
  Metadata    answers with the request's metadata (keys not starting with "grpc-" or ":"),
              sends each x-* key back as initial metadata x-echo-<key>, and trailing metadata
              x-served-by: perfgate-test
  StreamEcho  streams `count` replies, index 0..count-1
Upload and Chat (client and bidirectional streaming) are declared but not served.

Needs Debian's python3-grpcio and python3-protobuf, and protoc (message classes are generated
into a temporary directory at start). Stops on SIGTERM or when stdin closes.
"""
import argparse
import os
import subprocess
import sys
import tempfile
import threading
import time
from concurrent import futures

import grpc


def load_messages(proto_dir, out_dir):
    subprocess.run(["protoc", f"-I{proto_dir}", f"--python_out={out_dir}",
                    os.path.join(proto_dir, "echo.proto")], check=True)
    sys.path.insert(0, out_dir)
    import echo_pb2  # noqa: E402 (generated above)
    return echo_pb2


def make_handler(pb):
    def say(request, context):
        return pb.EchoReply(text=request.text)

    def fail(request, context):
        context.abort(grpc.StatusCode(_code(request.status)), "failed on purpose")

    def slow(request, context):
        time.sleep(request.delay_ms / 1000.0)
        return pb.EchoReply(text=request.text)

    def metadata(request, context):
        reply = pb.EchoReply(text=request.text)
        for key, value in context.invocation_metadata():
            if not key.startswith("grpc-") and not key.startswith(":"):
                reply.metadata[key] = value if isinstance(value, str) else value.hex()
        context.send_initial_metadata([("x-echo-" + k, v) for k, v in reply.metadata.items()
                                       if k.startswith("x-")])
        context.set_trailing_metadata([("x-served-by", "perfgate-test")])
        return reply

    def stream_echo(request, context):
        for i in range(request.count):
            yield pb.EchoReply(text=request.text, index=i)

    def unary(fn):
        return grpc.unary_unary_rpc_method_handler(
            fn, request_deserializer=pb.EchoRequest.FromString,
            response_serializer=pb.EchoReply.SerializeToString)

    return grpc.method_handlers_generic_handler("perfgate.test.Echo", {
        "Say": unary(say),
        "Fail": unary(fail),
        "Slow": unary(slow),
        "Metadata": unary(metadata),
        "StreamEcho": grpc.unary_stream_rpc_method_handler(
            stream_echo, request_deserializer=pb.EchoRequest.FromString,
            response_serializer=pb.EchoReply.SerializeToString),
    })


def _code(number):
    for code in grpc.StatusCode:
        if code.value[0] == number:
            return code.value
    return grpc.StatusCode.UNKNOWN.value


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--workers", type=int, default=8)
    parser.add_argument("--tls-cert", help="serve TLS (ALPN h2) with this PEM certificate")
    parser.add_argument("--tls-key", help="and this PEM private key")
    args = parser.parse_args()
    proto_dir = os.path.dirname(os.path.abspath(__file__))
    with tempfile.TemporaryDirectory() as out_dir:
        pb = load_messages(proto_dir, out_dir)
        server = grpc.server(futures.ThreadPoolExecutor(max_workers=args.workers),
                             options=[("grpc.so_reuseport", 0)])
        server.add_generic_rpc_handlers((make_handler(pb),))
        address = f"127.0.0.1:{args.port}"
        if args.tls_cert:
            with open(args.tls_key, "rb") as key, open(args.tls_cert, "rb") as cert:
                credentials = grpc.ssl_server_credentials([(key.read(), cert.read())])
            port = server.add_secure_port(address, credentials)
        else:
            port = server.add_insecure_port(address)
        server.start()
        print(f"PORT {port}", flush=True)
        # The test owns this process: stop when it closes our stdin (or dies).
        threading.Thread(target=lambda: (sys.stdin.read(), server.stop(0)), daemon=True).start()
        server.wait_for_termination()


if __name__ == "__main__":
    main()
