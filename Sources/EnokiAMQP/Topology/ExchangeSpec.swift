//===----------------------------------------------------------------------===//
// This source file is part of Enoki. Licensed under Apache License v2.0.
//===----------------------------------------------------------------------===//

public import EnokiAMQPClient

/// An exchange as a publisher or a consumer declares it (kombu's `Exchange`), with kombu's defaults: `direct`,
/// durable, not auto-deleted.
public struct ExchangeSpec: Sendable, Hashable {
    /// The exchange's name; empty for the default exchange, which is never declared.
    public var name: String
    /// Its type.
    public var type: ExchangeKind
    /// Whether it survives a broker restart.
    public var durable: Bool
    /// Whether the broker deletes it when its last binding goes.
    public var autoDelete: Bool
    /// Extra arguments.
    public var arguments: FieldTable

    /// An exchange.
    public init(
        _ name: String,
        type: ExchangeKind = .direct,
        durable: Bool = true,
        autoDelete: Bool = false,
        arguments: FieldTable = [:]
    ) {
        self.name = name
        self.type = type
        self.durable = durable
        self.autoDelete = autoDelete
        self.arguments = arguments
    }

    /// The default exchange (`""`): a message goes to the queue named by its routing key.
    public static let `default` = ExchangeSpec("")

    /// Declares the exchange on a channel (the default exchange needs no declaring).
    public func declare(on channel: AMQPChannel) async throws {
        guard !self.name.isEmpty else { return }
        try await channel.declareExchange(
            self.name,
            type: self.type,
            durable: self.durable,
            autoDelete: self.autoDelete,
            arguments: self.arguments
        )
    }
}
