//===----------------------------------------------------------------------===//
// This source file is part of Enoki. Licensed under Apache License v2.0.
//===----------------------------------------------------------------------===//

import EnokiAMQPProtocol
import NIOCore
import Synchronization

/// A channel as the handler knows it: its number and the generation that tells one opening of a number from
/// the next, so that an ack meant for a closed channel never reaches a new channel with the same number.
struct ChannelKey: Hashable, Sendable {
    var id: UInt16
    var generation: UInt64
}

/// What answers a synchronous request.
enum RequestReply: Sendable {
    case method(AMQPMethod)
    case content(AMQPContent)
    case opened(ChannelKey)
}

/// A publish, as the facade hands it to the handler.
struct PublishRequest: Sendable {
    var exchange: String
    var routingKey: String
    var mandatory: Bool
    var properties: BasicProperties
    var body: ByteBuffer
}

/// A consumer's place in the handler: where its deliveries go.
struct ConsumerRegistration: Sendable {
    /// Where deliveries go.
    enum Sink: Sendable {
        /// Into an `AMQPConsumer` sequence; `progress` is the last delivery tag its reader has taken.
        case sequence(AMQPConsumer.Source, ConsumerProgress)
        /// To a callback on the event loop, with another when the consumer ends.
        case callback(@Sendable (AMQPDelivery) -> Void, onEnd: @Sendable (AMQPError?) -> Void)
    }

    var tag: String
    var noAck: Bool
    var sink: Sink
    var channel: AMQPChannel

    /// Whether deliveries go into a buffered sequence (rather than to a callback).
    var isSequence: Bool {
        if case .sequence = self.sink { return true }
        return false
    }

    /// The highest delivery tag the reader has taken from its sequence; 0 for callbacks.
    var lastTakenTag: UInt64 {
        guard case .sequence(_, let progress) = self.sink else { return 0 }
        return progress.lastTakenTag
    }

    /// Ends the consumer: `nil` for a clean end.
    func finish(_ error: AMQPError?) {
        switch self.sink {
        case .sequence(let source, _):
            if let error { source.finish(error) } else { source.finish() }
        case .callback(_, let onEnd):
            onEnd(error)
        }
    }
}

/// Written by a consumer's iterator, read by the handler: deliveries yielded into the sequence but never taken
/// by the reader go back to the queue when the reader stops.
final class ConsumerProgress: Sendable {
    private let lastTaken = Atomic<UInt64>(0)

    func taken(_ tag: UInt64) {
        self.lastTaken.store(tag, ordering: .relaxed)
    }

    var lastTakenTag: UInt64 { self.lastTaken.load(ordering: .relaxed) }
}

/// Work the facades hand to the connection handler. It runs on the connection's event loop, in order.
enum HandlerTask: Sendable {
    case openChannel(ChannelStatus, EventLoopPromise<RequestReply>)
    case request(ChannelKey, AMQPMethod, EventLoopPromise<RequestReply>)
    case consume(ChannelKey, AMQPMethod.Basic.Consume, ConsumerRegistration, EventLoopPromise<RequestReply>)
    case publish(ChannelKey, PublishRequest, ConfirmationBox?)
    /// Frames already encoded for the channel, written as they are (``AMQPChannel/publishRaw(exchange:routingKey:properties:body:)``).
    case writeFrames(ChannelKey, ByteBuffer)
    /// `basic.ack`, `basic.nack`, `basic.reject`: no reply.
    case acknowledge(ChannelKey, AMQPMethod)
    case closeChannel(ChannelKey, EventLoopPromise<RequestReply>)
    case closeConnection(EventLoopPromise<Void>)
    /// A consumer's buffer went above (`resume == false`) or back below (`true`) its limit.
    case consumerDemand(ChannelKey, String, resume: Bool)
    /// A consumer's sequence is no longer iterated.
    case consumerTerminated(ChannelKey, String)
}

/// A pending synchronous request's answer, completed at most once, with its timeout.
final class RequestToken {
    private var promise: EventLoopPromise<RequestReply>?
    var timeout: Scheduled<Void>?
    /// For `basic.consume`: the consumer to drop if the request fails.
    var consumerTag: String?
    /// For `basic.cancel`: the consumer to finish when the cancel is confirmed.
    var cancelsConsumer: String?

    init(promise: EventLoopPromise<RequestReply>?) {
        self.promise = promise
    }

    var isDone: Bool { self.promise == nil }

    func succeed(_ reply: RequestReply) {
        self.timeout?.cancel()
        self.promise?.succeed(reply)
        self.promise = nil
    }

    func fail(_ error: any Error) {
        self.timeout?.cancel()
        self.promise?.fail(error)
        self.promise = nil
    }
}
