"""Calls the gateway's RPC services as a Python Nameko client does, and prints what it got as JSON.

    python gateway_client.py compare SERVICE_A SERVICE_B < cases.json
        each case [operation, value, other, email] called on both; prints a list of [outcome_a, outcome_b]
    python gateway_client.py send TO SUBJECT CONTENTS
        calls mail.send; prints its outcome

An outcome is {"repr": repr(result), "json": result}, or {"error": exc_type, "value": text} for a remote error.
"""
import json
import os
import sys

from nameko.exceptions import RemoteError
from nameko.standalone.rpc import ClusterRpcProxy

CONFIG = {"AMQP_URI": os.environ["AMQP_URI"]}


def outcome(call):
    try:
        result = call()
        return {"repr": repr(result), "json": result}
    except RemoteError as error:
        return {"error": error.exc_type, "value": error.value}
    except Exception as error:
        return {"error": type(error).__name__, "value": str(error)}


def main():
    with ClusterRpcProxy(CONFIG, timeout=30) as rpc:
        if sys.argv[1] == "compare":
            cases = json.load(sys.stdin)
            first, second = rpc[sys.argv[2]], rpc[sys.argv[3]]
            out = [[outcome(lambda: first.compute(*case)), outcome(lambda: second.compute(*case))] for case in cases]
        else:
            out = outcome(lambda: rpc.mail.send(*sys.argv[2:5]))
    print(json.dumps(out))


main()
