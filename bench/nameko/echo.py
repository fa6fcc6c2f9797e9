"""The service the benchmarks drive, twin of Benchmarks/Sources/EnokiBench/EchoService.swift.

    nameko run echo --broker amqp://guest:guest@127.0.0.1      (from this folder)
"""
from nameko.events import event_handler
from nameko.rpc import rpc

# Events handled since the process started (workers are made per call, so the count lives in the module).
SEEN = [0]


class Echo:
    name = "echo"

    @rpc
    def echo(self, x):
        return x

    @event_handler("bench_source", "ping")
    def ping(self, payload):
        SEEN[0] += 1

    @rpc
    def events_seen(self):
        return SEEN[0]
