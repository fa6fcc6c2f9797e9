"""The seed's Flask gateway (003_350ab863bb2f8858.txt), as its reader writes it, with these changes only:
`.async` is spelled `.call_async` (Python 3 made `async` a keyword), the broker comes from AMQP_URI, the
server listens on 127.0.0.1 at the port given (debug's reloader would fork a second server), and SIGTERM ends it
(a process the test runner starts inherits SIGTERM blocked).

    python seed_api.py PORT
"""
import os
import signal
import sys

from flask import Flask, request
from flasgger import Swagger
from nameko.standalone.rpc import ClusterRpcProxy

app = Flask(__name__)
Swagger(app)
CONFIG = {'AMQP_URI': os.environ["AMQP_URI"]}


@app.route('/compute', methods=['POST'])
def compute():
    """
    Micro Service Based Compute and Mail API
    This API is made with Flask, Flasgger and Nameko
    ---
    parameters:
      - name: body
        in: body
        required: true
        schema:
          id: data
          properties:
            operation:
              type: string
              enum:
                - sum
                - mul
                - sub
                - div
            email:
              type: string
            value:
              type: integer
            other:
              type: integer
    responses:
      200:
        description: Please wait the calculation, you'll receive an email with results
    """
    operation = request.json.get('operation')
    value = request.json.get('value')
    other = request.json.get('other')
    email = request.json.get('email')
    msg = "Please wait the calculation, you'll receive an email with results"
    subject = "API Notification"
    with ClusterRpcProxy(CONFIG) as rpc:
        # asynchronously spawning and email notification
        rpc.mail.send.call_async(email, subject, msg)
        # asynchronously spawning the compute task
        result = rpc.compute.compute.call_async(operation, value, other, email)
        return msg, 200


signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGTERM})
signal.signal(signal.SIGTERM, signal.SIG_DFL)
app.run(host="127.0.0.1", port=int(sys.argv[1]))
