//===----------------------------------------------------------------------===//
// This source file is part of Enoki. Licensed under Apache License v2.0.
//===----------------------------------------------------------------------===//

import EnokiAMQPClient
import EnokiCore
import Logging
import NIOCore

/// What event handlers and consumers do with a delivery (nameko-wire §6.3, §7): read the body, run a worker
/// with it and the context from the headers, then acknowledge.
///
/// - A body that cannot be read is logged with the queue and the reason, and acknowledged (dropped): it would
///   never read better, so it must not come back for ever.
/// - After the worker, the message is acknowledged, even when the worker failed, unless `requeueOnError`, in
///   which case a failed message is rejected back to its queue (it comes straight back, as in Nameko).
/// - A consumer that replies publishes its result to the message's `reply_to` queue through the default exchange,
///   with the message's correlation id, and acknowledges once the broker has confirmed the reply.
/// - A worker killed with its container acknowledges nothing: the message goes back to its queue.
struct MessageHandler: Sendable {
    /// What kind of entrypoint this is, for log lines ("event handler", "consumer").
    var kind: String
    var queueName: String
    var requeueOnError: Bool
    var wantsText: Bool
    var replies: Bool
    var context: EntrypointContext
    var transport: AMQPTransport

    var logger: Logger { self.context.container.logger }

    /// Runs on the event loop: reads the delivery and hands it to a worker.
    func handle(_ delivery: AMQPDelivery) {
        let payload: JSONValue
        switch MessageBody.payload(of: delivery, wantsText: self.wantsText) {
        case .success(let value):
            payload = value
        case .failure(let unreadable):
            self.logger.warning(
                "\(unreadable.reason); message dropped",
                metadata: [
                    "queue": "\(self.queueName)", "routing_key": "\(delivery.routingKey)",
                    "method": "\(self.context.methodName)",
                ]
            )
            try? delivery.ack()
            return
        }
        let (data, parentStack) = ContextHeaders.context(from: delivery.properties.headers)
        let arguments = BoundArguments(
            signature: Signature(self.context.methodName, [.init("payload")]),
            values: [payload]
        )
        let accepted = self.context.spawnWorker(arguments: arguments, contextData: data, parentStack: parentStack) {
            _,
            result in
            await self.settle(delivery, result: result)
        }
        if !accepted {
            // The container is stopping: give the message back for another instance.
            try? delivery.reject(requeue: true)
        }
    }

    private func settle(_ delivery: AMQPDelivery, result: Result<JSONValue, any Error>) async {
        if Task.isCancelled {
            return
        }
        switch result {
        case .success(let value):
            if self.replies, let replyTo = delivery.properties.replyTo {
                guard await self.reply(value, to: replyTo, request: delivery) else { return }
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

    /// Publishes a consumer's result to `reply_to`; `false` when it could not (the message is then left
    /// unacknowledged, so that it is delivered again).
    private func reply(_ value: JSONValue, to replyTo: String, request: AMQPDelivery) async -> Bool {
        let (body, contentType) = MessageBody.reply(
            value,
            toJSONRequest: MessageBody.isJSON(request.properties.contentType)
        )
        var properties = BasicProperties()
        properties.contentType = contentType
        properties.contentEncoding = RPCMessage.contentEncoding
        properties.correlationID = request.properties.correlationID
        do {
            _ = try await self.transport.publishConfirmed(
                body,
                exchange: "",
                routingKey: replyTo,
                mandatory: false,
                properties: properties
            )
            return true
        } catch {
            self.logger.warning(
                "could not send a reply; the message goes back to its queue",
                metadata: ["queue": "\(self.queueName)", "reply_to": "\(replyTo)", "error": "\(error)"]
            )
            try? request.reject(requeue: true)
            return false
        }
    }
}
