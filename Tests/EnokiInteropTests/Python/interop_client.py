# Calls services the way Python Nameko callers do, and prints what they got as JSON, one line per call.
#
#   interop_client.py URI CALLS_JSON
#
# CALLS_JSON is a list of {"service", "method", "args", "kwargs", "timeout", "context", "async"}; a call waits
# 60 seconds for its reply unless "timeout" says otherwise.
import base64
import datetime
import decimal
import json
import sys
import uuid

from nameko.standalone.rpc import ClusterRpcProxy


def plain(value):
    if isinstance(value, (datetime.datetime, datetime.date, datetime.time)):
        return {"python_type": type(value).__name__, "iso": value.isoformat()}
    if isinstance(value, decimal.Decimal):
        return {"python_type": "Decimal", "text": str(value)}
    if isinstance(value, uuid.UUID):
        return {"python_type": "UUID", "hex": value.hex}
    if isinstance(value, bytes):
        return {"python_type": "bytes", "base64": base64.b64encode(value).decode()}
    if isinstance(value, float):
        return {"python_type": "float", "value": value}
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [plain(v) for v in value]
    return value


def main():
    uri, calls = sys.argv[1], json.loads(sys.argv[2])
    results = []
    for call in calls:
        config = {"AMQP_URI": uri}
        with ClusterRpcProxy(config, timeout=call.get("timeout", 60), context_data=call.get("context")) as rpc:
            method = getattr(getattr(rpc, call["service"]), call["method"])
            try:
                if call.get("async"):
                    replies = [method.call_async(*a) for a in call["args"]]
                    value = [reply.result() for reply in replies]
                else:
                    value = method(*call.get("args", []), **call.get("kwargs", {}))
                results.append({"result": plain(value)})
            except Exception as exc:  # noqa
                results.append({
                    "error": {
                        "class": type(exc).__name__,
                        "module": type(exc).__module__,
                        "args": [plain(a) for a in exc.args],
                        "str": str(exc),
                    }
                })
    print(json.dumps(results))


if __name__ == "__main__":
    main()
