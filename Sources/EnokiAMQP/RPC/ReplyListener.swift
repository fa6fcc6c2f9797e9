//===----------------------------------------------------------------------===//
// This source file is part of Enoki. Licensed under Apache License v2.0.
//===----------------------------------------------------------------------===//

import EnokiAMQPClient
import EnokiCore
import FoundationEssentials
import Logging
import NIOCore
import Synchronization

/// The reply queue of a caller (a container's RPC proxies, or a standalone client), declared as Python Nameko
/// declares it (nameko-wire §4.3): `rpc.reply-{caller}-{uuid}`, durable, not exclusive, not auto-delete, with
/// `x-expires` 300000 (as a 32-bit integer), bound to the RPC exchange with the uuid as binding key. The
/// `reply_to` of requests is that uuid: a routing key, not a queue name.
///
/// Replies are routed to the waiting call by correlation id, straight from the event loop; a reply nobody waits
/// for is dropped (logged at debug level).
final class ReplyListener: Sendable {
    let routingKey: String
    let queueName: String
    private let slots = Mutex<[String: ReplySlot]>([:])
    private let logger: Logger

    init(callerName: String, logger: Logger) {
        let id = RandomUUID.make()
        self.routingKey = id
        self.queueName = "rpc.reply-\(callerName)-\(id)"
        self.logger = logger
    }

    /// Declares and binds the queue and consumes it on `channel`; run again on every new connection.
    ///
    /// - Parameter onEnd: Called when the consumer ends (the broker cancelled it, say).
    func consume(
        on channel: AMQPChannel,
        exchange: String,
        onEnd: @escaping @Sendable (AMQPError?) -> Void = { _ in }
    ) async throws {
        try await channel.declareExchange(exchange, type: .topic, durable: true)
        try await channel.declareQueue(self.queueName, durable: true, arguments: ["x-expires": .int32(300_000)])
        try await channel.bindQueue(self.queueName, exchange: exchange, routingKey: self.routingKey)
        try await channel.consume(
            queue: self.queueName,
            onEnd: onEnd,
            onDelivery: { [weak self] delivery in
                self?.deliver(delivery)
            }
        )
    }

    /// Opens a channel on `connection` and consumes the queue there, as a standalone client does on each
    /// connection; when the broker cancels the consumer while the connection lives on (the queue was deleted), it
    /// does so again (``ConsumerRestart``).
    func consume(onNewChannelOf connection: AMQPConnection, exchange: String) async throws {
        let channel = try await connection.openChannel()
        try await self.consume(on: channel, exchange: exchange) { [weak self] error in
            guard let self, error?.code == .consumerCancelledByBroker, connection.isOpen else { return }
            ConsumerRestart.schedule(queue: self.queueName, logger: self.logger, while: { connection.isOpen }) {
                try? await channel.close()
                try await self.consume(onNewChannelOf: connection, exchange: exchange)
            }
        }
    }

    /// A slot for the reply with this correlation id; register it before publishing the request.
    func expect(_ correlationID: String) -> ReplySlot {
        let slot = ReplySlot()
        self.slots.withLock { $0[correlationID] = slot }
        return slot
    }

    /// Forgets a slot (after a timeout).
    func forget(_ correlationID: String) {
        _ = self.slots.withLock { $0.removeValue(forKey: correlationID) }
    }

    private func deliver(_ delivery: AMQPDelivery) {
        // Nameko acks replies first, then hands them over.
        try? delivery.ack()
        guard let id = delivery.properties.correlationID,
            let slot = self.slots.withLock({ $0.removeValue(forKey: id) })
        else {
            self.logger.debug(
                "reply for an unknown correlation id dropped",
                metadata: ["correlation_id": "\(delivery.properties.correlationID ?? "none")"]
            )
            return
        }
        slot.complete(.success(delivery.body))
    }
}

/// One awaited reply: the reply body, or the error that came instead (the request was returned, the call timed
/// out).
final class ReplySlot: Sendable {
    private enum State {
        case waiting(CheckedContinuation<ByteBuffer, any Error>?)
        case done(Result<ByteBuffer, any Error>)
    }

    private let state = Mutex(State.waiting(nil))

    /// Whether the reply, or the error instead of it, has come.
    var isSettled: Bool {
        self.state.withLock { state in
            if case .done = state { return true }
            return false
        }
    }

    func complete(_ result: Result<ByteBuffer, any Error>) {
        let waiter = self.state.withLock { state -> CheckedContinuation<ByteBuffer, any Error>?? in
            guard case .waiting(let waiter) = state else { return .none }
            state = .done(result)
            return .some(waiter)
        }
        if case .some(.some(let waiter)) = waiter {
            waiter.resume(with: result)
        }
    }

    func value() async throws -> ByteBuffer {
        try await withCheckedThrowingContinuation { continuation in
            let done = self.state.withLock { state -> Result<ByteBuffer, any Error>? in
                switch state {
                case .done(let result):
                    return result
                case .waiting:
                    state = .waiting(continuation)
                    return nil
                }
            }
            if let done {
                continuation.resume(with: done)
            }
        }
    }

    /// Fails the slot with `error` after `timeout`, unless a reply came first; cancel the result when the reply
    /// came.
    func expire(after timeout: Duration, with error: @escaping @Sendable () -> any Error) -> ReplyTimeouts.Timer {
        ReplyTimeouts.shared.arm(self, after: timeout, error: error)
    }
}
