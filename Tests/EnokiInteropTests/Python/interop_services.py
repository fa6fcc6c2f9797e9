# Python Nameko 2.14.1 services that the interoperability tests run next to Enoki services.
import datetime
import decimal
import os
import time
import uuid

from nameko.extensions import DependencyProvider
from nameko.rpc import RpcProxy, rpc


class WorkerCtx(DependencyProvider):
    def get_dependency(self, worker_ctx):
        return worker_ctx


class Boom(Exception):
    pass


class PyEcho:
    name = "py_echo"

    ctx = WorkerCtx()
    swift = RpcProxy("swift_echo")

    @rpc
    def echo(self, a, b="default"):
        return [a, b]

    @rpc
    def nothing(self):
        return None

    @rpc
    def whoami(self):
        return {
            "stack": self.ctx.call_id_stack,
            "data": {k: v for k, v in self.ctx.data.items() if k != "call_id_stack"},
            "language": self.ctx.data.get("language"),
        }

    @rpc
    def fail(self):
        raise Boom("boom", 42, {"k": [1, None]})

    @rpc
    def types(self):
        return {
            "dt": datetime.datetime(2024, 1, 2, 3, 4, 5),
            "date": datetime.date(2024, 1, 2),
            "dec": decimal.Decimal("1.50"),
            "uuid": uuid.UUID("7a577a88-374e-47df-b2a9-bf33c168ae3f"),
            "text_bytes": b"raw",
            "binary": b"\xff\x00",
        }

    @rpc
    def slow(self, seconds):
        time.sleep(seconds)
        return seconds

    @rpc
    def via_swift(self):
        # A Python service calling a Swift one: the stack and the context go on.
        return {"mine": self.ctx.call_id_stack, "swift": self.swift.whoami()}

    @rpc
    def forward_echo(self, value):
        return self.swift.echo(value)


class SharedPython:
    name = "shared_svc"

    @rpc
    def who(self):
        return "python"
