//===----------------------------------------------------------------------===//
// This source file is part of Enoki. Licensed under Apache License v2.0.
//===----------------------------------------------------------------------===//

import EnokiAMQPClient
public import EnokiCore
public import Logging
import Synchronization

/// Dispatches events from code that is not a service (a script, a web app), in the name of any service
/// (Nameko's `nameko.standalone.events.event_dispatcher`, nameko-wire §6.2).
///
/// ```swift
/// let events = try ClusterEventDispatcher(config: config)
/// try await events.dispatch("service_a", "event_type", ["hello": "world"])
/// await events.close()
/// ```
///
/// As Nameko's, it does not declare the `{service}.events` exchange: dispatching in the name of a service that has
/// never dispatched or handled events fails with `EnokiCore.EnokiError` `transport` saying that the exchange
/// does not exist. Events carry no call-id stack, and the context data given here (none by default). One
/// dispatcher is safe to share between any number of tasks; it connects on the first dispatch.
public final class ClusterEventDispatcher: Sendable {
    private let transport: AMQPTransport
    private let contextData: JSONObject
    private let started = Mutex(false)

    /// A dispatcher.
    ///
    /// - Parameters:
    ///   - config: The configuration (its `AMQP_URI`, `AUTO_DELETE_EVENT_EXCHANGES`, …).
    ///   - contextData: Context data sent with every event, as `nameko.`-prefixed headers.
    ///   - logger: Where the dispatcher logs its connection.
    public init(
        config: EnokiConfig,
        contextData: JSONObject = [:],
        logger: Logger = Logger(label: "enoki.events", factory: { _ in SwiftLogNoOpLogHandler() })
    ) throws {
        self.transport = try AMQPTransport(config: config, logger: logger, name: "enoki client", reportsRefusals: true)
        self.contextData = contextData
    }

    /// Dispatches an event whose payload is any encodable value, as `sourceService`.
    ///
    /// - Throws: `EnokiCore.EnokiError` `transport` when the exchange does not exist or the broker refused the
    ///   event.
    public func dispatch(
        _ sourceService: String,
        _ eventType: String,
        _ payload: some Encodable & Sendable
    )
        async throws
    {
        try await self.dispatch(sourceService, eventType, json: JSONValueEncoder().encode(payload))
    }

    /// Dispatches an event with a JSON payload, as `sourceService`.
    public func dispatch(_ sourceService: String, _ eventType: String, json payload: JSONValue) async throws {
        let transport = self.transport
        let start = self.started.withLock { started in
            defer { started = true }
            return !started
        }
        if start {
            transport.start(consumer: false)
        }
        let event = EventDispatch.Event(
            source: sourceService,
            eventType: eventType,
            payload: payload,
            contextData: self.contextData
        )
        try await EventDispatcher.publish(
            event,
            headers: self.contextData.isEmpty ? [:] : ContextHeaders.headers(data: self.contextData, callIDStack: []),
            exchange: EventHandlerQueue.exchange(of: sourceService, config: transport.config),
            declare: false,
            transport: transport
        )
    }

    /// Closes the dispatcher's connection.
    public func close() async {
        await self.transport.stop()
    }
}
