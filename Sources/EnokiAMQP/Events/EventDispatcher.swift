//===----------------------------------------------------------------------===//
// This source file is part of Enoki. Licensed under Apache License v2.0.
//===----------------------------------------------------------------------===//

import EnokiAMQPClient
public import EnokiCore
import Synchronization
import Tracing

/// The dependency that lets workers dispatch events as their service (Nameko's `EventDispatcher`,
/// nameko-wire §6.1).
///
/// ```swift
/// @Service("service_a")
/// struct ServiceA {
///     @Dependency(EventDispatcher()) var dispatch: EventDispatch
///
///     @RPC func dispatchingMethod(_ payload: JSONValue) async throws {
///         try await dispatch("event_type", payload)
///     }
/// }
/// ```
///
/// Events go to the exchange `{service}.events` (topic, durable; auto-deleted when `AUTO_DELETE_EVENT_EXCHANGES`
/// is true), which the dispatcher declares when it starts and again on each new publisher channel, unless
/// `DECLARE_EVENT_EXCHANGES` is false. They are persistent and published with confirms, not mandatory.
public final class EventDispatcher: DependencyProvider {
    private let state = Mutex<(transport: AMQPTransport?, exchange: ExchangeSpec?, declare: Bool)>((nil, nil, true))
    private let container = Mutex<ContainerContext?>(nil)

    /// A dispatcher.
    public init() {}

    public func setup(_ container: ContainerContext) async throws {
        let transport = try AMQPTransport.shared(container)
        let exchange = EventHandlerQueue.exchange(of: container.serviceName, config: container.config)
        self.state.withLock { $0 = (transport, exchange, container.config.declareEventExchanges) }
        self.container.withLock { $0 = container }
    }

    public func start() async throws {
        let (transport, exchange, declare) = self.state.withLock { $0 }
        guard let transport, let exchange, declare else { return }
        let channel = try await transport.publisherChannel()
        try await transport.declare(exchanges: [exchange], queues: [], on: channel)
    }

    public func dependency(for worker: WorkerContext) async throws -> EventDispatch {
        let (transport, exchange, declare) = self.state.withLock { $0 }
        guard let transport, let exchange else {
            throw EnokiError(.dependency, "EventDispatcher was not set up")
        }
        guard let container = self.container.withLock({ $0 }) else {
            throw EnokiError(.dependency, "EventDispatcher was not set up")
        }
        let (metrics, tracing) = (container.metrics, container.tracing)
        return EventDispatch(source: worker.serviceName, context: worker) { event in
            try await metrics.measure(
                ServiceMetrics.Name.eventsDispatched,
                duration: ServiceMetrics.Name.eventDispatchDuration,
                labels: [("event_type", event.eventType)]
            ) {
                try await tracing.outgoing(
                    "\(event.source).\(event.eventType) dispatch",
                    kind: .producer,
                    attributes: [("messaging.system", "rabbitmq"), ("messaging.destination.name", exchange.name)],
                    contextData: event.contextData
                ) { data in
                    try await Self.publish(
                        event,
                        headers: ContextHeaders.headers(data: data, callIDStack: event.callIDStack),
                        exchange: exchange,
                        declare: declare,
                        transport: transport
                    )
                }
            }
        }
    }

    /// Publishes an event and waits for the broker's confirm.
    static func publish(
        _ event: EventDispatch.Event,
        headers: FieldTable,
        exchange: ExchangeSpec,
        declare: Bool,
        transport: AMQPTransport
    ) async throws {
        do {
            let outcome = try await transport.publishConfirmed(
                OutgoingMessage(
                    body: EventMessage.body(event.payload),
                    exchange: exchange.name,
                    routingKey: event.eventType,
                    properties: EventMessage.properties(headers: headers),
                    exchanges: declare ? [exchange] : []
                )
            )
            switch outcome {
            case .nacked:
                throw EnokiError(.transport, "the broker refused the event \(event.source).\(event.eventType)")
            default:
                return
            }
        } catch let error as EnokiError {
            throw error
        } catch let error as AMQPError where error.replyCode == .notFound {
            throw EnokiError(
                .transport,
                "no exchange '\(exchange.name)' on the broker: no service named \(event.source) has dispatched or "
                    + "handled events there yet",
                underlying: error
            )
        } catch {
            throw EnokiError(
                .transport,
                "could not dispatch the event \(event.source).\(event.eventType)",
                underlying: error
            )
        }
    }
}
