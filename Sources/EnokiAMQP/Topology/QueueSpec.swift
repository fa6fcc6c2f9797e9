//===----------------------------------------------------------------------===//
// This source file is part of Enoki. Licensed under Apache License v2.0.
//===----------------------------------------------------------------------===//

public import EnokiAMQPClient

/// A queue and how it is bound (kombu's `Queue`), with kombu's defaults: durable, not exclusive, not
/// auto-deleted, bound to its exchange with its own name as the routing key.
///
/// ```swift
/// QueueSpec("orders", exchange: ExchangeSpec("shop", type: .topic), routingKey: "order.*")
/// QueueSpec("rpc_queue", durable: false)          // on the default exchange, as `queue_declare('rpc_queue')`
/// ```
public struct QueueSpec: Sendable, Hashable {
    /// The queue's name.
    public var name: String
    /// The exchange it is bound to; the default exchange (no binding) when `nil`.
    public var exchange: ExchangeSpec?
    /// The binding's routing key; the queue's name when `nil`.
    public var routingKey: String?
    /// Whether it survives a broker restart.
    public var durable: Bool
    /// Whether only the declaring connection may use it (the broker deletes it when that connection closes).
    public var exclusive: Bool
    /// Whether the broker deletes it when its last consumer goes.
    public var autoDelete: Bool
    /// Extra arguments (`x-message-ttl`, `x-expires`, `x-queue-type`, …).
    public var arguments: FieldTable

    /// A queue.
    public init(
        _ name: String,
        exchange: ExchangeSpec? = nil,
        routingKey: String? = nil,
        durable: Bool = true,
        exclusive: Bool = false,
        autoDelete: Bool = false,
        arguments: FieldTable = [:]
    ) {
        self.name = name
        self.exchange = exchange
        self.routingKey = routingKey
        self.durable = durable
        self.exclusive = exclusive
        self.autoDelete = autoDelete
        self.arguments = arguments
    }

    /// Declares the exchange, the queue and the binding on a channel.
    public func declare(on channel: AMQPChannel) async throws {
        try await self.exchange?.declare(on: channel)
        try await channel.declareQueue(
            self.name,
            durable: self.durable,
            exclusive: self.exclusive,
            autoDelete: self.autoDelete,
            arguments: self.arguments
        )
        if let exchange, !exchange.name.isEmpty {
            try await channel.bindQueue(self.name, exchange: exchange.name, routingKey: self.routingKey ?? self.name)
        }
    }
}
