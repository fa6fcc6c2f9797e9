//===----------------------------------------------------------------------===//
// This source file is part of Enoki. Licensed under Apache License v2.0.
//===----------------------------------------------------------------------===//

import EnokiAMQPClient
public import EnokiCore

/// The exchange and queue of an event handler, named and flagged exactly as Nameko names and flags them
/// (nameko-wire §6.3), so that Python and Swift handlers of the same kind share queues.
///
/// | Type | Queue | durable | auto_delete | exclusive |
/// |---|---|---|---|---|
/// | service pool | `evt-{src}-{type}--{service}.{method}` | yes | unless reliable | no |
/// | singleton | `evt-{src}-{type}` | yes | unless reliable | no |
/// | broadcast | `evt-{src}-{type}--{service}.{method}-{identifier}` | yes | when exclusive or unless reliable | unless reliable |
public enum EventHandlerQueue {
    /// The events exchange of a service: `{service}.events`, topic, durable, auto-deleted when
    /// `AUTO_DELETE_EVENT_EXCHANGES` says so.
    public static func exchange(of service: String, config: EnokiConfig) -> ExchangeSpec {
        ExchangeSpec(
            "\(service).events",
            type: .topic,
            durable: true,
            autoDelete: config.autoDeleteEventExchanges
        )
    }

    /// A random broadcast identifier, as Nameko makes one: 32 hexadecimal digits.
    public static func randomIdentifier() -> String {
        String(RandomUUID.make().filter { $0 != "-" })
    }

    /// The queue of a handler.
    ///
    /// - Parameters:
    ///   - source: The service that dispatches the event.
    ///   - eventType: The event type (the binding key).
    ///   - service: The handling service.
    ///   - method: The handling method.
    ///   - handlerType: How the event reaches instances.
    ///   - reliableDelivery: Whether the queue outlives its consumers.
    ///   - broadcastIdentifier: The identifier of a broadcast queue without a stable one.
    ///   - config: The configuration (for the exchange's flags).
    /// - Throws: `EnokiCore.EnokiError` `serviceDefinition` for a broadcast handler with reliable delivery and
    ///   no stable identifier.
    public static func queue(
        source: String,
        eventType: String,
        service: String,
        method: String,
        handlerType: EventHandlerType,
        reliableDelivery: Bool,
        broadcastIdentifier: String,
        config: EnokiConfig
    ) throws -> QueueSpec {
        let exchange = self.exchange(of: source, config: config)
        let base = "evt-\(source)-\(eventType)"
        switch handlerType.kind {
        case .servicePool:
            return QueueSpec(
                "\(base)--\(service).\(method)",
                exchange: exchange,
                routingKey: eventType,
                durable: true,
                autoDelete: !reliableDelivery
            ).declared(as: config.queueType)
        case .singleton:
            return QueueSpec(
                base,
                exchange: exchange,
                routingKey: eventType,
                durable: true,
                autoDelete: !reliableDelivery
            ).declared(as: config.queueType)
        case .broadcast(let stable):
            if stable == nil && reliableDelivery {
                throw EnokiError(
                    .serviceDefinition,
                    "broadcast handler \(service).\(method) for \(source).\(eventType) cannot have reliable delivery: "
                        + "its queue is named with an identifier made anew at each start, so a durable queue would "
                        + "be left behind by every run. Declare it with reliableDelivery: false, or give each "
                        + "instance a stable identifier with handlerType: .broadcast(identifier:)"
                )
            }
            let exclusive = !reliableDelivery
            return QueueSpec(
                "\(base)--\(service).\(method)-\(stable ?? broadcastIdentifier)",
                exchange: exchange,
                routingKey: eventType,
                durable: true,
                exclusive: exclusive,
                autoDelete: exclusive || !reliableDelivery
            )
        }
    }
}
