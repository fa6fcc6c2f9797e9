//===----------------------------------------------------------------------===//
// This source file is part of Enoki. Licensed under Apache License v2.0.
//===----------------------------------------------------------------------===//

import EnokiAMQPClient
import EnokiCore
import Synchronization

/// The broker side of one container: its consumer channel, the RPC queue it serves, its reply queue, and the
/// other queues its entrypoints consume. Nameko's container-wide `RpcConsumer`, `ReplyListener` and
/// `QueueConsumer`.
///
/// Entrypoints and dependencies register with it while the container sets up; when the first of them starts, it
/// opens its channel, sets the prefetch window and declares and consumes everything registered, and it does so
/// again on every reconnection. It is made of parts that each hold one idea: the first start that everyone waits
/// for (``EnokiCore/SharedOperation``), the replies awaiting their confirms (``ReplyTracker``), and what happens
/// when the broker cancels a consumer or closes the channel (``ChannelRecovery``).
final class ServiceEndpoint: Sendable {
    /// Something to declare and consume on the container's channel; it passes `onEnd` to `consume`, so that the
    /// endpoint hears when the broker cancels the consumer.
    typealias Consumer =
        @Sendable (_ channel: AMQPChannel, _ onEnd: @escaping @Sendable (AMQPError?) -> Void) async throws
        -> ConsumerTag?

    private struct State {
        var rpcMethods: [String: RPCServer.Method] = [:]
        var discovery: RPCServer.Discovery?
        var consumers: [(queue: String, stopsWithEntrypoints: Bool, consume: Consumer)] = []
        var replyListener: ReplyListener?
        var channel: AMQPChannel?
        /// The channel once everything is declared and consumed on it.
        var readyChannel: AMQPChannel?
        var entrypointTags: [ConsumerTag] = []
        var stopped = false
        /// The queues whose consumers the broker cancelled, until they are consumed again.
        var cancelled: Set<String> = []
    }

    let serviceName: String
    let transport: AMQPTransport
    let context: ContainerContext
    private let state = Mutex(State())
    /// The first start, which every entrypoint and proxy of the container waits for.
    private let started = SharedOperation<Void>()
    /// The replies the container's workers handed over, which a graceful stop waits for.
    let replies = ReplyTracker()
    /// What happens when the broker closes the channel or cancels a consumer while the connection lives on.
    private let recovery: ChannelRecovery

    init(context: ContainerContext, transport: AMQPTransport) {
        self.serviceName = context.serviceName
        self.context = context
        self.transport = transport
        self.recovery = ChannelRecovery(
            transport: transport,
            logger: context.logger,
            what: "the consumers of \(context.serviceName)"
        )
    }

    /// The endpoint of a container, made on first use.
    static func of(_ context: ContainerContext) throws -> ServiceEndpoint {
        let transport = try AMQPTransport.shared(context)
        let health = RunnerHealth.of(context.shared)
        let (endpoint, made) = context.shared.get(ServiceEndpoints.self) { ServiceEndpoints() }.endpoint(
            for: context,
            transport: transport
        )
        if made {
            let name = context.serviceName
            health.register(name) { [weak endpoint] in
                endpoint?.health ?? RunnerHealth.Status(ready: false, detail: "\(name) is not running")
            }
        }
        return endpoint
    }

    /// Whether the container's consumers run: its channel is open and every queue registered is consumed on it.
    var health: RunnerHealth.Status {
        self.state.withLock { state in
            if state.stopped {
                return RunnerHealth.Status(ready: false, detail: "stopping: its consumers are cancelled")
            }
            guard let channel = state.readyChannel, channel.isOpen else {
                return RunnerHealth.Status(
                    ready: false,
                    detail: "not consuming: waiting for a channel to the broker and its queues"
                )
            }
            if !state.cancelled.isEmpty {
                return RunnerHealth.Status(
                    ready: false,
                    detail: "the broker cancelled the consumer of \(state.cancelled.sorted().joined(separator: ", ")); "
                        + "consuming it again"
                )
            }
            return RunnerHealth.Status(ready: true, detail: "consuming")
        }
    }

    // MARK: Registration (during setup)

    func registerRPC(_ method: RPCServer.Method) {
        self.state.withLock { $0.rpcMethods[method.signature.methodName] = method }
    }

    /// Registers the discovery call: the RPC queue is consumed even when the service has no RPC method of its own.
    func registerDiscovery(_ discovery: RPCServer.Discovery) {
        self.state.withLock { $0.discovery = discovery }
    }

    /// Registers a queue to declare and consume.
    ///
    /// - Parameters:
    ///   - queue: The queue's name, for the log.
    ///   - stopsWithEntrypoints: Whether a graceful stop cancels the consumer with the entrypoints'.
    func registerConsumer(queue: String, stopsWithEntrypoints: Bool = true, _ consume: @escaping Consumer) {
        self.state.withLock { $0.consumers.append((queue, stopsWithEntrypoints, consume)) }
    }

    /// The container's reply listener, made on first use.
    func replyListener() -> ReplyListener {
        self.state.withLock { state in
            if let listener = state.replyListener { return listener }
            let listener = ReplyListener(callerName: self.serviceName, logger: self.context.logger)
            state.replyListener = listener
            return listener
        }
    }

    // MARK: Running

    /// Opens the channel and starts every consumer; later calls wait for the first to finish (each wait can be
    /// cancelled on its own).
    func start() async throws {
        try await self.started.value { [weak self] in
            guard let self else { return }
            try await self.transport.register("the consumers of \(self.serviceName)") { [weak self] connection in
                try await self?.connected(connection)
            }
        }
    }

    /// Whether the channel is open and the consumers run (``waitUntilReady()`` would not wait).
    var isReady: Bool { self.started.currentValue != nil }

    /// Waits until the channel is open and the consumers run; a cancelled task stops waiting at once.
    func waitUntilReady() async throws {
        try await self.start()
    }

    private func connected(_ connection: AMQPConnection) async throws {
        let (methods, discovery, consumers, listener, stopped, previous) = self.state.withLock {
            ($0.rpcMethods, $0.discovery, $0.consumers, $0.replyListener, $0.stopped, $0.channel)
        }
        if let previous, previous.isOpen {
            // A channel left from an attempt that failed half-way: its consumers would run twice beside the new
            // channel's.
            try? await previous.close()
        }
        let channel = try await connection.openChannel()
        self.state.withLock { state in
            state.channel = channel
            state.readyChannel = nil
            state.entrypointTags = []
            state.cancelled = []
        }
        self.recovery.watch(
            channel,
            on: connection,
            while: { [weak self] in
                self?.state.withLock { $0.readyChannel === channel } ?? false
            },
            reopen: { [weak self] in
                try await self?.connected(connection)
            }
        )
        try await channel.qos(prefetchCount: UInt16(clamping: self.context.config.prefetchCount))
        if let listener {
            let exchange = self.context.config.rpcExchange
            try await self.consume(listener.queueName, on: channel, stopsWithEntrypoints: false) { channel, onEnd in
                try await listener.consume(on: channel, exchange: exchange, onEnd: onEnd)
                return nil
            }
        }
        if !stopped {
            if !methods.isEmpty || discovery != nil {
                let server = RPCServer(
                    serviceName: self.serviceName,
                    methods: methods,
                    discovery: discovery,
                    channel: channel,
                    replier: self.replier(queueName: RPCServer.queueName(service: self.serviceName)),
                    config: self.context.config
                )
                try await self.consume(server.queueName, on: channel, stopsWithEntrypoints: true) { _, onEnd in
                    try await server.consume(onEnd: onEnd)
                }
            }
            for consumer in consumers {
                try await self.consume(
                    consumer.queue,
                    on: channel,
                    stopsWithEntrypoints: consumer.stopsWithEntrypoints,
                    consumer.consume
                )
            }
        }
        self.state.withLock { state in
            if state.channel === channel {
                state.readyChannel = channel
            }
        }
    }

    /// Declares and consumes a queue on the container's channel, and does so again when the broker cancels the
    /// consumer while the channel lives on (the queue was deleted).
    private func consume(
        _ queue: String,
        on channel: AMQPChannel,
        stopsWithEntrypoints: Bool,
        _ consumer: @escaping Consumer
    ) async throws {
        let tag = try await consumer(channel) { [weak self] error in
            guard let self, let error, error.code == .consumerCancelledByBroker else { return }
            let current = self.state.withLock { state in
                let current = state.channel === channel && !(stopsWithEntrypoints && state.stopped)
                if current { state.cancelled.insert(queue) }
                return current
            }
            guard current, channel.isOpen else { return }
            self.recovery.consumerCancelled(queue: queue, while: { channel.isOpen }) {
                try await self.consume(queue, on: channel, stopsWithEntrypoints: stopsWithEntrypoints, consumer)
            }
        }
        self.state.withLock { state in
            guard state.channel === channel else { return }
            state.cancelled.remove(queue)
            if let tag, stopsWithEntrypoints {
                state.entrypointTags.append(tag)
            }
        }
    }

    /// What answers requests taken from `queueName` on this container's behalf: replies go to the RPC exchange,
    /// and a graceful stop waits for their confirms.
    func replier(queueName: String, exchange: String? = nil) -> RPCReply.Replier {
        RPCReply.Replier(
            transport: self.transport,
            tracker: self.replies,
            logger: self.context.logger,
            queueName: queueName,
            exchange: exchange ?? self.context.config.rpcExchange
        )
    }

    /// Cancels the consumers of the container's entrypoints (the RPC queue, event and message queues); the
    /// reply queue keeps being consumed, so that running workers get the replies of their calls.
    func stopEntrypoints() async {
        let (channel, tags) = self.state.withLock { state -> (AMQPChannel?, [ConsumerTag]) in
            state.stopped = true
            defer { state.entrypointTags = [] }
            return (state.channel, state.entrypointTags)
        }
        guard let channel else { return }
        for tag in tags {
            try? await channel.cancel(consumerTag: tag)
        }
    }
}

/// The endpoints of a runner's containers, by service name.
final class ServiceEndpoints: SharedExtension {
    private let endpoints = Mutex<[String: ServiceEndpoint]>([:])

    /// The endpoint of a container, and whether it was made now.
    func endpoint(for context: ContainerContext, transport: AMQPTransport) -> (ServiceEndpoint, Bool) {
        self.endpoints.withLock { endpoints in
            if let endpoint = endpoints[context.serviceName] { return (endpoint, false) }
            let endpoint = ServiceEndpoint(context: context, transport: transport)
            endpoints[context.serviceName] = endpoint
            return (endpoint, true)
        }
    }

    /// Waits for the replies the endpoints' workers handed over (the containers have stopped), before the
    /// transport, made earlier and so stopped later, closes the connections.
    func stop() async {
        let endpoints = self.endpoints.withLock { endpoints in
            defer { endpoints = [:] }
            return Array(endpoints.values)
        }
        for endpoint in endpoints {
            await endpoint.replies.waitUntilIdle()
        }
    }

    func kill() async {
        self.endpoints.withLock { $0 = [:] }
    }
}
