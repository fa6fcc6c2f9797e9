//===----------------------------------------------------------------------===//
// This source file is part of Enoki. Licensed under Apache License v2.0.
//===----------------------------------------------------------------------===//

import EnokiAMQPClient
public import EnokiCore

/// The exchanges, queues and bindings that services declare on the broker, said without a broker
/// (`my-services topology`): what an operator reviews before deploying a change.
///
/// Names made anew at each start (a broadcast handler's queue, an RPC proxy's reply queue) show their random part
/// as ``AMQPTopology/random``.
public struct AMQPTopology: Sendable, Hashable {
    /// What stands for the random part of a name.
    public static let random = "<random>"

    /// The exchanges, in the order first declared, each once.
    public private(set) var exchanges: [ExchangeSpec] = []
    /// The queues (with the exchange and routing key each is bound with), in the order first declared, each once.
    public private(set) var queues: [QueueSpec] = []

    /// An empty topology.
    public init() {}

    /// Adds an exchange, unless one of that name is there.
    public mutating func add(_ exchange: ExchangeSpec) {
        guard !exchange.name.isEmpty, !self.exchanges.contains(where: { $0.name == exchange.name }) else { return }
        self.exchanges.append(exchange)
    }

    /// Adds a queue and the exchange it is bound to, unless a queue of that name is there.
    public mutating func add(_ queue: QueueSpec) {
        if let exchange = queue.exchange {
            self.add(exchange)
        }
        guard !self.queues.contains(where: { $0.name == queue.name }) else { return }
        self.queues.append(queue)
    }

    /// Adds everything another topology holds.
    public mutating func merge(_ other: AMQPTopology) {
        for exchange in other.exchanges { self.add(exchange) }
        for queue in other.queues { self.add(queue) }
    }

    /// The topology as JSON: `{"exchanges": [{"name", "type", "durable", "auto_delete", "arguments"}], "queues":
    /// [{"name", "durable", "exclusive", "auto_delete", "arguments", "bindings": [{"exchange", "routing_key"}]}]}`.
    public var json: JSONValue {
        .object([
            "exchanges": .array(
                self.exchanges.map { exchange in
                    .object([
                        "name": .string(exchange.name),
                        "type": .string(exchange.type.name),
                        "durable": .bool(exchange.durable),
                        "auto_delete": .bool(exchange.autoDelete),
                        "arguments": Self.json(exchange.arguments),
                    ])
                }
            ),
            "queues": .array(
                self.queues.map { queue in
                    .object([
                        "name": .string(queue.name),
                        "durable": .bool(queue.durable),
                        "exclusive": .bool(queue.exclusive),
                        "auto_delete": .bool(queue.autoDelete),
                        "arguments": Self.json(queue.arguments),
                        "bindings": .array(
                            Self.binding(of: queue).map { binding in
                                .object([
                                    "exchange": .string(binding.exchange),
                                    "routing_key": .string(binding.routingKey),
                                ])
                            }
                        ),
                    ])
                }
            ),
        ])
    }

    /// The topology as lines a person reads:
    ///
    /// ```
    /// exchange nameko-rpc  topic, durable
    /// queue rpc-compute  durable
    ///   bound to nameko-rpc with compute.*
    /// ```
    public var text: String {
        var lines: [String] = []
        for exchange in self.exchanges {
            var traits = [exchange.type.name]
            if exchange.durable { traits.append("durable") }
            if exchange.autoDelete { traits.append("auto-delete") }
            lines.append("exchange \(exchange.name)  \(traits.joined(separator: ", "))\(Self.text(exchange.arguments))")
        }
        for queue in self.queues {
            var traits: [String] = []
            if queue.durable { traits.append("durable") }
            if queue.exclusive { traits.append("exclusive") }
            if queue.autoDelete { traits.append("auto-delete") }
            if traits.isEmpty { traits.append("transient") }
            lines.append("queue \(queue.name)  \(traits.joined(separator: ", "))\(Self.text(queue.arguments))")
            for binding in Self.binding(of: queue) {
                let key = binding.routingKey.isEmpty ? "\"\" (any key)" : binding.routingKey
                lines.append("  bound to \(binding.exchange) with \(key)")
            }
        }
        return lines.joined(separator: "\n")
    }

    private static func binding(of queue: QueueSpec) -> [(exchange: String, routingKey: String)] {
        guard let exchange = queue.exchange, !exchange.name.isEmpty else { return [] }
        return [(exchange.name, queue.routingKey ?? queue.name)]
    }

    private static func json(_ table: FieldTable) -> JSONValue {
        var object = JSONObject()
        for entry in table.entries {
            object[entry.key] = ContextHeaders.jsonValue(entry.value)
        }
        return .object(object)
    }

    private static func text(_ table: FieldTable) -> String {
        guard !table.entries.isEmpty else { return "" }
        let pairs = table.entries.map { "\($0.key)=\(JSONWriter.string(ContextHeaders.jsonValue($0.value)))" }
        return ", " + pairs.joined(separator: ", ")
    }
}

/// An entrypoint or a dependency provider that declares exchanges or queues on the broker, and can say which
/// without one.
///
/// The broker-side setup of Enoki's own extensions declares exactly what this returns, so the dry run and the
/// real run cannot drift apart. Extensions written by users may conform too; those that do not are left out of
/// the dry run.
public protocol AMQPTopologyDeclaring {
    /// What the extension declares for a service with a config.
    ///
    /// - Parameters:
    ///   - service: The service's name.
    ///   - config: The configuration it would run with.
    func topology(service: String, config: EnokiConfig) throws -> AMQPTopology
}
