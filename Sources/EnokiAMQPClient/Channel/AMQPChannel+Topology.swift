//===----------------------------------------------------------------------===//
// This source file is part of Enoki. Licensed under Apache License v2.0.
//===----------------------------------------------------------------------===//

public import EnokiAMQPProtocol

/// The broker's answer to `queue.declare`.
public struct QueueDeclareResult: Sendable, Hashable {
    /// The queue's name (the broker's choice when the declare asked for a server-named queue).
    public var name: String
    /// Messages ready in the queue.
    public var messageCount: UInt32
    /// Consumers on the queue.
    public var consumerCount: UInt32
}

extension AMQPChannel {
    /// Declares an exchange, creating it if it does not exist.
    ///
    /// - Parameters:
    ///   - name: The exchange's name.
    ///   - type: Its type: ``ExchangeKind/direct``, ``ExchangeKind/topic``, …
    ///   - durable: Whether it survives a broker restart.
    ///   - autoDelete: Whether the broker deletes it when its last binding goes.
    ///   - internal: Whether clients may not publish to it directly.
    ///   - passive: Only check that it exists (a 404 channel error when it does not).
    ///   - arguments: Extra arguments such as `alternate-exchange`.
    /// - Throws: ``AMQPError``; an exchange that exists with other settings gives 406 PRECONDITION_FAILED and
    ///   closes the channel.
    public func declareExchange(
        _ name: String,
        type: ExchangeKind,
        durable: Bool = false,
        autoDelete: Bool = false,
        `internal`: Bool = false,
        passive: Bool = false,
        arguments: FieldTable = [:]
    ) async throws(AMQPError) {
        try Self.checkShortString(name, "exchange name")
        try Self.checkShortString(type.name, "exchange type")
        _ = try await self.request(
            .exchangeDeclare(
                .init(
                    exchange: name,
                    type: type.name,
                    passive: passive,
                    durable: durable,
                    autoDelete: autoDelete,
                    isInternal: `internal`,
                    arguments: arguments
                )
            )
        )
    }

    /// Deletes an exchange.
    ///
    /// - Parameters:
    ///   - name: The exchange.
    ///   - ifUnused: Only if it has no bindings (a 406 channel error otherwise).
    public func deleteExchange(_ name: String, ifUnused: Bool = false) async throws(AMQPError) {
        try Self.checkShortString(name, "exchange name")
        _ = try await self.request(.exchangeDelete(.init(exchange: name, ifUnused: ifUnused)))
    }

    /// Binds an exchange to another exchange: messages routed by `source` with a matching key also go through
    /// `destination`.
    public func bindExchange(
        destination: String,
        source: String,
        routingKey: String,
        arguments: FieldTable = [:]
    ) async throws(AMQPError) {
        try Self.checkShortString(routingKey, "routing key")
        _ = try await self.request(
            .exchangeBind(.init(destination: destination, source: source, routingKey: routingKey, arguments: arguments))
        )
    }

    /// Removes an exchange-to-exchange binding.
    public func unbindExchange(
        destination: String,
        source: String,
        routingKey: String,
        arguments: FieldTable = [:]
    ) async throws(AMQPError) {
        try Self.checkShortString(routingKey, "routing key")
        _ = try await self.request(
            .exchangeUnbind(
                .init(destination: destination, source: source, routingKey: routingKey, arguments: arguments)
            )
        )
    }

    /// Declares a queue, creating it if it does not exist.
    ///
    /// - Parameters:
    ///   - name: The queue's name; empty asks the broker to choose one (see the result).
    ///   - durable: Whether it survives a broker restart.
    ///   - exclusive: Whether only this connection may use it; the broker deletes it when the connection closes.
    ///   - autoDelete: Whether the broker deletes it when its last consumer goes.
    ///   - passive: Only check that it exists (a 404 channel error when it does not).
    ///   - arguments: Extra arguments such as `x-expires`, `x-message-ttl`, `x-queue-type`.
    /// - Returns: The queue's name and its message and consumer counts.
    /// - Throws: ``AMQPError``; a queue that exists with other settings gives 406 PRECONDITION_FAILED and closes
    ///   the channel.
    @discardableResult
    public func declareQueue(
        _ name: String = "",
        durable: Bool = false,
        exclusive: Bool = false,
        autoDelete: Bool = false,
        passive: Bool = false,
        arguments: FieldTable = [:]
    ) async throws(AMQPError) -> QueueDeclareResult {
        try Self.checkShortString(name, "queue name")
        let reply = try await self.request(
            .queueDeclare(
                .init(
                    queue: name,
                    passive: passive,
                    durable: durable,
                    exclusive: exclusive,
                    autoDelete: autoDelete,
                    arguments: arguments
                )
            )
        )
        guard case .queueDeclareOk(let ok) = reply else {
            throw AMQPError(.protocolViolation, "unexpected answer \(reply.name) to queue.declare")
        }
        return QueueDeclareResult(name: ok.queue, messageCount: ok.messageCount, consumerCount: ok.consumerCount)
    }

    /// Deletes a queue and returns how many messages it held.
    ///
    /// - Parameters:
    ///   - name: The queue.
    ///   - ifUnused: Only if it has no consumers.
    ///   - ifEmpty: Only if it holds no messages.
    @discardableResult
    public func deleteQueue(
        _ name: String,
        ifUnused: Bool = false,
        ifEmpty: Bool = false
    ) async throws(AMQPError) -> UInt32 {
        try Self.checkShortString(name, "queue name")
        let reply = try await self.request(.queueDelete(.init(queue: name, ifUnused: ifUnused, ifEmpty: ifEmpty)))
        guard case .queueDeleteOk(let ok) = reply else {
            throw AMQPError(.protocolViolation, "unexpected answer \(reply.name) to queue.delete")
        }
        return ok.messageCount
    }

    /// Binds a queue to an exchange with a routing key (a pattern, for topic exchanges).
    public func bindQueue(
        _ queue: String,
        exchange: String,
        routingKey: String,
        arguments: FieldTable = [:]
    ) async throws(AMQPError) {
        try Self.checkShortString(queue, "queue name")
        try Self.checkShortString(exchange, "exchange name")
        try Self.checkShortString(routingKey, "routing key")
        _ = try await self.request(
            .queueBind(.init(queue: queue, exchange: exchange, routingKey: routingKey, arguments: arguments))
        )
    }

    /// Removes a queue binding.
    public func unbindQueue(
        _ queue: String,
        exchange: String,
        routingKey: String,
        arguments: FieldTable = [:]
    ) async throws(AMQPError) {
        try Self.checkShortString(queue, "queue name")
        try Self.checkShortString(exchange, "exchange name")
        try Self.checkShortString(routingKey, "routing key")
        _ = try await self.request(
            .queueUnbind(.init(queue: queue, exchange: exchange, routingKey: routingKey, arguments: arguments))
        )
    }

    /// Removes every ready message from a queue and returns how many there were.
    @discardableResult
    public func purgeQueue(_ name: String) async throws(AMQPError) -> UInt32 {
        try Self.checkShortString(name, "queue name")
        let reply = try await self.request(.queuePurge(.init(queue: name)))
        guard case .queuePurgeOk(let ok) = reply else {
            throw AMQPError(.protocolViolation, "unexpected answer \(reply.name) to queue.purge")
        }
        return ok.messageCount
    }
}
