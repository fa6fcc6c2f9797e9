//===----------------------------------------------------------------------===//
// This source file is part of Enoki. Licensed under Apache License v2.0.
//===----------------------------------------------------------------------===//

import EnokiAMQPClient
import EnokiCore
import Logging
import NIOCore

/// What event handlers and consumers do with a delivery (nameko-wire §6.3, §7): hand it, unread, to a worker,
/// which reads the body and the context from the headers off the event loop, runs the method, then acknowledges.
///
/// - A message that cannot be read (a routing key, property or header that does not decode, a body over
///   `MAX_MESSAGE_SIZE`, a body of the wrong type or that does not parse) is logged with the queue and the reason,
///   and rejected without requeueing (dropped, or dead-lettered where the queue has a dead-letter exchange): it
///   would never read better, so it must not come back for ever.
/// - After the worker, the message is acknowledged, even when the worker failed, unless `requeueOnError`, in
///   which case a failed message is rejected back to its queue (it comes straight back, as in Nameko).
/// - A consumer that replies publishes its result to the message's `reply_to` queue through the default exchange,
///   with the message's correlation id, and acknowledges once the broker has confirmed the reply.
/// - A worker killed with its container acknowledges nothing: the message goes back to its queue.
struct MessageHandler<E: Entrypoint>: Sendable where E.Input == JSONValue, E.Output == JSONValue {
    /// What kind of entrypoint this is, for log lines ("event handler", "consumer").
    var kind: String
    var queueName: String
    var requeueOnError: Bool
    var wantsText: Bool
    var replies: Bool
    var context: EntrypointContext<E>
    /// Where replies go (the default exchange) when the consumer replies.
    var replier: RPCReply.Replier
    /// Redeliveries and dropped messages.
    var metrics: DeliveryMetrics

    var logger: Logger { self.context.container.logger }

    /// A message that cannot be read; it is rejected without requeueing.
    struct Unreadable: Error, CustomStringConvertible {
        var reason: String
        var description: String { self.reason }
    }

    /// Runs on the event loop: hands the delivery, unread, to a worker.
    func handle(_ delivery: AMQPDelivery) {
        self.metrics.received(delivery.redelivered)
        let accepted = self.context.spawn(
            giveBack: { try? delivery.reject(requeue: true) },
            work: { slot in
                guard delivery.channel.isOpen else {
                    // The broker delivers the message again elsewhere: settling it here would settle it twice.
                    self.logger.debug(
                        "work from a closed channel skipped",
                        metadata: ["method": "\(self.context.methodName)"]
                    )
                    return
                }
                let result: Result<JSONValue, any Error>
                switch MessageBody.payload(of: delivery, wantsText: self.wantsText) {
                case .success(let payload):
                    let (data, parentStack) = ContextHeaders.context(from: delivery.properties.headers)
                    result = await slot.run(payload, contextData: data, parentStack: parentStack)
                case .failure(let unreadable):
                    // Refused before any worker: no dependency, hook or observer hears of it.
                    result = .failure(Unreadable(reason: unreadable.reason))
                }
                await self.settle(delivery, result: result)
            }
        )
        if !accepted {
            self.context.refused()
            // The container is stopping: give the message back for another instance.
            try? delivery.reject(requeue: true)
        }
    }

    private func settle(_ delivery: AMQPDelivery, result: Result<JSONValue, any Error>) async {
        if Task.isCancelled {
            return
        }
        if case .failure(let unreadable as Unreadable) = result {
            self.context.refused()
            self.metrics.droppedUnreadable()
            self.logger.warning(
                "\(unreadable.reason); message dropped",
                metadata: [
                    "queue": "\(self.queueName)", "routing_key": "\(WireText.loggable(delivery.routingKey))",
                    "method": "\(self.context.methodName)",
                ]
            )
            try? delivery.reject(requeue: false)
            return
        }
        switch result {
        case .success(let value):
            if self.replies, let replyTo = delivery.properties.replyTo {
                await self.reply(value, to: replyTo, request: delivery)
                return
            }
            try? delivery.ack()
        case .failure(let error):
            if self.requeueOnError {
                self.logger.warning(
                    "\(self.kind) \(self.context.methodName) failed; the message goes back to its queue (requeue_on_error)",
                    metadata: ["queue": "\(self.queueName)", "error": "\(error)"]
                )
                try? delivery.reject(requeue: true)
            } else {
                self.logger.warning(
                    "\(self.kind) \(self.context.methodName) failed; the message is acknowledged and dropped",
                    metadata: ["queue": "\(self.queueName)", "error": "\(error)"]
                )
                try? delivery.ack()
            }
        }
    }

    /// Publishes a consumer's result to `reply_to` on the one reply path (``RPCReply``): the message is
    /// acknowledged once the broker has confirmed the reply; acknowledged too when the broker will never take the
    /// reply (larger than its `max_message_size`: sending it again would fail again); given back to its queue when
    /// the reply was lost, once.
    private func reply(_ value: JSONValue, to replyTo: String, request: AMQPDelivery) async {
        let (body, contentType) = MessageBody.reply(
            value,
            toJSONRequest: MessageBody.isJSON(request.properties.contentType)
        )
        var properties = BasicProperties()
        properties.contentType = contentType
        properties.contentEncoding = RPCMessage.contentEncoding
        properties.correlationID = request.properties.correlationID
        let outgoing = RPCReply.Outgoing(body: body, properties: properties, refused: false, replacesTooLarge: false)
        await RPCReply.send(outgoing, to: replyTo, request: request, from: self.replier)
    }
}
