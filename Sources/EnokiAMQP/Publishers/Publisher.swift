//===----------------------------------------------------------------------===//
// This source file is part of Enoki. Licensed under Apache License v2.0.
//===----------------------------------------------------------------------===//

import EnokiAMQPClient
public import EnokiCore
import Synchronization
import Tracing

/// The dependency that lets workers publish messages to an exchange, or to a queue through the default exchange
/// (Nameko's `Publisher`, nameko-wire §7).
///
/// ```swift
/// @Service("shop")
/// struct Shop {
///     @Dependency(Publisher(exchange: ExchangeSpec("orders", type: .topic))) var publish: Publish
///
///     @RPC func order(_ item: String) async throws {
///         try await publish(["item": item], routingKey: "order.created")
///     }
/// }
/// ```
///
/// The exchange and the queues listed in `declare` are declared when the service starts and again on each new
/// publisher channel, so that they exist after a broker restart. Messages are JSON, persistent, published with
/// confirms and not mandatory (a message no queue takes is dropped, as in Nameko).
public final class Publisher: DependencyProvider {
    /// The exchange; `nil` for the default exchange.
    public let exchange: ExchangeSpec?
    /// Queues (with their exchanges and bindings) declared with the exchange.
    public let queues: [QueueSpec]
    private let transport = Mutex<(transport: AMQPTransport, container: ContainerContext)?>(nil)

    /// A publisher.
    ///
    /// - Parameters:
    ///   - exchange: The exchange messages go to; `nil` for the default exchange, where the routing key names a
    ///     queue.
    ///   - declare: Queues to declare too, each with its own exchange and binding (Nameko's `declare=[...]`).
    public init(exchange: ExchangeSpec? = nil, declare: [QueueSpec] = []) {
        self.exchange = exchange
        self.queues = declare
    }

    private var exchanges: [ExchangeSpec] {
        (self.exchange.map { [$0] } ?? []) + self.queues.compactMap(\.exchange)
    }

    public func setup(_ container: ContainerContext) async throws {
        let transport = try AMQPTransport.shared(container)
        self.transport.withLock { $0 = (transport, container) }
    }

    public func start() async throws {
        guard let (transport, _) = self.transport.withLock({ $0 }) else { return }
        let channel = try await transport.publisherChannel()
        try await transport.declare(exchanges: self.exchanges, queues: self.queues, on: channel)
    }

    public func dependency(for worker: WorkerContext) async throws -> Publish {
        guard let (transport, container) = self.transport.withLock({ $0 }) else {
            throw EnokiError(.dependency, "Publisher was not set up")
        }
        let exchanges = self.exchanges
        let queues = self.queues
        let (metrics, tracing) = (container.metrics, container.tracing)
        return Publish(exchange: self.exchange?.name ?? "", context: worker) { message in
            try await metrics.measure(
                ServiceMetrics.Name.messagesPublished,
                duration: ServiceMetrics.Name.publishDuration,
                labels: [("exchange", message.exchange)]
            ) {
                try await tracing.outgoing(
                    "\(message.exchange.isEmpty ? "(default)" : message.exchange) publish",
                    kind: .producer,
                    attributes: [("messaging.system", "rabbitmq"), ("messaging.destination.name", message.exchange)],
                    contextData: message.contextData
                ) { data in
                    var message = message
                    message.contextData = data
                    return try await Self.publish(message, exchanges: exchanges, queues: queues, transport: transport)
                }
            }
        }
    }

    static func publish(
        _ message: Publish.Message,
        exchanges: [ExchangeSpec],
        queues: [QueueSpec],
        transport: AMQPTransport
    ) async throws {
        let target = message.exchange.isEmpty ? "the queue '\(message.routingKey)'" : "'\(message.exchange)'"
        do {
            let outcome = try await transport.publishConfirmed(
                OutgoingMessage(
                    body: MessageBody.json(message.payload),
                    exchange: message.exchange,
                    routingKey: message.routingKey,
                    properties: EventMessage.properties(headers: Self.headers(of: message)),
                    exchanges: exchanges,
                    queues: queues
                )
            )
            if case .nacked = outcome {
                throw EnokiError(.transport, "the broker refused a message to \(target)")
            }
        } catch let error as EnokiError {
            throw error
        } catch {
            throw EnokiError(.transport, "could not publish a message to \(target)", underlying: error)
        }
    }

    /// The context headers, with the message's extra headers merged over them.
    static func headers(of message: Publish.Message) -> FieldTable {
        var headers = ContextHeaders.headers(data: message.contextData, callIDStack: message.callIDStack)
        for (key, value) in message.headers {
            headers[key] = ContextHeaders.fieldValue(value) ?? .void
        }
        return headers
    }
}
