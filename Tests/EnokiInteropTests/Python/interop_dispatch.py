# Dispatches one event with Nameko's standalone dispatcher: interop_dispatch.py URI SERVICE EVENT_TYPE PAYLOAD_JSON
import json
import sys

from nameko.standalone.events import event_dispatcher

uri, service, event_type, payload = sys.argv[1:5]
dispatch = event_dispatcher({"AMQP_URI": uri})
dispatch(service, event_type, json.loads(payload))
print("dispatched")
