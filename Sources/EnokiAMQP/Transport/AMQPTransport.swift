//===----------------------------------------------------------------------===//
// This source file is part of Enoki. Licensed under Apache License v2.0.
//===----------------------------------------------------------------------===//

public import EnokiAMQPClient
public import EnokiCore
public import Logging
import NIOCore
import NIOPosix
import Synchronization

/// The broker connections of a runner: one for consuming and one for publishing (so that the broker's flow
/// control on publishers never stalls consumers), shared by every container.
///
/// Both connections reconnect with backoff. On every (re)connection of the consumer connection, the registered
/// setups run again: each container declares its topology and restarts its consumers. Publishing waits for a
/// live connection and retries once after a reconnection.
public final class AMQPTransport: SharedExtension {
    /// Something to do on each new consumer connection.
    public typealias ConnectionSetup = @Sendable (AMQPConnection) async throws -> Void

    private struct State {
        var setups: [UInt64: ConnectionSetup] = [:]
        var nextID: UInt64 = 0
        var publisherChannel: AMQPChannel?
        /// What was declared on the current publisher channel (`x:` exchanges, `q:` queues).
        var declaredOnPublisherChannel: Set<String> = []
        var announced: Set<String> = []
    }

    /// The configuration.
    public let config: EnokiConfig
    let logger: Logger
    let consumer: AMQPClient
    let publisher: AMQPClient
    /// The connection failures that end a wait for a connection.
    private let failures: Set<AMQPError.Code>
    private let state = Mutex(State())
    private let running = Mutex(Running())

    /// The tasks that run the connections.
    private struct Running {
        var tasks: [Task<Void, Never>] = []
        var publisher = false
        var consumer = false
    }
    /// Opening the publisher channel happens once at a time.
    private let publisherChannelLock = AsyncLimiter(limit: 1)

    /// Makes the transport for a configuration; it connects once ``start()`` runs.
    ///
    /// - Parameters:
    ///   - name: What the broker shows as the connections' `connection_name`, followed by `consumer` or
    ///     `publisher`: `enoki` for a runner's services, `enoki client` for a client.
    ///   - reportsRefusals: Whether what waits for a connection fails at once when the broker refuses the user or
    ///     the virtual host, which no retry mends (a client, so that its caller hears of it), rather than waiting
    ///     for an operator to mend it (a runner's services, which keep retrying and logging).
    public init(config: EnokiConfig, logger: Logger, name: String = "enoki", reportsRefusals: Bool = false) throws {
        self.config = config
        self.logger = logger
        self.failures = reportsRefusals ? [.authenticationFailed, .virtualHostRefused] : []
        let holder = SetupHolder()
        let consumerConfiguration = try config.amqpConfiguration(connectionName: "\(name) consumer")
        let publisherConfiguration = try config.amqpConfiguration(connectionName: "\(name) publisher")
        // Both connections live on one event loop: a reply confirmed on the publisher connection then acknowledges
        // its request on the consumer connection without waking another thread.
        let eventLoop = MultiThreadedEventLoopGroup.singleton.next()
        self.consumer = AMQPClient(configuration: consumerConfiguration, eventLoopGroup: eventLoop, logger: logger) {
            connection in
            try await holder.transport?.consumerConnected(connection)
        }
        self.publisher = AMQPClient(configuration: publisherConfiguration, eventLoopGroup: eventLoop, logger: logger)
        holder.transport = self
    }

    private final class SetupHolder: @unchecked Sendable {
        // @unchecked: set once in the initialiser, before the client can connect.
        weak var transport: AMQPTransport?
    }

    /// The transport shared by the extensions of a runner.
    public static func shared(_ context: ContainerContext) throws -> AMQPTransport {
        try context.shared.get(AMQPTransport.self) {
            let transport = try AMQPTransport(config: context.config, logger: context.logger.withoutService())
            transport.start()
            return transport
        }
    }

    /// Starts connecting.
    ///
    /// The connections run in tasks of their own, detached from the caller's graceful-shutdown scope: when a
    /// runner stops gracefully, its workers still need the connections to send their replies. ``stop()`` ends
    /// them once the containers have stopped.
    ///
    /// Starting again starts only what is not running yet.
    ///
    /// - Parameter consumer: Whether to open the consumer connection too; a client that only publishes (an event
    ///   dispatcher) leaves it closed.
    public func start(consumer: Bool = true) {
        let consumerClient = self.consumer
        let publisher = self.publisher
        self.running.withLock { running in
            if !running.publisher {
                running.publisher = true
                running.tasks.append(Task.detached { _ = try? await publisher.run() })
            }
            if consumer && !running.consumer {
                running.consumer = true
                running.tasks.append(Task.detached { _ = try? await consumerClient.run() })
            }
        }
    }

    /// Closes both connections.
    public func stop() async {
        let tasks = self.running.withLock { running in
            defer { running.tasks = [] }
            return running.tasks
        }
        for task in tasks {
            task.cancel()
        }
        for task in tasks {
            await task.value
        }
    }

    /// Registers something to do on the consumer connection now (waiting for one) and after every reconnection.
    ///
    /// - Returns: A token for ``unregister(_:)``.
    /// - Throws: What the first run threw, or why no connection came; the setup is then not registered.
    @discardableResult
    public func register(_ setup: @escaping ConnectionSetup) async throws -> UInt64 {
        let id = self.state.withLock { state -> UInt64 in
            state.nextID += 1
            state.setups[state.nextID] = setup
            return state.nextID
        }
        do {
            let connection = try await self.consumer.connection(failingOn: self.failures)
            try await setup(connection)
        } catch {
            self.unregister(id)
            throw error
        }
        return id
    }

    /// Stops running a setup on reconnections.
    public func unregister(_ id: UInt64) {
        _ = self.state.withLock { $0.setups.removeValue(forKey: id) }
    }

    private func consumerConnected(_ connection: AMQPConnection) async throws {
        self.announce(connection.redactedURL)
        let setups = self.state.withLock { state in state.setups.sorted { $0.key < $1.key }.map(\.value) }
        for setup in setups {
            try await setup(connection)
        }
    }

    /// Logs `Connected to amqp://guest:**@127.0.0.1:5672//` once per address, as Nameko does.
    private func announce(_ url: String) {
        let first = self.state.withLock { $0.announced.insert(url).inserted }
        if first {
            self.logger.info("Connected to \(url)")
        } else {
            self.logger.info("Reconnected to \(url)")
        }
    }

    /// The open consumer connection, waiting while the transport connects.
    public func consumerConnection() async throws -> AMQPConnection {
        try await self.consumer.connection(failingOn: self.failures)
    }

    /// The publisher channel (in confirm mode), opened on demand and again after the connection drops.
    public func publisherChannel() async throws -> AMQPChannel {
        if let channel = self.state.withLock({ $0.publisherChannel }), channel.isOpen {
            return channel
        }
        return try await self.publisherChannelLock.run {
            if let channel = self.state.withLock({ $0.publisherChannel }), channel.isOpen {
                return channel
            }
            let connection = try await self.publisher.connection(failingOn: self.failures)
            let channel = try await connection.openChannel()
            try await channel.enablePublisherConfirms()
            self.state.withLock {
                $0.publisherChannel = channel
                $0.declaredOnPublisherChannel = []
            }
            return channel
        }
    }

    /// How many times a publish is tried again after its channel or connection went before the broker confirmed
    /// it: three times when the connection was lost (as Nameko's publishers retry), once after any other failure
    /// (a channel the broker closed, say, where a new channel declares the exchanges again), never for a message
    /// that cannot be encoded or after the transport stopped.
    static func shouldRetry(_ error: AMQPError, after attempt: Int) -> Bool {
        switch error.code {
        case .invalidArgument, .clientStopped, .connectionClosed:
            return false
        case .connectionClosedByBroker, .connectionLost, .heartbeatTimeout:
            return attempt < 3
        default:
            return attempt < 1
        }
    }

    /// Publishes with publisher confirms; if the channel or connection fails on the way, publishes again on a new
    /// one (``shouldRetry(_:after:)``).
    ///
    /// It returns once the message is on its way: a confirm that fails later is the caller's to handle. To wait
    /// for the confirm with the same retries, use
    /// ``publishConfirmed(_:exchange:routingKey:mandatory:properties:declaring:queues:attempt:)``.
    ///
    /// - Returns: The broker's eventual answer.
    ///
    /// - Parameters:
    ///   - declaring: Exchanges to declare first, once per publisher channel (Nameko declares again before the
    ///     first publish on each channel, so that a publish after a broker restart finds them).
    ///   - queues: Queues to declare first, once per publisher channel.
    ///   - attempt: How many attempts went before this one.
    func publish(
        _ body: ByteBuffer,
        exchange: String,
        routingKey: String,
        mandatory: Bool,
        properties: BasicProperties,
        declaring exchanges: [ExchangeSpec] = [],
        queues: [QueueSpec] = [],
        attempt: Int = 0
    ) async throws -> PublishConfirmation {
        try await self.onPublisherChannel(attempt: attempt) { channel in
            try await self.send(
                body,
                exchange: exchange,
                routingKey: routingKey,
                mandatory: mandatory,
                properties: properties,
                declaring: exchanges,
                queues: queues,
                on: channel
            )
        }
    }

    /// Publishes with publisher confirms and waits for the broker's answer. When the channel or connection goes
    /// before the broker has answered, the message may or may not have reached it: it is published again on a new
    /// channel (``shouldRetry(_:after:)``), so that it arrives at least once.
    ///
    /// - Throws: ``EnokiAMQPClient/AMQPError`` when every attempt failed.
    func publishConfirmed(
        _ body: ByteBuffer,
        exchange: String,
        routingKey: String,
        mandatory: Bool,
        properties: BasicProperties,
        declaring exchanges: [ExchangeSpec] = [],
        queues: [QueueSpec] = [],
        attempt: Int = 0
    ) async throws -> PublishOutcome {
        try await self.onPublisherChannel(attempt: attempt) { channel in
            try await self.send(
                body,
                exchange: exchange,
                routingKey: routingKey,
                mandatory: mandatory,
                properties: properties,
                declaring: exchanges,
                queues: queues,
                on: channel
            ).outcome()
        }
    }

    /// Declares on `channel` what is not declared there yet, and publishes the message there.
    private func send(
        _ body: ByteBuffer,
        exchange: String,
        routingKey: String,
        mandatory: Bool,
        properties: BasicProperties,
        declaring exchanges: [ExchangeSpec],
        queues: [QueueSpec],
        on channel: AMQPChannel
    ) async throws -> PublishConfirmation {
        if !exchanges.isEmpty || !queues.isEmpty {
            try await self.declare(exchanges: exchanges, queues: queues, on: channel)
        }
        return try await channel.publish(
            body,
            exchange: exchange,
            routingKey: routingKey,
            mandatory: mandatory,
            properties: properties
        )
    }

    /// Publishes with publisher confirms without waiting for anything: `whenConfirmed` gets the broker's answer,
    /// on the event loop when it comes at the first attempt. When the channel or connection fails before the
    /// broker has answered, the message is published again on a new one, as
    /// ``publishConfirmed(_:exchange:routingKey:mandatory:properties:declaring:queues:attempt:)`` does, and
    /// `whenConfirmed` gets the last attempt's answer.
    ///
    /// It does not slow down when the socket is backed up; it is for what something else bounds, such as the
    /// replies to a consumer's prefetch window. A worker that replies this way hands its reply over without
    /// waiting for the broker, so the confirm and the acknowledgement that follows it never wake a thread.
    func publish(
        _ body: ByteBuffer,
        exchange: String,
        routingKey: String,
        properties: BasicProperties,
        whenConfirmed: @escaping @Sendable (Result<PublishOutcome, AMQPError>) -> Void
    ) async throws {
        try await self.onPublisherChannel { channel in
            try channel.publishWithoutWaiting(
                body,
                exchange: exchange,
                routingKey: routingKey,
                properties: properties
            ).whenConfirmed { result in
                guard case .failure(let error) = result, Self.shouldRetry(error, after: 0) else {
                    whenConfirmed(result)
                    return
                }
                self.logger.debug("publish unconfirmed; publishing again", metadata: ["error": "\(error)"])
                Task {
                    do {
                        let outcome = try await self.publishConfirmed(
                            body,
                            exchange: exchange,
                            routingKey: routingKey,
                            mandatory: false,
                            properties: properties,
                            attempt: 1
                        )
                        whenConfirmed(.success(outcome))
                    } catch {
                        whenConfirmed(.failure(Self.amqpError(error)))
                    }
                }
            }
        }
    }

    /// `error` as the client's error type.
    static func amqpError(_ error: any Error) -> AMQPError {
        error as? AMQPError ?? AMQPError(.clientStopped, "\(error)", underlying: error)
    }

    /// Runs `body` on the publisher channel; if the channel or connection fails on the way, again on a new one
    /// (``shouldRetry(_:after:)``).
    ///
    /// - Parameter attempt: How many attempts went before this one.
    private func onPublisherChannel<Result>(
        attempt first: Int = 0,
        _ body: (AMQPChannel) async throws -> Result
    ) async throws -> Result {
        var attempt = first
        while true {
            do {
                return try await body(try await self.publisherChannel())
            } catch let error as AMQPError where Self.shouldRetry(error, after: attempt) {
                attempt += 1
                self.logger.debug("publish failed; retrying on a new channel", metadata: ["error": "\(error)"])
            }
        }
    }

    /// Declares exchanges and queues on the publisher channel, unless they were declared on it already.
    func declare(exchanges: [ExchangeSpec], queues: [QueueSpec], on channel: AMQPChannel) async throws {
        let done = self.state.withLock { state in
            state.publisherChannel === channel ? state.declaredOnPublisherChannel : []
        }
        var declared: [String] = []
        for exchange in exchanges where !exchange.name.isEmpty && !done.contains("x:" + exchange.name) {
            try await exchange.declare(on: channel)
            declared.append("x:" + exchange.name)
        }
        for queue in queues where !done.contains("q:" + queue.name) {
            try await queue.declare(on: channel)
            declared.append("q:" + queue.name)
        }
        if !declared.isEmpty {
            self.state.withLock { state in
                if state.publisherChannel === channel {
                    state.declaredOnPublisherChannel.formUnion(declared)
                }
            }
        }
    }
}

extension Logger {
    func withoutService() -> Logger {
        var logger = self
        logger[metadataKey: "service"] = nil
        return logger
    }
}
