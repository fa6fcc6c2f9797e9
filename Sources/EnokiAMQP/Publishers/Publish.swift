//===----------------------------------------------------------------------===//
// This source file is part of Enoki. Licensed under Apache License v2.0.
//===----------------------------------------------------------------------===//

public import EnokiCore

/// Publishes messages from a worker: `try await publish(order, routingKey: "orders")`.
///
/// It comes from a ``Publisher`` dependency. Each message carries the worker's context data and call-id stack as
/// headers, with the extra headers of the call merged over them. A publish returns once the broker has confirmed
/// the message.
public struct Publish: Sendable {
    /// One published message: what a test double of a publisher records.
    public struct Message: Sendable, Hashable {
        /// The exchange; empty for the default exchange.
        public var exchange: String
        /// The routing key (a queue name on the default exchange).
        public var routingKey: String
        /// The body.
        public var payload: JSONValue
        /// The extra headers of the call.
        public var headers: JSONObject
        /// The context data it carries.
        public var contextData: JSONObject
        /// The call-id stack it carries.
        public var callIDStack: [String]

        /// A message.
        public init(
            exchange: String,
            routingKey: String,
            payload: JSONValue,
            headers: JSONObject = [:],
            contextData: JSONObject = [:],
            callIDStack: [String] = []
        ) {
            self.exchange = exchange
            self.routingKey = routingKey
            self.payload = payload
            self.headers = headers
            self.contextData = contextData
            self.callIDStack = callIDStack
        }
    }

    /// The exchange messages go to; empty for the default exchange.
    public let exchange: String
    private let context: WorkerContext
    private let performer: @Sendable (Message) async throws -> Void

    /// A publisher that hands every message to `perform` (a fake for tests, or another transport).
    public init(exchange: String, context: WorkerContext, perform: @escaping @Sendable (Message) async throws -> Void) {
        self.exchange = exchange
        self.context = context
        self.performer = perform
    }

    /// Publishes any encodable value as JSON.
    ///
    /// - Parameters:
    ///   - payload: The body.
    ///   - routingKey: The routing key; on the default exchange, the name of the queue.
    ///   - headers: Extra headers, merged over the context headers (a key given here wins).
    /// - Throws: `EnokiCore.EnokiError` `transport` when the broker did not take the message.
    public func callAsFunction(
        _ payload: some Encodable & Sendable,
        routingKey: String = "",
        headers: JSONObject = [:]
    ) async throws {
        try await self.publish(JSONValueEncoder().encode(payload), routingKey: routingKey, headers: headers)
    }

    /// Publishes a JSON value.
    public func publish(_ payload: JSONValue, routingKey: String = "", headers: JSONObject = [:]) async throws {
        try await self.performer(
            Message(
                exchange: self.exchange,
                routingKey: routingKey,
                payload: payload,
                headers: headers,
                contextData: self.context.data,
                callIDStack: self.context.callIDStack
            )
        )
    }
}
