//===----------------------------------------------------------------------===//
// This source file is part of Enoki. Licensed under Apache License v2.0.
//===----------------------------------------------------------------------===//

import EnokiAMQPClient
import EnokiCore
import Logging
import NIOCore

/// How a service answers a request, for every outcome on one path: an RPC method's result, the error it threw, the
/// error that refuses a request that could not be read (``Refusal``), and the result of an `@Consume` method
/// answering a message that carries `reply_to`.
///
/// The worker hands the reply over and is done: the confirm and what follows it happen on the event loop, bounded
/// by the prefetch window, and a graceful stop waits for them (``ReplyTracker``). A worker killed with its
/// container sends nothing and settles nothing: its request goes back to the queue.
///
/// Once the broker has confirmed the reply, the request is acknowledged (or, for a refused request, rejected
/// without requeueing, so that a dead-letter exchange gets it). When the reply cannot be sent:
/// - its channel or connection went before the confirm: the transport publishes it again on a new one (the caller
///   takes the first copy and drops any other); when every attempt fails, the request goes back to its queue,
///   once: a request that was delivered before and still cannot be answered is dropped, with an error in the log,
///   rather than executed again for ever;
/// - the broker will never take it (a reply over the broker's `max_message_size`): that is final; an RPC caller
///   gets an error reply instead (`ReplyTooLarge`), and the request is acknowledged.
enum RPCReply {
    /// A request that could not be read: the error answers it, and it is rejected without requeueing.
    struct Refusal: Error, CustomStringConvertible {
        var error: RemoteError
        var description: String { "\(self.error.excType): \(self.error.value)" }
    }

    /// Where replies go, and who waits for them: what an entrypoint that answers requests is given.
    struct Replier: Sendable {
        let transport: AMQPTransport
        let tracker: ReplyTracker
        let logger: Logger
        /// The queue the requests come from, for log lines.
        let queueName: String
        /// The exchange replies are published to: the RPC exchange, or the default exchange (`""`) for `@Consume`
        /// replies.
        let exchange: String
    }

    /// One reply, ready to go.
    struct Outgoing: Sendable {
        var body: ByteBuffer
        var properties: BasicProperties
        /// Whether the request is rejected without requeueing once the reply is confirmed (it was refused).
        var refused: Bool
        /// Whether a reply the broker will never take is replaced by an error reply (`ReplyTooLarge`), for callers
        /// that wait for an answer; otherwise the request is acknowledged without one.
        var replacesTooLarge: Bool
    }

    /// Sends the reply to an RPC request, and settles the request once the broker has confirmed it.
    static func send(
        _ result: Result<JSONValue, any Error>,
        to replyTo: String,
        request: AMQPDelivery,
        from replier: Replier
    ) async {
        let body: ByteBuffer
        let refused: Bool
        switch result {
        case .success(let value):
            body = RPCMessage.replyBody(result: value)
            refused = false
        case .failure(let refusal as Refusal):
            body = RPCMessage.replyBody(error: refusal.error)
            refused = true
        case .failure(let error):
            body = RPCMessage.replyBody(error: RemoteError.from(error))
            refused = false
        }
        let outgoing = Outgoing(
            body: body,
            properties: RPCMessage.replyProperties(correlationID: request.properties.correlationID),
            refused: refused,
            replacesTooLarge: true
        )
        await self.send(outgoing, to: replyTo, request: request, from: replier)
    }

    /// Sends a reply, and settles the request once the broker has confirmed it.
    static func send(_ reply: Outgoing, to replyTo: String, request: AMQPDelivery, from replier: Replier) async {
        if Task.isCancelled {
            return
        }
        replier.tracker.started()
        await self.publish(reply, to: replyTo, request: request, from: replier)
    }

    private static func publish(
        _ reply: Outgoing,
        to replyTo: String,
        request: AMQPDelivery,
        from replier: Replier
    ) async {
        let size = reply.body.readableBytes
        let settle: @Sendable (Result<PublishOutcome, any Error>) -> Void = { outcome in
            switch outcome {
            case .success(.nacked):
                // The broker refused the reply (an internal error); sending the request round again could repeat
                // for ever.
                replier.logger.warning(
                    "the broker refused a reply; its request is acknowledged",
                    metadata: ["queue": "\(replier.queueName)"]
                )
                try? request.ack()
            case .success:
                if reply.refused {
                    try? request.reject(requeue: false)
                } else {
                    try? request.ack()
                }
            case .failure(let error as MessageTooLarge) where reply.replacesTooLarge:
                replier.logger.error(
                    "a reply is larger than the broker takes; the caller gets an error instead",
                    metadata: ["queue": "\(replier.queueName)", "error": "\(error)"]
                )
                let tooLarge = RemoteError(
                    type: "ReplyTooLarge",
                    module: "enoki.exceptions",
                    message: "the reply of \(size) bytes is larger than the broker takes (\(error.limit) bytes)"
                )
                let errorReply = Outgoing(
                    body: RPCMessage.replyBody(error: tooLarge),
                    properties: reply.properties,
                    refused: reply.refused,
                    replacesTooLarge: false
                )
                // On the event loop, in the confirm's callback: the error reply is one more short publish, in a
                // task of the transport's, which settles the request (and ends the reply's count) when its own
                // confirm comes.
                let spawned = replier.transport.spawn {
                    await self.publish(errorReply, to: replyTo, request: request, from: replier)
                }
                if !spawned {
                    self.giveBack(request, error: error, logger: replier.logger, queueName: replier.queueName)
                    replier.tracker.finished()
                }
                return
            case .failure(let error as MessageTooLarge):
                replier.logger.error(
                    "a reply is larger than the broker takes; its request is acknowledged without one",
                    metadata: [
                        "queue": "\(replier.queueName)", "reply_to": "\(WireText.loggable(replyTo))",
                        "error": "\(error)",
                    ]
                )
                try? request.ack()
            case .failure(let error):
                self.giveBack(request, error: error, logger: replier.logger, queueName: replier.queueName)
            }
            replier.tracker.finished()
        }
        do {
            try await replier.transport.publish(
                OutgoingMessage(
                    body: reply.body,
                    exchange: replier.exchange,
                    routingKey: replyTo,
                    properties: reply.properties
                ),
                whenConfirmed: settle
            )
        } catch {
            settle(.failure(error))
        }
    }

    /// A request whose reply could not be sent goes back to its queue, for this or another instance to answer;
    /// one that came back before is dropped instead, so that a request that can never be answered is not run
    /// again for ever.
    ///
    /// Rejected rather than left unacknowledged: on a consumer channel that lives on, an unacknowledged request
    /// would hold a place in the prefetch window for ever and never reach an instance again.
    static func giveBack(_ request: AMQPDelivery, error: any Error, logger: Logger, queueName: String) {
        if request.redelivered {
            logger.error(
                "could not send a reply to a message delivered before; the message is dropped",
                metadata: ["queue": "\(queueName)", "error": "\(error)"]
            )
            try? request.reject(requeue: false)
            return
        }
        logger.warning(
            "could not send a reply; the message goes back to its queue",
            metadata: ["queue": "\(queueName)", "error": "\(error)"]
        )
        try? request.reject(requeue: true)
    }
}
