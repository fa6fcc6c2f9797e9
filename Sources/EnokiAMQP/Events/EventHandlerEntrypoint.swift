//===----------------------------------------------------------------------===//
// This source file is part of Enoki. Licensed under Apache License v2.0.
//===----------------------------------------------------------------------===//

import EnokiAMQPClient
public import EnokiCore
import Synchronization

/// Runs a method for each event of a type dispatched by a service (Nameko's `@event_handler`, nameko-wire §6.3).
///
/// The handler declares the source service's events exchange (so that it may start before any dispatcher) and
/// its queue, named and flagged as Nameko's (``EventHandlerQueue``), bound with the event type. Each event runs
/// the method in a worker with the event's payload; the context data and call-id stack continue from the
/// dispatcher's headers. The event is acknowledged after the worker, even when it failed, unless
/// `requeueOnError`, in which case a failed event goes back to the queue. A payload that cannot be read is
/// logged with the queue and the reason, and dropped.
public final class EventHandlerEntrypoint: Entrypoint {
    /// A worker takes the message's payload.
    public typealias Input = JSONValue
    /// A worker gives back its result as JSON (`null` when it returns nothing).
    public typealias Output = JSONValue

    /// The service whose events are handled.
    public let sourceService: String
    /// The event type.
    public let eventType: String
    /// How events reach the instances.
    public let handlerType: EventHandlerType
    /// Whether the queue outlives its consumers, so that events wait while the handler is down.
    public let reliableDelivery: Bool
    /// Whether an event whose worker failed goes back to the queue.
    public let requeueOnError: Bool
    let wantsText: Bool
    private let state = Mutex<(endpoint: ServiceEndpoint?, queue: QueueSpec?)>((nil, nil))

    /// A handler.
    ///
    /// - Parameters:
    ///   - sourceService: The service whose events are handled.
    ///   - eventType: The event type.
    ///   - handlerType: How events reach the instances; service pool by default.
    ///   - reliableDelivery: Whether the queue outlives its consumers (Nameko's default, `true`).
    ///   - requeueOnError: Whether an event whose worker failed goes back to the queue.
    ///   - wantsText: Whether the method takes the payload as raw text.
    public init(
        sourceService: String,
        eventType: String,
        handlerType: EventHandlerType = .servicePool,
        reliableDelivery: Bool = true,
        requeueOnError: Bool = false,
        wantsText: Bool = false
    ) {
        self.sourceService = sourceService
        self.eventType = eventType
        self.handlerType = handlerType
        self.reliableDelivery = reliableDelivery
        self.requeueOnError = requeueOnError
        self.wantsText = wantsText
    }

    /// The handler's queue, once set up.
    public var queue: QueueSpec? { self.state.withLock { $0.queue } }

    /// The payload from Python-style arguments: the first positional argument, or the only keyword argument.
    public func input(args: [JSONValue], kwargs: JSONObject) throws -> JSONValue {
        try MessageBody.payload(args: args, kwargs: kwargs)
    }

    /// An event handler, with its source service, event type, handler type and delivery settings.
    public func describe(method: String) -> EntrypointDescription? {
        var details: JSONObject = [
            "source_service": .string(self.sourceService),
            "event_type": .string(self.eventType),
            "handler_type": .string(self.handlerType.description),
            "reliable_delivery": .bool(self.reliableDelivery),
            "requeue_on_error": .bool(self.requeueOnError),
        ]
        if case .broadcast(let identifier?) = self.handlerType.kind {
            details["broadcast_identifier"] = .string(identifier)
        }
        return EntrypointDescription(kind: "event_handler", method: method, details: details)
    }

    public func setup(_ context: EntrypointContext<EventHandlerEntrypoint>) async throws {
        let queue = try EventHandlerQueue.queue(
            source: self.sourceService,
            eventType: self.eventType,
            service: context.container.serviceName,
            method: context.methodName,
            handlerType: self.handlerType,
            reliableDelivery: self.reliableDelivery,
            broadcastIdentifier: EventHandlerQueue.randomIdentifier(),
            config: context.container.config
        )
        let endpoint = try ServiceEndpoint.of(context.container)
        let handler = MessageHandler(
            kind: "event handler",
            queueName: queue.name,
            requeueOnError: self.requeueOnError,
            wantsText: self.wantsText,
            replies: false,
            context: context,
            replier: endpoint.replier(queueName: queue.name, exchange: ""),
            metrics: DeliveryMetrics(context.container.metrics, entrypoint: context.methodName)
        )
        endpoint.registerConsumer(queue: queue.name) { channel, onEnd in
            try await queue.declare(on: channel)
            return try await channel.consume(queue: queue.name, onEnd: onEnd, onDelivery: { handler.handle($0) })
        }
        self.state.withLock { $0 = (endpoint, queue) }
    }

    public func start(_ context: EntrypointContext<EventHandlerEntrypoint>) async throws {
        try await self.state.withLock { $0.endpoint }?.start()
    }

    public func stop() async {
        await self.state.withLock { $0.endpoint }?.stopEntrypoints()
    }

    public func kill() async {
        await self.stop()
    }
}

extension ServiceDeclaration {
    /// Declares a method that handles events of `eventType` dispatched by `sourceService`.
    ///
    /// ```swift
    /// service.eventHandler("handle_event", source: "service_a", eventType: "event_type") { service, payload: JSONValue in
    ///     service.handleEvent(payload)
    /// }
    /// ```
    ///
    /// The payload decodes into the closure's `Payload` type; a payload of another shape fails the worker with a
    /// message saying what was expected (and the event is dropped, or requeued with `requeueOnError`).
    public mutating func eventHandler<Payload: Decodable & Sendable>(
        _ name: String,
        source sourceService: String,
        eventType: String,
        handlerType: EventHandlerType = .servicePool,
        reliableDelivery: Bool = true,
        requeueOnError: Bool = false,
        perform: @escaping @Sendable (Service, Payload) async throws -> Void
    ) {
        let entrypoint = EventHandlerEntrypoint(
            sourceService: sourceService,
            eventType: eventType,
            handlerType: handlerType,
            reliableDelivery: reliableDelivery,
            requeueOnError: requeueOnError,
            wantsText: Payload.self == String.self
        )
        self.entrypoint(entrypoint, method: name) { service, payload in
            try await perform(service, try MessageBody.argument(payload, of: name, as: Payload.self))
            return JSONValue.null
        }
    }
}
