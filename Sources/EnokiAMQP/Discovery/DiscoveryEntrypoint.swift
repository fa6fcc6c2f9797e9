//===----------------------------------------------------------------------===//
// This source file is part of Enoki. Licensed under Apache License v2.0.
//===----------------------------------------------------------------------===//

import EnokiAMQPClient
public import EnokiCore

/// The discovery call every Enoki service answers: what it offers, as a `ServiceDescription`.
///
/// Two ways in, both answered by a worker of the container that runs none of the service's code:
/// - **RPC**: `{service}.__enoki_describe__` on the RPC queue, as any method (`enoki describe SERVICE`,
///   `n.rpc.compute.__enoki_describe__()` from Python). A service with no RPC method of its own consumes its RPC
///   queue for this call alone, and answers any other method with `MethodNotFound`.
/// - **Broadcast**: a message on the fanout exchange `enoki.discovery` (``DiscoveryEntrypoint/exchange``) reaches
///   every running instance of every Enoki service, through an exclusive queue each instance declares; each
///   answers to the message's `reply_to` on the RPC exchange, as an RPC reply (`enoki services`).
///
/// The `@Service` macro declares it for every service; a declaration written by hand adds it with
/// ``EnokiCore/ServiceDeclaration/discovery()``.
public final class DiscoveryEntrypoint: Entrypoint {
    /// The call takes nothing.
    public typealias Input = Void
    /// It gives back the description.
    public typealias Output = JSONValue

    /// The fanout exchange that reaches every instance.
    public static let exchange = ExchangeSpec("enoki.discovery", type: .fanout, durable: true)

    private let membership = EndpointMembership()
    private let identifier = EventHandlerQueue.randomIdentifier()

    /// The entrypoint.
    public init() {}

    public func input(args: [JSONValue], kwargs: JSONObject) throws {}

    /// Left out of the description: it is the framework's, not the service's.
    public func describe(method: String) -> EntrypointDescription? { nil }

    /// The exclusive queue of one instance, bound to ``exchange``.
    public static func broadcastQueue(service: String, identifier: String) -> QueueSpec {
        QueueSpec(
            "enoki.discovery-\(service)-\(identifier)",
            exchange: Self.exchange,
            routingKey: "",
            durable: false,
            exclusive: true,
            autoDelete: true
        )
    }

    public func setup(_ context: EntrypointContext<DiscoveryEntrypoint>) async throws {
        let endpoint = try self.membership.join(context.container)
        let discovery = RPCServer.Discovery(context: context, description: context.container.description.json)
        endpoint.registerDiscovery(discovery)
        let queue = Self.broadcastQueue(service: context.container.serviceName, identifier: self.identifier)
        let replier = endpoint.replier(queueName: queue.name)
        endpoint.registerConsumer(queue: queue.name) { channel, onEnd in
            try await queue.declare(on: channel)
            return try await channel.consume(
                queue: queue.name,
                onEnd: onEnd,
                onDelivery: { delivery in
                    guard let replyTo = delivery.properties.replyTo else {
                        try? delivery.reject(requeue: false)
                        return
                    }
                    RPCServer.answer(
                        delivery,
                        replyTo: replyTo,
                        methodName: ServiceDescription.discoveryMethod,
                        on: context,
                        replier
                    ) { _ in .success(discovery.description) }
                }
            )
        }
    }

    public func start(_ context: EntrypointContext<DiscoveryEntrypoint>) async throws {
        try await self.membership.start()
    }

    public func stop() async { await self.membership.stop() }

    public func kill() async { await self.membership.stop() }
}

extension ServiceDeclaration {
    /// Declares the discovery call (``DiscoveryEntrypoint``); the `@Service` macro does so for every service.
    public mutating func discovery() {
        self.entrypoint(DiscoveryEntrypoint(), method: ServiceDescription.discoveryMethod) { _, _ in
            // Never run: the call is answered from the description, without a service instance.
            .null
        }
    }
}
