"""A Python Nameko service in the middle of a traced chain: Swift calls it, it calls Swift.

It knows nothing of tracing. Nameko copies the context data of the call it serves (its ``nameko.*`` headers) into
the call it makes, and that is all a trace needs to stay one trace across it.
"""

from nameko.rpc import RpcProxy, rpc


class PyTraceRelay:
    name = "py_trace_relay"

    back = RpcProxy("swift_trace_back")

    @rpc
    def relay(self, value):
        return self.back.answer(value)
