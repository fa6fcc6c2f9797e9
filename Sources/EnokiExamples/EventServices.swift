//===----------------------------------------------------------------------===//
// This source file is part of Enoki. Licensed under Apache License v2.0.
//===----------------------------------------------------------------------===//

import Enoki

/// The event-dispatching service of Nameko's "Events (Pub-Sub)" documentation:
///
/// ```python
/// class ServiceA:
///     name = "service_a"
///     dispatch = EventDispatcher()
///
///     @rpc
///     def dispatching_method(self, payload):
///         self.dispatch("event_type", payload)
/// ```
@Service("service_a")
struct DispatchingService {
    @Dependency(EventDispatcher()) var dispatch: EventDispatch

    @RPC func dispatchingMethod(_ payload: JSONValue) async throws {
        try await dispatch("event_type", payload)
    }
}

/// The event-listening service of the same page:
///
/// ```python
/// class ServiceB:
///     name = "service_b"
///
///     @event_handler("service_a", "event_type")
///     def handle_event(self, payload):
///         print("service b received:", payload)
/// ```
@Service("service_b")
struct ListeningService {
    @EventHandler("service_a", "event_type")
    func handleEvent(_ payload: JSONValue) {
        print("service b received: \(pythonText(payload))")
    }
}

/// The broadcast example: every running instance of `listener` answers a `monitor.ping`.
///
/// ```python
/// class ListenerService:
///     name = "listener"
///
///     @event_handler("monitor", "ping", handler_type=BROADCAST, reliable_delivery=False)
///     def ping(self, payload):
///         # all running services will respond
///         print("pong from {}".format(self.name))
/// ```
@Service("listener")
struct ListenerService {
    @EventHandler("monitor", "ping", handlerType: .broadcast, reliableDelivery: false)
    func ping(_ payload: JSONValue) {
        print("pong from \(Self.serviceName)")
    }
}

/// The timer example:
///
/// ```python
/// class Service:
///     name ="service"
///
///     @timer(interval=1)
///     def ping(self):
///         # method executed every second
///         print("pong")
/// ```
@Service("service")
struct TimerService {
    @Timer(interval: 1)
    func ping() {
        print("pong")
    }
}

/// The server of RabbitMQ's RPC pattern (`rpc_server.py`): it answers each message on `rpc_queue` to the
/// message's `reply_to` queue, with its correlation id, one message at a time.
///
/// ```python
/// channel.queue_declare(queue='rpc_queue')
///
/// def on_request(ch, method, props, body):
///     print ' [.] Message: %s' % (body)
///     response = 'Got a message from the client: ' + body
///     ch.basic_publish(exchange='', routing_key=props.reply_to,
///                      properties=pika.BasicProperties(correlation_id=props.correlation_id), body=str(response))
///     ch.basic_ack(delivery_tag=method.delivery_tag)
///
/// channel.basic_qos(prefetch_count=1)
/// channel.basic_consume(on_request, queue='rpc_queue')
/// ```
@Service("rpc_server")
struct RPCQueueServer {
    @Consume(QueueSpec("rpc_queue", durable: false), prefetchCount: 1)
    func onRequest(_ body: String) -> String {
        print(" [.] Message: \(body)")
        return "Got a message from the client: " + body
    }
}

/// A value as Python's `print` shows it: strings as they are, everything else as JSON.
func pythonText(_ value: JSONValue) -> String {
    if case .string(let text) = value {
        return text
    }
    return JSONWriter.string(value)
}
