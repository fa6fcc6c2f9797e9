//===----------------------------------------------------------------------===//
// This source file is part of Enoki. Licensed under Apache License v2.0.
//===----------------------------------------------------------------------===//

import EnokiAMQPClient
public import EnokiCore

/// Consumes a queue the service declares with its own exchange, binding and flags (Nameko's `@consume`,
/// nameko-wire §7): each message runs the method in a worker with the message body, and the context data from
/// its headers.
///
/// The body is read as `MessageBody` says: JSON for JSON content types; raw text without one (a method that
/// takes a `String` gets it as it is). The message is acknowledged after the worker, even when it failed, unless
/// `requeueOnError`; a body that cannot be read is logged with the queue and the reason, and dropped.
///
/// A method that returns a value answers messages that carry `reply_to`: its result goes to that queue through
/// the default exchange, with the message's correlation id, and the message is acknowledged once the broker has
/// confirmed the reply. This serves clients of RabbitMQ's own RPC pattern (a request to a queue with
/// `reply_to` and `correlation_id`). A raw-text request gets a string result as raw text; anything else is JSON.
/// A method that throws sends no reply.
public final class ConsumeEntrypoint: Entrypoint {
    /// A worker takes the message's payload.
    public typealias Input = JSONValue
    /// A worker gives back its result as JSON (`null` when it returns nothing), which a consumer that replies sends to `reply_to`.
    public typealias Output = JSONValue

    /// The queue consumed.
    public let queue: QueueSpec
    /// Whether a message whose worker failed goes back to the queue.
    public let requeueOnError: Bool
    /// The prefetch window of this consumer; the container's (`max_workers`) when `nil`.
    public let prefetchCount: Int?
    let wantsText: Bool
    let replies: Bool
    private let membership = EndpointMembership()

    /// A consumer of `queue`.
    ///
    /// - Parameters:
    ///   - queue: The queue, with its exchange, binding and flags, declared on every (re)connection.
    ///   - requeueOnError: Reject a message whose worker failed back to the queue instead of acknowledging it.
    ///   - prefetchCount: How many unacknowledged messages this consumer may hold.
    ///   - wantsText: Whether the method takes the raw body as a string.
    ///   - replies: Whether the method's result answers messages with `reply_to`.
    public init(
        queue: QueueSpec,
        requeueOnError: Bool = false,
        prefetchCount: Int? = nil,
        wantsText: Bool = false,
        replies: Bool = false
    ) {
        self.queue = queue
        self.requeueOnError = requeueOnError
        self.prefetchCount = prefetchCount
        self.wantsText = wantsText
        self.replies = replies
    }

    /// The payload from Python-style arguments: the first positional argument, or the only keyword argument.
    public func input(args: [JSONValue], kwargs: JSONObject) throws -> JSONValue {
        try MessageBody.payload(args: args, kwargs: kwargs)
    }

    /// A consumer, with its queue, the exchange and routing key it binds to, and whether it replies.
    public func describe(method: String) -> EntrypointDescription? {
        var details: JSONObject = ["queue": .string(self.queue.name), "replies": .bool(self.replies)]
        if let exchange = self.queue.exchange, !exchange.name.isEmpty {
            details["exchange"] = .string(exchange.name)
            details["routing_key"] = .string(self.queue.routingKey ?? self.queue.name)
        }
        return EntrypointDescription(kind: "consume", method: method, details: details)
    }

    public func setup(_ context: EntrypointContext<ConsumeEntrypoint>) async throws {
        let endpoint = try self.membership.join(context.container)
        let handler = MessageHandler(
            kind: "consumer",
            queueName: self.queue.name,
            requeueOnError: self.requeueOnError,
            wantsText: self.wantsText,
            replies: self.replies,
            context: context,
            replier: endpoint.replier(queueName: self.queue.name, exchange: ""),
            metrics: DeliveryMetrics(context.container.metrics, entrypoint: context.methodName)
        )
        let queue = self.queue
        let prefetch = self.prefetchCount
        let containerPrefetch = context.container.config.prefetchCount
        endpoint.registerConsumer(queue: queue.name) { channel, onEnd in
            try await queue.declare(on: channel)
            if let prefetch {
                // basic.qos applies to the consumers started after it: set this consumer's window, then put the
                // container's back for the others.
                try await channel.qos(prefetchCount: UInt16(clamping: prefetch))
            }
            let tag = try await channel.consume(queue: queue.name, onEnd: onEnd, onDelivery: { handler.handle($0) })
            if prefetch != nil {
                try await channel.qos(prefetchCount: UInt16(clamping: containerPrefetch))
            }
            return tag
        }
    }

    public func start(_ context: EntrypointContext<ConsumeEntrypoint>) async throws {
        try await self.membership.start()
    }

    public func stop() async { await self.membership.stop() }

    public func kill() async { await self.membership.stop() }
}

extension ServiceDeclaration {
    /// Declares a method that consumes `queue`; it returns nothing, so it never replies.
    ///
    /// ```swift
    /// service.consume("on_order", queue: QueueSpec("orders", exchange: ExchangeSpec("shop"))) { service, order: Order in
    ///     try await service.onOrder(order)
    /// }
    /// ```
    public mutating func consume<Payload: Decodable & Sendable>(
        _ name: String,
        queue: QueueSpec,
        requeueOnError: Bool = false,
        prefetchCount: Int? = nil,
        perform: @escaping @Sendable (Service, Payload) async throws -> Void
    ) {
        let entrypoint = ConsumeEntrypoint(
            queue: queue,
            requeueOnError: requeueOnError,
            prefetchCount: prefetchCount,
            wantsText: Payload.self == String.self
        )
        self.entrypoint(entrypoint, method: name) { service, payload in
            try await perform(service, try MessageBody.argument(payload, of: name, as: Payload.self))
            return JSONValue.null
        }
    }

    /// Declares a method that consumes `queue` and answers messages that carry `reply_to` with its result
    /// (RabbitMQ's RPC pattern).
    ///
    /// ```swift
    /// service.consume("on_request", queue: QueueSpec("rpc_queue", durable: false), prefetchCount: 1) {
    ///     service, body: String in
    ///     "Got a message from the client: \(body)"
    /// }
    /// ```
    public mutating func consume<Payload: Decodable & Sendable, Reply: Encodable & Sendable>(
        _ name: String,
        queue: QueueSpec,
        requeueOnError: Bool = false,
        prefetchCount: Int? = nil,
        perform: @escaping @Sendable (Service, Payload) async throws -> Reply
    ) {
        let entrypoint = ConsumeEntrypoint(
            queue: queue,
            requeueOnError: requeueOnError,
            prefetchCount: prefetchCount,
            wantsText: Payload.self == String.self,
            replies: true
        )
        self.entrypoint(entrypoint, method: name) { service, payload in
            try RPCResult.encode(
                try await perform(service, try MessageBody.argument(payload, of: name, as: Payload.self))
            )
        }
    }
}
