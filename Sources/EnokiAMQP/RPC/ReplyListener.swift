//===----------------------------------------------------------------------===//
// This source file is part of Enoki. Licensed under Apache License v2.0.
//===----------------------------------------------------------------------===//

import EnokiAMQPClient
import EnokiCore
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
    /// A reply queue (durable, expiring after 5 minutes unused, as Nameko's) bound to the RPC exchange with its
    /// routing key: what the listener declares, and what the topology dry run shows.
    static func queue(name: String, routingKey: String, exchange: String) -> QueueSpec {
        QueueSpec(
            name,
            exchange: ExchangeSpec(exchange, type: .topic, durable: true),
            routingKey: routingKey,
            durable: true,
            arguments: ["x-expires": .int32(300_000)]
        )
    }

    /// The same, with the RPC exchange the config names.
    static func queue(name: String, routingKey: String, config: EnokiConfig) -> QueueSpec {
        self.queue(name: name, routingKey: routingKey, exchange: config.rpcExchange)
    }

    func consume(
        on channel: AMQPChannel,
        exchange: String,
        onEnd: @escaping @Sendable (AMQPError?) -> Void = { _ in }
    ) async throws {
        try await Self.queue(name: self.queueName, routingKey: self.routingKey, exchange: exchange).declare(on: channel)
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
    /// does so again (``ChannelRecovery``).
    func consume(
        onNewChannelOf connection: AMQPConnection,
        exchange: String,
        transport: AMQPTransport
    ) async throws {
        let channel = try await connection.openChannel()
        try await self.consume(on: channel, exchange: exchange) { [weak self] error in
            guard let self, error?.code == .consumerCancelledByBroker, connection.isOpen else { return }
            let recovery = ChannelRecovery(transport: transport, logger: self.logger, what: "the reply queue")
            recovery.consumerCancelled(queue: self.queueName, while: { connection.isOpen }) {
                try? await channel.close()
                try await self.consume(onNewChannelOf: connection, exchange: exchange, transport: transport)
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
            ReplySlot.dropped(delivery, queue: self.queueName, logger: self.logger)
            return
        }
        slot.complete(ReplySlot.result(of: delivery))
    }
}

/// One awaited reply: the reply body, or the error that came instead (the request was returned, the call timed
/// out).
final class ReplySlot: Sendable {
    private enum State {
        case waiting(CheckedContinuation<ByteBuffer, any Error>?, settledWaiter: CheckedContinuation<Void, Never>?)
        case done(Result<ByteBuffer, any Error>)
    }

    private let state = Mutex(State.waiting(nil, settledWaiter: nil))
    private let requestSent = Atomic<Bool>(false)

    /// Whether the request has been handed to the broker connection (so that a timeout says what it waited for).
    var wasSent: Bool {
        get { self.requestSent.load(ordering: .relaxed) }
        set { self.requestSent.store(newValue, ordering: .relaxed) }
    }

    /// Whether the reply, or the error instead of it, has come.
    var isSettled: Bool {
        self.state.withLock { state in
            if case .done = state { return true }
            return false
        }
    }

    /// What a reply delivery gives its caller: its body, or why it could not be read (a property or header that
    /// does not decode, a body over `MAX_MESSAGE_SIZE`).
    static func result(of delivery: AMQPDelivery) -> Result<ByteBuffer, any Error> {
        if let problem = delivery.problem {
            return .failure(EnokiError(.transport, "the reply could not be read: \(problem.message)"))
        }
        return .success(delivery.body)
    }

    /// Logs a reply nobody waits for: at debug level (a late reply, a second copy of one), or as a warning when it
    /// could not be read either.
    static func dropped(_ delivery: AMQPDelivery, queue: String, logger: Logger) {
        let id = WireText.loggable(delivery.properties.correlationID ?? "none")
        if let problem = delivery.problem {
            logger.warning(
                "unreadable reply dropped",
                metadata: ["queue": "\(queue)", "correlation_id": "\(id)", "reason": "\(problem.message)"]
            )
        } else {
            logger.debug("reply for an unknown correlation id dropped", metadata: ["correlation_id": "\(id)"])
        }
    }

    func complete(_ result: Result<ByteBuffer, any Error>) {
        let waiters = self.state.withLock {
            state -> (CheckedContinuation<ByteBuffer, any Error>?, CheckedContinuation<Void, Never>?)? in
            guard case .waiting(let waiter, let settledWaiter) = state else { return nil }
            state = .done(result)
            return (waiter, settledWaiter)
        }
        if let (waiter, settledWaiter) = waiters {
            waiter?.resume(with: result)
            settledWaiter?.resume()
        }
    }

    /// The reply, or the error that came instead; a cancelled task stops waiting at once, and the slot is settled
    /// with `CancellationError`.
    func value() async throws -> ByteBuffer {
        try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { continuation in
                let done = self.state.withLock { state -> Result<ByteBuffer, any Error>? in
                    switch state {
                    case .done(let result):
                        return result
                    case .waiting(_, let settledWaiter):
                        if Task.isCancelled { return .failure(CancellationError()) }
                        state = .waiting(continuation, settledWaiter: settledWaiter)
                        return nil
                    }
                }
                if let done {
                    continuation.resume(with: done)
                }
            }
        } onCancel: {
            self.complete(.failure(CancellationError()))
        }
    }

    /// Returns once the slot is settled, by its reply or by the error that came instead (a timeout, a returned
    /// request); a cancelled task returns at once. One waiter at a time.
    func settled() async {
        await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                let now = self.state.withLock { state -> Bool in
                    guard case .waiting(let waiter, _) = state, !Task.isCancelled else { return true }
                    state = .waiting(waiter, settledWaiter: continuation)
                    return false
                }
                if now {
                    continuation.resume()
                }
            }
        } onCancel: {
            let waiter = self.state.withLock { state -> CheckedContinuation<Void, Never>? in
                guard case .waiting(let waiter, let settledWaiter) = state else { return nil }
                state = .waiting(waiter, settledWaiter: nil)
                return settledWaiter
            }
            waiter?.resume()
        }
    }

    /// Fails the slot with `error` after `timeout`, unless a reply came first; cancel the result when the reply
    /// came.
    func expire(after timeout: Duration, with error: @escaping @Sendable () -> any Error) -> ReplyTimeouts.Timer {
        ReplyTimeouts.shared.arm(self, after: timeout, error: error)
    }
}
