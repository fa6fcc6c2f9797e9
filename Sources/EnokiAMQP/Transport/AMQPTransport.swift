//===----------------------------------------------------------------------===//
// This source file is part of Enoki. Licensed under Apache License v2.0.
//===----------------------------------------------------------------------===//

public import CoreMetrics
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
        var setups: [UInt64: SetupEntry] = [:]
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
    /// The tasks that run the connections, retry setups with backoff, publish again after a lost confirm, and
    /// whatever the transport's users start from callbacks (``spawn(_:)``); ``stop()`` cancels them and waits.
    private let tasks = TaskScope()

    /// Which connections run.
    private struct Running {
        var publisher = false
        var consumer = false
    }
    /// Opening the publisher channel happens once at a time, for every publisher that waits for it.
    private let publisherChannelOpening = SharedOperation<AMQPChannel>()
    /// The largest message the broker takes (its `max_message_size`), once it has refused a larger one.
    private let brokerMessageLimit = Atomic<Int>(.max)

    /// Makes the transport for a configuration; it connects once `start()` runs.
    ///
    /// - Parameters:
    ///   - config: The runner's config: `AMQP_URI`, `HEARTBEAT`, `AMQP_SSL` and the other AMQP settings.
    ///   - logger: Where connections and retries log.
    ///   - name: What the broker shows as the connections' `connection_name`, followed by `consumer` or
    ///     `publisher`: `enoki` for a runner's services, `enoki client` for a client.
    ///   - reportsRefusals: Whether what waits for a connection fails at once when the broker refuses the user or
    ///     the virtual host, which no retry mends (a client, so that its caller hears of it), rather than waiting
    ///     for an operator to mend it (a runner's services, which keep retrying and logging).
    ///   - metricsFactory: Where the count of reconnections goes
    ///     (``EnokiCore/ServiceMetrics/Name/reconnections``); swift-metrics' bootstrapped factory by default.
    public init(
        config: EnokiConfig,
        logger: Logger,
        name: String = "enoki",
        reportsRefusals: Bool = false,
        metricsFactory: (any MetricsFactory)? = nil
    ) throws {
        self.config = config
        self.logger = logger
        self.failures = reportsRefusals ? [.authenticationFailed, .virtualHostRefused] : []
        let holder = SetupHolder()
        let consumerConfiguration = try config.amqpConfiguration(connectionName: "\(name) consumer")
        let publisherConfiguration = try config.amqpConfiguration(connectionName: "\(name) publisher")
        // Both connections live on one event loop: a reply confirmed on the publisher connection then acknowledges
        // its request on the consumer connection without waking another thread.
        let eventLoop = MultiThreadedEventLoopGroup.singleton.next()
        let consumerConnections = ConnectionCounter(role: "consumer", factory: metricsFactory)
        let publisherConnections = ConnectionCounter(role: "publisher", factory: metricsFactory)
        self.consumer = AMQPClient(configuration: consumerConfiguration, eventLoopGroup: eventLoop, logger: logger) {
            connection in
            consumerConnections.opened()
            try await holder.transport?.consumerConnected(connection)
        }
        self.publisher = AMQPClient(configuration: publisherConfiguration, eventLoopGroup: eventLoop, logger: logger) {
            _ in
            publisherConnections.opened()
        }
        holder.transport = self
    }

    /// Counts the connections of one client after its first (``EnokiCore/ServiceMetrics/Name/reconnections``).
    private final class ConnectionCounter: Sendable {
        private let reconnections: Counter
        private let first = Atomic<Bool>(true)

        init(role: String, factory: (any MetricsFactory)?) {
            self.reconnections = Counter(
                label: ServiceMetrics.Name.reconnections,
                dimensions: [("connection", role)],
                factory: factory ?? MetricsSystem.factory
            )
        }

        func opened() {
            if !self.first.exchange(false, ordering: .relaxed) {
                self.reconnections.increment()
            }
        }
    }

    private final class SetupHolder: @unchecked Sendable {
        // @unchecked: set once in the initialiser, before the client can connect.
        weak var transport: AMQPTransport?
    }

    /// The transport shared by the extensions of a runner.
    public static func shared(_ context: ContainerContext) throws -> AMQPTransport {
        // Outside the shared extensions' lock, which making the transport holds.
        let health = RunnerHealth.of(context.shared)
        return try context.shared.get(AMQPTransport.self) {
            let transport = try AMQPTransport(
                config: context.config,
                logger: context.logger.withoutService(),
                metricsFactory: context.metrics.factory
            )
            transport.start()
            let url = transport.redactedURL
            health.register("amqp") { [weak transport] in
                guard let transport else { return RunnerHealth.Status(ready: false, detail: "stopped") }
                let consumer = transport.consumer.isConnected
                let publisher = transport.publisher.isConnected
                if consumer && publisher { return RunnerHealth.Status(ready: true, detail: "connected to \(url)") }
                let missing = [consumer ? nil : "consumer", publisher ? nil : "publisher"].compactMap { $0 }
                return RunnerHealth.Status(
                    ready: false,
                    detail: "no \(missing.joined(separator: " or ")) connection to \(url)"
                )
            }
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
                running.publisher = self.tasks.spawn { _ = try? await publisher.run() }
            }
            if consumer && !running.consumer {
                running.consumer = self.tasks.spawn { _ = try? await consumerClient.run() }
            }
        }
    }

    /// Closes both connections, and ends the retries of setups.
    public func stop() async {
        await self.tasks.close()
    }

    /// Runs `operation` in a task that the transport owns: ``stop()`` cancels it and waits for it. For work that a
    /// callback starts and cannot wait for (a reply to send again, a channel to open again).
    ///
    /// - Returns: `false`, without running it, once the transport has stopped.
    @discardableResult
    func spawn(_ operation: @escaping @Sendable () async -> Void) -> Bool {
        self.tasks.spawn(operation)
    }

    /// Registers something to do on the consumer connection now (waiting for one) and after every reconnection.
    ///
    /// It runs once per connection: when the connection it waited for comes, the reconnection's run of every
    /// registered setup has already covered it, and it does not run twice (which would consume every queue twice,
    /// on two channels).
    ///
    /// - Parameters:
    ///   - what: What the setup sets up, for the log lines of its retries (`the consumers of echo`).
    ///   - setup: Declares and consumes on a connection; it runs now and after every reconnection.
    /// - Returns: A token for ``unregister(_:)``.
    /// - Throws: What the first run threw, or why no connection came; the setup is then not registered.
    @discardableResult
    public func register(_ what: String = "consumers", _ setup: @escaping ConnectionSetup) async throws -> UInt64 {
        let entry = SetupEntry(what, setup)
        let id = self.state.withLock { state -> UInt64 in
            state.nextID += 1
            state.setups[state.nextID] = entry
            return state.nextID
        }
        do {
            let connection = try await self.consumer.connection(failingOn: self.failures)
            try await entry.run(on: connection)
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

    /// Runs every registered setup on a new consumer connection. A setup that fails does not fail the connection
    /// (which would take every other container's consumers down with it, again and again): it is logged and
    /// retried on its own, with backoff (``retry(on:what:_:)``).
    private func consumerConnected(_ connection: AMQPConnection) async throws {
        self.announce(connection.redactedURL)
        let setups = self.state.withLock { state in state.setups.sorted { $0.key < $1.key }.map(\.value) }
        for entry in setups {
            do {
                try await entry.run(on: connection)
            } catch {
                guard connection.isOpen else { throw error }
                self.logger.warning(
                    "could not set up \(entry.what) on the new connection",
                    metadata: ["error": "\(WireText.loggable(String(describing: error)))"]
                )
                self.retry(on: connection, what: entry.what) {
                    try await entry.run(on: connection, again: true)
                }
            }
        }
    }

    /// Runs `body` again after 1, 2, 4 … 30 seconds, while `connection` is open, until it succeeds: for a setup
    /// that failed on its own while the connection and every other setup went on (a container whose declarations
    /// the broker refuses, a channel the broker closed), so that it backs off alone. ``stop()`` ends the retries.
    ///
    /// - Parameters:
    ///   - connection: The connection the retries belong to; they end when it closes.
    ///   - what: What is retried, for the log line of each failed attempt.
    ///   - body: The setup to run again.
    public func retry(on connection: AMQPConnection, what: String, _ body: @escaping @Sendable () async throws -> Void)
    {
        let logger = self.logger
        self.tasks.spawn {
            var attempt = 0
            while !Task.isCancelled, connection.isOpen {
                let delay = Duration.seconds(min(1 << min(attempt, 5), 30))
                attempt += 1
                logger.warning("trying again to set up \(what) in \(delay.components.seconds) s")
                do {
                    try await Task.sleep(for: delay)
                } catch {
                    break
                }
                guard connection.isOpen else { break }
                do {
                    try await body()
                    logger.info("set up \(what) again")
                    break
                } catch {
                    logger.warning(
                        "could not set up \(what)",
                        metadata: ["error": "\(WireText.loggable(String(describing: error)))"]
                    )
                }
            }
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
    ///
    /// Every publisher waits for the same opening; a publisher whose task is cancelled (its call's deadline has
    /// passed) stops waiting at once.
    public func publisherChannel() async throws -> AMQPChannel {
        if let channel = self.publisherChannelOpening.currentValue, channel.isOpen {
            return channel
        }
        self.publisherChannelOpening.reset { !$0.isOpen }
        return try await self.publisherChannelOpening.value { [publisher, failures] in
            let connection = try await publisher.connection(failingOn: failures)
            let channel = try await connection.openChannel()
            try await channel.enablePublisherConfirms()
            self.state.withLock {
                $0.publisherChannel = channel
                $0.declaredOnPublisherChannel = []
            }
            return channel
        }
    }

    /// The broker, as log lines and errors name it: `amqp://guest:**@127.0.0.1:5672//`.
    public var redactedURL: String { self.consumer.configuration.redactedURL }

    /// Whether a publish would go out now, without waiting for a connection, a channel or a socket that takes
    /// more bytes.
    var canPublishWithoutWaiting: Bool {
        guard let channel = self.publisherChannelOpening.currentValue, channel.isOpen else { return false }
        return channel.connection.canPublishWithoutWaiting
    }

    /// How many times a publish is tried again after its channel or connection went before the broker confirmed
    /// it: three times when the connection was lost (as Nameko's publishers retry), once after any other failure
    /// (a channel the broker closed, say, where a new channel declares the exchanges again), never for a message
    /// that cannot be encoded or after the transport stopped.
    static func shouldRetry(_ error: AMQPError, after attempt: Int) -> Bool {
        switch error.code {
        case .invalidArgument, .clientStopped, .connectionClosed, .cancelled:
            return false
        case .operationTimedOut:
            // The broker took the publish and did not confirm it in time: it may still arrive; a copy would not be
            // confirmed sooner.
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
    /// for the confirm with the same retries, use ``publishConfirmed(_:attempt:)``.
    ///
    /// - Parameters:
    ///   - message: The message, and what to declare before it on a new publisher channel.
    ///   - attempt: How many attempts went before this one.
    /// - Returns: The broker's eventual answer.
    func publish(_ message: OutgoingMessage, attempt: Int = 0) async throws -> PublishConfirmation {
        try await self.onPublisherChannel(size: message.body.readableBytes, attempt: attempt) { channel in
            try await self.send(message, on: channel)
        }
    }

    /// Publishes with publisher confirms and waits for the broker's answer. When the channel or connection goes
    /// before the broker has answered, the message may or may not have reached it: it is published again on a new
    /// channel (``shouldRetry(_:after:)``), so that it arrives at least once.
    ///
    /// - Throws: `AMQPError` when every attempt failed.
    func publishConfirmed(_ message: OutgoingMessage, attempt: Int = 0) async throws -> PublishOutcome {
        try await self.onPublisherChannel(size: message.body.readableBytes, attempt: attempt) { channel in
            try await self.send(message, on: channel).outcome()
        }
    }

    /// Fails at once for a message larger than the broker takes, once the broker has said how much that is:
    /// publishing it would only fail again, and close the publisher channel under every other message on it.
    private func checkSize(_ body: ByteBuffer) throws(MessageTooLarge) {
        let limit = self.brokerMessageLimit.load(ordering: .relaxed)
        guard body.readableBytes <= limit else {
            throw MessageTooLarge(size: body.readableBytes, limit: limit)
        }
    }

    /// Learns the broker's `max_message_size` from its refusal of a message: RabbitMQ closes the channel with
    /// `PRECONDITION_FAILED - message size N is larger than configured max size M`.
    private func learnLimit(from error: AMQPError) {
        guard let limit = MessageTooLarge.limit(in: error) else { return }
        let previous = self.brokerMessageLimit.exchange(limit, ordering: .relaxed)
        if previous != limit {
            self.logger.warning(
                "the broker takes messages of at most \(limit) bytes (its max_message_size); larger ones fail at once"
            )
        }
    }

    /// Whether a publish that failed with `error` goes again: learns the broker's size limit from the error first,
    /// so that the message that broke it fails for good (``MessageTooLarge``) and the others on its channel go
    /// again.
    private func shouldRetry(_ error: AMQPError, size: Int, after attempt: Int) throws(MessageTooLarge) -> Bool {
        self.learnLimit(from: error)
        let limit = self.brokerMessageLimit.load(ordering: .relaxed)
        if size > limit {
            throw MessageTooLarge(size: size, limit: limit)
        }
        return Self.shouldRetry(error, after: attempt)
    }

    /// Declares on `channel` what is not declared there yet, and publishes the message there.
    private func send(_ message: OutgoingMessage, on channel: AMQPChannel) async throws -> PublishConfirmation {
        try self.checkSize(message.body)
        if !message.exchanges.isEmpty || !message.queues.isEmpty {
            try await self.declare(exchanges: message.exchanges, queues: message.queues, on: channel)
        }
        return try await channel.publish(
            message.body,
            exchange: message.exchange,
            routingKey: message.routingKey,
            mandatory: message.mandatory,
            properties: message.properties
        )
    }

    /// Publishes with publisher confirms without waiting for anything: `whenConfirmed` gets the broker's answer,
    /// on the event loop when it comes at the first attempt. When the channel or connection fails before the
    /// broker has answered, the message is published again on a new one, as ``publishConfirmed(_:attempt:)``
    /// does, and `whenConfirmed` gets the last attempt's answer. The message is neither mandatory nor declares
    /// anything.
    ///
    /// It does not slow down when the socket is backed up; it is for what something else bounds, such as the
    /// replies to a consumer's prefetch window. A worker that replies this way hands its reply over without
    /// waiting for the broker, so the confirm and the acknowledgement that follows it never wake a thread.
    func publish(
        _ message: OutgoingMessage,
        whenConfirmed: @escaping @Sendable (Result<PublishOutcome, any Error>) -> Void
    ) async throws {
        assert(
            !message.mandatory && message.exchanges.isEmpty && message.queues.isEmpty,
            "a reply publish declares nothing"
        )
        try self.checkSize(message.body)
        let size = message.body.readableBytes
        try await self.onPublisherChannel(size: size) { channel in
            try channel.publishWithoutWaiting(
                message.body,
                exchange: message.exchange,
                routingKey: message.routingKey,
                properties: message.properties
            ).whenConfirmed { result in
                guard case .failure(let error) = result else {
                    whenConfirmed(result.mapError { $0 })
                    return
                }
                do {
                    guard try self.shouldRetry(error, size: size, after: 0) else {
                        whenConfirmed(.failure(error))
                        return
                    }
                } catch {
                    whenConfirmed(.failure(error))
                    return
                }
                self.logger.debug("publish unconfirmed; publishing again", metadata: ["error": "\(error)"])
                // On the event loop, in the confirm's callback: the second attempt waits for a new channel, so it
                // runs in a task of the transport's, which ends with that attempt or with the transport.
                let spawned = self.spawn {
                    do {
                        let outcome = try await self.publishConfirmed(message, attempt: 1)
                        whenConfirmed(.success(outcome))
                    } catch {
                        whenConfirmed(.failure(error))
                    }
                }
                if !spawned { whenConfirmed(.failure(AMQPError(.clientStopped, "the transport stopped"))) }
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
        size: Int,
        attempt first: Int = 0,
        _ body: (AMQPChannel) async throws -> Result
    ) async throws -> Result {
        var attempt = first
        while true {
            do {
                return try await body(try await self.publisherChannel())
            } catch let error as AMQPError {
                guard try self.shouldRetry(error, size: size, after: attempt) else { throw error }
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

/// A message larger than the broker takes (its `max_message_size`, learned from the broker's refusal of an earlier
/// one). Final: publishing it again would fail again.
struct MessageTooLarge: Error, CustomStringConvertible {
    /// The message body's size, in bytes.
    var size: Int
    /// The broker's limit, in bytes.
    var limit: Int

    var description: String {
        "a message of \(self.size) bytes is larger than the broker takes (max_message_size \(self.limit) bytes)"
    }

    /// The limit a broker's refusal names: RabbitMQ closes the channel with `PRECONDITION_FAILED - message size N
    /// is larger than configured max size M` (or `than max size M`, for its own ceiling).
    static func limit(in error: AMQPError) -> Int? {
        guard error.replyCode == .preconditionFailed else { return nil }
        let text = error.replyText ?? error.message
        guard text.contains("message size "), let maxRange = text.firstRange(of: "max size ") else { return nil }
        return Int(text[maxRange.upperBound...].prefix { $0.isASCII && $0.isNumber })
    }
}

/// A setup registered with the transport, run once per consumer connection.
private final class SetupEntry: Sendable {
    private struct State {
        /// The connection the setup last ran on.
        weak var connection: AMQPConnection?
    }

    /// What the setup sets up, for log lines.
    let what: String
    private let setup: AMQPTransport.ConnectionSetup
    private let state = Mutex(State())
    /// Runs of the setup take turns: a retry never overlaps the run for a new connection.
    private let turns = AsyncLimiter(limit: 1)

    init(_ what: String, _ setup: @escaping AMQPTransport.ConnectionSetup) {
        self.what = what
        self.setup = setup
    }

    /// Runs the setup on `connection`, unless it ran there already (`again` runs it all the same: a retry).
    func run(on connection: AMQPConnection, again: Bool = false) async throws {
        try await self.turns.run {
            if !again, self.state.withLock({ $0.connection === connection }) {
                return
            }
            try await self.setup(connection)
            self.state.withLock { $0.connection = connection }
        }
    }
}
