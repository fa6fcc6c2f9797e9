# The client and server of RabbitMQ's RPC pattern, as the seed document writes them, for pika 1.x:
#   rpc_pika.py client URI MESSAGE   prints the reply
#   rpc_pika.py server URI           answers on rpc_queue until killed
import sys
import uuid

import pika


class MyRpcClient(object):
    def __init__(self, uri):
        self.connection = pika.BlockingConnection(pika.URLParameters(uri))
        self.channel = self.connection.channel()
        result = self.channel.queue_declare(queue="", exclusive=True)
        self.callback_queue = result.method.queue
        self.channel.basic_consume(
            queue=self.callback_queue, on_message_callback=self.on_response, auto_ack=True
        )

    def on_response(self, ch, method, props, body):
        if self.corr_id == props.correlation_id:
            self.response = body

    def call(self, msg):
        self.response = None
        self.corr_id = str(uuid.uuid4())
        self.channel.basic_publish(
            exchange="",
            routing_key="rpc_queue",
            properties=pika.BasicProperties(reply_to=self.callback_queue, correlation_id=self.corr_id),
            body=str(msg),
        )
        while self.response is None:
            self.connection.process_data_events(time_limit=1)
        return self.response.decode("utf-8")


def serve(uri):
    connection = pika.BlockingConnection(pika.URLParameters(uri))
    channel = connection.channel()
    channel.queue_declare(queue="rpc_queue")

    def on_request(ch, method, props, body):
        response = "Got a message from the client: " + body.decode("utf-8")
        ch.basic_publish(
            exchange="",
            routing_key=props.reply_to,
            properties=pika.BasicProperties(correlation_id=props.correlation_id),
            body=str(response),
        )
        ch.basic_ack(delivery_tag=method.delivery_tag)

    channel.basic_qos(prefetch_count=1)
    channel.basic_consume(queue="rpc_queue", on_message_callback=on_request)
    print(" [x] Awaiting RPC requests", flush=True)
    channel.start_consuming()


if __name__ == "__main__":
    if sys.argv[1] == "client":
        print(MyRpcClient(sys.argv[2]).call(sys.argv[3]))
    else:
        serve(sys.argv[2])
