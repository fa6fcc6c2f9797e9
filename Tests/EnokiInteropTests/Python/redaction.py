"""Prints what Nameko 2.14.1's get_redacted_args makes of each case: [{"sensitive": [...], "kwargs": {...}}, ...]."""

import json
import sys

from nameko.utils import get_redacted_args


class Service:
    def method(self, username, password, user, note):
        pass


class Container:
    service_cls = Service


class Entrypoint:
    container = Container
    method_name = "method"

    def __init__(self, sensitive):
        self.sensitive_arguments = tuple(sensitive)


results = []
for case in json.loads(sys.argv[1]):
    redacted = get_redacted_args(Entrypoint(case["sensitive"]), **case["kwargs"])
    results.append(redacted)
print(json.dumps(results))
