//===----------------------------------------------------------------------===//
// This source file is part of Enoki. Licensed under Apache License v2.0.
//===----------------------------------------------------------------------===//

import EnokiAMQPProtocol
import NIOCore
import Synchronization

/// A channel: the unit of AMQP work on a connection.
///
/// Declare and bind exchanges and queues (``declareQueue(_:durable:exclusive:autoDelete:passive:arguments:)`` and
/// friends), publish (``publish(_:exchange:routingKey:mandatory:properties:)-(ByteBuffer,_,_,_,_)``), consume
/// (``consume(queue:consumerTag:noAck:exclusive:arguments:)``), and acknowledge deliveries.
///
/// When the broker reports an error on the channel (for example 406 PRECONDITION_FAILED when a queue is
/// redeclared with other arguments), the operation that caused it fails with an ``AMQPError`` carrying the reply
/// code and text, the channel closes, and the connection and its other channels carry on. Open a new channel to
/// continue.
///
/// `AMQPChannel` is `Sendable`. Requests from several tasks are sent in the order they reach the channel and
/// answered in that order.
public final class AMQPChannel: Sendable {
    /// The channel's number on its connection.
    public let id: ChannelID
    /// The connection the channel belongs to.
    public let connection: AMQPConnection
    let key: ChannelKey
    let status: ChannelStatus
    private let confirmsEnabled = Atomic<Bool>(false)
    private let consumerCounter = Atomic<Int>(0)

    init(key: ChannelKey, connection: AMQPConnection, status: ChannelStatus) {
        self.id = ChannelID(rawValue: key.id)
        self.key = key
        self.connection = connection
        self.status = status
    }

    deinit {
        if self.status.isOpen {
            let promise = self.connection.queue.eventLoop.makePromise(of: RequestReply.self)
            self.connection.queue.enqueue(.closeChannel(self.key, promise))
        }
    }

    /// Whether the channel is open.
    public var isOpen: Bool { self.status.isOpen }

    /// Waits until the channel is closed and returns why.
    public func closed() async -> AMQPError {
        await self.status.waitUntilClosed()
    }

    /// Closes the channel. Its consumers end; deliveries it has not acknowledged go back to their queues.
    /// Closing a closed channel does nothing.
    public func close() async throws(AMQPError) {
        guard self.status.isOpen else { return }
        let promise = self.connection.queue.eventLoop.makePromise(of: RequestReply.self)
        self.connection.queue.enqueue(.closeChannel(self.key, promise))
        _ = try await Self.await(promise)
    }

    /// Sets the prefetch window: how many unacknowledged deliveries (and, rarely, bytes) the broker may have
    /// outstanding to each consumer (or, with `global`, to the whole channel).
    ///
    /// - Parameters:
    ///   - prefetchCount: The most unacknowledged deliveries; 0 means no limit.
    ///   - prefetchSize: The most unacknowledged bytes; 0 means no limit (RabbitMQ supports only 0).
    ///   - global: RabbitMQ's reading: `false` applies the limit to each consumer started after this call,
    ///     `true` to the channel as a whole.
    public func qos(prefetchCount: UInt16, prefetchSize: UInt32 = 0, global: Bool = false) async throws(AMQPError) {
        _ = try await self.request(
            .basicQos(.init(prefetchSize: prefetchSize, prefetchCount: prefetchCount, global: global))
        )
    }

    /// Puts the channel in publisher-confirm mode (`confirm.select`). From then on each publish's
    /// ``PublishConfirmation`` resolves to the broker's ack or nack.
    public func enablePublisherConfirms() async throws(AMQPError) {
        _ = try await self.request(.confirmSelect(.init()))
        self.confirmsEnabled.store(true, ordering: .releasing)
    }

    /// Whether the channel is in publisher-confirm mode.
    public var publisherConfirmsEnabled: Bool { self.confirmsEnabled.load(ordering: .acquiring) }

    /// Starts a transaction mode (`tx.select`); commit with ``txCommit()`` or roll back with ``txRollback()``.
    public func txSelect() async throws(AMQPError) {
        _ = try await self.request(.txSelect)
    }

    /// Commits the current transaction (`tx.commit`).
    public func txCommit() async throws(AMQPError) {
        _ = try await self.request(.txCommit)
    }

    /// Rolls back the current transaction (`tx.rollback`).
    public func txRollback() async throws(AMQPError) {
        _ = try await self.request(.txRollback)
    }

    /// Asks the broker to redeliver this channel's unacknowledged messages (`basic.recover`).
    public func recover(requeue: Bool = true) async throws(AMQPError) {
        _ = try await self.request(.basicRecover(.init(requeue: requeue)))
    }

    /// Asks the broker to stop (`active: false`) or resume sending deliveries on this channel (`channel.flow`).
    /// RabbitMQ does not support pausing a channel this way and answers with an error.
    public func flow(active: Bool) async throws(AMQPError) {
        _ = try await self.request(.channelFlow(.init(active: active)))
    }

    /// The messages the broker sent back (`basic.return`) that are not answered through a publish's
    /// confirmation: those published without confirms. The newest 100 are kept until read.
    public var returnedMessages: AsyncStream<AMQPReturnedMessage> { self.status.returns }

    // MARK: Plumbing

    func request(_ method: AMQPMethod) async throws(AMQPError) -> AMQPMethod {
        try self.checkOpen()
        let promise = self.connection.queue.eventLoop.makePromise(of: RequestReply.self)
        self.connection.queue.enqueue(.request(self.key, method, promise))
        switch try await Self.await(promise) {
        case .method(let reply):
            return reply
        case .content, .opened:
            throw AMQPError(.protocolViolation, "unexpected answer to \(method.name)")
        }
    }

    func checkOpen() throws(AMQPError) {
        if let error = self.status.closeError {
            throw error
        }
    }

    func makeConsumerTag() -> String {
        let count = self.consumerCounter.wrappingAdd(1, ordering: .relaxed).newValue
        return "enoki.ctag-\(self.key.id).\(self.key.generation).\(count)"
    }

    static func await<Value: Sendable>(_ promise: EventLoopPromise<Value>) async throws(AMQPError) -> Value {
        do {
            return try await promise.futureResult.get()
        } catch let error as AMQPError {
            throw error
        } catch {
            throw AMQPError(.connectionLost, "\(error)", underlying: error)
        }
    }

    static func checkShortString(_ value: String, _ what: String) throws(AMQPError) {
        guard value.utf8.count <= 255 else {
            throw AMQPError(.invalidArgument, "\(what) '\(value.prefix(40))…' is longer than 255 bytes")
        }
    }
}
