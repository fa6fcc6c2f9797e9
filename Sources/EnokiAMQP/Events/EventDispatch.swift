//===----------------------------------------------------------------------===//
// This source file is part of Enoki. Licensed under Apache License v2.0.
//===----------------------------------------------------------------------===//

public import EnokiCore

/// Dispatches events from a worker, as its service: `try await dispatch("event_type", payload)`.
///
/// It comes from an ``EventDispatcher`` dependency. Each event carries the worker's context data and call-id
/// stack, so handlers continue the worker's stack. A dispatch returns once the broker has confirmed the event
/// (not once it has been handled); an event no queue is bound for is dropped without error, as in Nameko.
public struct EventDispatch: Sendable {
    /// One dispatched event: what a test double of a dispatcher records.
    public struct Event: Sendable, Hashable {
        /// The service the event comes from.
        public var source: String
        /// The event type.
        public var eventType: String
        /// The payload.
        public var payload: JSONValue
        /// The context data it carries.
        public var contextData: JSONObject
        /// The call-id stack it carries.
        public var callIDStack: [String]

        /// An event.
        public init(
            source: String,
            eventType: String,
            payload: JSONValue,
            contextData: JSONObject = [:],
            callIDStack: [String] = []
        ) {
            self.source = source
            self.eventType = eventType
            self.payload = payload
            self.contextData = contextData
            self.callIDStack = callIDStack
        }
    }

    /// The service events come from.
    public let source: String
    private let context: WorkerContext
    private let performer: @Sendable (Event) async throws -> Void

    /// A dispatcher that hands every event to `perform` (a fake for tests, or another transport).
    public init(source: String, context: WorkerContext, perform: @escaping @Sendable (Event) async throws -> Void) {
        self.source = source
        self.context = context
        self.performer = perform
    }

    /// Dispatches an event whose payload is any encodable value.
    ///
    /// - Throws: `EnokiCore.EnokiError` `transport` when the broker did not take the event, or an encoding error.
    public func callAsFunction(_ eventType: String, _ payload: some Encodable & Sendable) async throws {
        try await self.dispatch(eventType, JSONValueEncoder().encode(payload))
    }

    /// Dispatches an event with a JSON payload.
    public func dispatch(_ eventType: String, _ payload: JSONValue) async throws {
        try await self.performer(
            Event(
                source: self.source,
                eventType: eventType,
                payload: payload,
                contextData: self.context.data,
                callIDStack: self.context.callIDStack
            )
        )
    }
}
