# Python Nameko 2.14.1 services for the event and messaging interoperability tests: handlers of every type for
# events that Swift services dispatch, dispatchers and publishers for Swift handlers and consumers, and RPC
# methods that report what arrived.
import os

from kombu import Exchange, Queue
from nameko.events import BROADCAST, SERVICE_POOL, SINGLETON, EventDispatcher, event_handler
from nameko.extensions import DependencyProvider
from nameko.messaging import Publisher, consume
from nameko.rpc import rpc

RECEIVED = []
FAILURES = {}


class WorkerCtx(DependencyProvider):
    def get_dependency(self, worker_ctx):
        return worker_ctx


def record(ctx, handler, payload):
    RECEIVED.append({
        "handler": handler,
        "payload": payload,
        "stack": ctx.call_id_stack,
        "data": {k: v for k, v in ctx.data.items() if k != "call_id_stack"},
    })


class PyHandlers:
    name = "py_handlers"

    ctx = WorkerCtx()

    @event_handler("sw_source", "thing", handler_type=SERVICE_POOL)
    def on_pool(self, payload):
        record(self.ctx, "pool", payload)

    @event_handler("sw_source", "thing", handler_type=SINGLETON)
    def on_singleton(self, payload):
        record(self.ctx, "singleton", payload)

    @event_handler("sw_source", "thing", handler_type=BROADCAST, reliable_delivery=False)
    def on_broadcast(self, payload):
        record(self.ctx, "broadcast", payload)

    @event_handler("sw_source", "thing", reliable_delivery=False)
    def on_unreliable(self, payload):
        record(self.ctx, "unreliable", payload)

    @consume(Queue("py_inbox", exchange=Exchange("sw_x", type="topic"), routing_key="to.python"))
    def on_message(self, body):
        record(self.ctx, "consume", body)

    @rpc
    def received(self):
        return RECEIVED


class PySource:
    name = "py_source"

    dispatch = EventDispatcher()
    publish = Publisher(exchange=Exchange("py_x", type="topic"))

    @rpc
    def emit(self, event_type, payload):
        self.dispatch(event_type, payload)

    @rpc
    def send(self, routing_key, body, headers=None):
        self.publish(body, routing_key=routing_key, headers=headers or {})
