//===----------------------------------------------------------------------===//
// This source file is part of Enoki. Licensed under Apache License v2.0.
//===----------------------------------------------------------------------===//

public import Logging
public import NIOCore
public import NIOPosix
public import ServiceLifecycle
import Synchronization

/// Keeps a connection to the broker open: connects, reconnects with backoff when the connection drops, and
/// tells its owner each time, so that the owner can declare its topology again and restart its consumers.
///
/// Run it under a `ServiceGroup` (or call ``run()`` in a task); it stops, closing the connection, on graceful
/// shutdown or cancellation. The broker's blocking of the connection (a memory or disk alarm) is logged as a
/// warning. A broker that is not up yet is retried with a warning naming the broker and the delay:
///
/// ```
/// could not connect to amqp://guest:**@127.0.0.1:5672// (connection refused); retrying in 2.0 seconds
/// ```
///
/// ```swift
/// let client = AMQPClient(configuration: try .init(url: "amqp://guest:guest@127.0.0.1"), logger: logger) { connection in
///     let channel = try await connection.openChannel()
///     try await channel.declareQueue("work", durable: true)
/// }
/// ```
public final class AMQPClient: Service, Sendable {
    /// How long to wait between connection attempts.
    public struct ReconnectPolicy: Sendable {
        /// The wait after the first failure.
        public var initialDelay: Duration
        /// The longest wait.
        public var maximumDelay: Duration
        /// The factor by which each wait grows.
        public var multiplier: Double
        /// How long a connection must have been open for its loss to be reconnected at once. A connection lost
        /// sooner (a broker that accepts and then closes, a peer that closes every new connection) counts as a
        /// failed attempt, so that the next one waits its turn in the backoff instead of looping.
        public var stableAfter: Duration

        /// A policy; by default waits of 1, 2, 4, … seconds, at most 30, and connections stable after 10 seconds.
        public init(
            initialDelay: Duration = .seconds(1),
            maximumDelay: Duration = .seconds(30),
            multiplier: Double = 2,
            stableAfter: Duration = .seconds(10)
        ) {
            self.initialDelay = initialDelay
            self.maximumDelay = maximumDelay
            self.multiplier = multiplier
            self.stableAfter = stableAfter
        }

        /// The wait before attempt `attempt` (0 for the wait after the first failure).
        public func delay(attempt: Int) -> Duration {
            var delay = self.initialDelay
            for _ in 0..<min(attempt, 64) {
                delay = delay * self.multiplier
                if delay >= self.maximumDelay { return self.maximumDelay }
            }
            return min(delay, self.maximumDelay)
        }
    }

    /// What happens to the client's connection.
    public enum Event: Sendable {
        /// A connection is open (and `onConnect` has run on it).
        case connected(AMQPConnection)
        /// The connection was lost; the client reconnects.
        case disconnected(AMQPError)
        /// An attempt failed; the next one comes after the delay.
        case connectFailed(AMQPError, retryIn: Duration)
    }

    private struct Waiter {
        var continuation: CheckedContinuation<AMQPConnection, any Error>
        var failingOn: Set<AMQPError.Code>
    }

    private struct State {
        var current: AMQPConnection?
        var stopped = false
        /// The error of the last attempt, until one succeeds.
        var lastFailure: AMQPError?
        var waiters: [UInt64: Waiter] = [:]
        var nextWaiter: UInt64 = 0
        var listeners: [AsyncStream<Event>.Continuation] = []
    }

    /// The connection settings.
    public let configuration: AMQPConnection.Configuration
    /// The reconnection waits.
    public let reconnectPolicy: ReconnectPolicy
    private let eventLoopGroup: any EventLoopGroup
    private let logger: Logger
    private let onConnect: (@Sendable (AMQPConnection) async throws -> Void)?
    private let state = Mutex(State())

    /// Creates a client; it connects when run.
    ///
    /// - Parameters:
    ///   - configuration: Where and how to connect.
    ///   - reconnectPolicy: How long to wait between attempts.
    ///   - eventLoopGroup: The event loops for the connections.
    ///   - logger: Where to log connection failures (warning) and reconnections.
    ///   - onConnect: Runs on each new connection before it is handed out: declare topology, start consumers.
    ///     If it throws, the connection is closed and the client tries again after the backoff.
    public init(
        configuration: AMQPConnection.Configuration,
        reconnectPolicy: ReconnectPolicy = ReconnectPolicy(),
        eventLoopGroup: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton,
        logger: Logger,
        onConnect: (@Sendable (AMQPConnection) async throws -> Void)? = nil
    ) {
        self.configuration = configuration
        self.reconnectPolicy = reconnectPolicy
        self.eventLoopGroup = eventLoopGroup
        self.logger = logger
        self.onConnect = onConnect
    }

    /// Whether the client has an open connection now.
    public var isConnected: Bool { self.state.withLock { $0.current?.isOpen ?? false } }

    /// Connects and keeps the connection open until graceful shutdown or cancellation, then closes it.
    public func run() async throws {
        var attempt = 0
        // The nodes of the cluster, taken in turn: a failed attempt moves on to the next node at once until each
        // has failed once, then waits its turn in the backoff; a lost connection is followed by an attempt on the
        // next node, so that a node that went away is not the first one asked.
        let nodes = self.configuration.nodes
        var node = 0
        var failedInRound = 0
        while !Task.isCancelled && !self.isShuttingDown {
            let target = nodes[node]
            let connection: AMQPConnection
            do {
                connection = try await AMQPConnection.connect(
                    configuration: target,
                    eventLoopGroup: self.eventLoopGroup,
                    logger: self.logger
                )
                if let onConnect = self.onConnect {
                    do {
                        try await onConnect(connection)
                    } catch {
                        await connection.close()
                        throw error
                    }
                }
            } catch {
                let amqpError = error as? AMQPError ?? AMQPError(.connectionFailed, "\(error)", underlying: error)
                // The error names the broker already when the connection itself failed; the line names it once.
                let url = target.redactedURL
                let prefix = "could not connect to \(url): "
                let reason =
                    amqpError.message.hasPrefix(prefix)
                    ? String(amqpError.message.dropFirst(prefix.count)) : amqpError.message
                failedInRound += 1
                let next = (node + 1) % nodes.count
                node = next
                if failedInRound < nodes.count, amqpError.isWorthTryingAnotherNode {
                    let nextURL = nodes[next].redactedURL
                    self.logger.warning(
                        "could not connect to \(url) (\(reason)); trying \(nextURL)",
                        metadata: [LogKey.broker: "\(url)"]
                    )
                    self.failed(amqpError)
                    self.emit(.connectFailed(amqpError, retryIn: .zero))
                    continue
                }
                failedInRound = 0
                let delay = self.reconnectPolicy.delay(attempt: attempt)
                attempt += 1
                self.logger.warning(
                    "could not connect to \(url) (\(reason)); retrying in \(Self.format(delay)) seconds",
                    metadata: [LogKey.broker: "\(url)", LogKey.attempt: "\(attempt)"]
                )
                self.failed(amqpError)
                self.emit(.connectFailed(amqpError, retryIn: delay))
                do {
                    try await cancelWhenGracefulShutdown {
                        try await Task.sleep(for: delay)
                    }
                } catch {
                    break
                }
                continue
            }
            let openedAt = ContinuousClock.now
            failedInRound = 0
            node = (node + 1) % nodes.count  // where the attempt after a loss of this connection goes
            self.setCurrent(connection)
            self.emit(.connected(connection))
            // Subscribed before anything can block the connection; read in a child of this run, which ends when
            // the connection closes.
            let blockedStates = connection.blockedStates()
            let reason = await withTaskGroup(of: Void.self, returning: AMQPError.self) { group in
                group.addTask { await self.logBlocking(blockedStates, of: connection) }
                return await withGracefulShutdownHandler {
                    await withTaskCancellationHandler {
                        await connection.closed()
                    } onCancel: {
                        connection.startClose()
                    }
                } onGracefulShutdown: {
                    connection.startClose()
                }
            }
            self.setCurrent(nil)
            if Task.isCancelled || self.isShuttingDown || reason.code == .connectionClosed {
                break
            }
            self.emit(.disconnected(reason))
            guard ContinuousClock.now - openedAt < self.reconnectPolicy.stableAfter else {
                attempt = 0
                self.logger.warning(
                    "lost the connection to \(connection.redactedURL) (\(reason.message)); reconnecting",
                    metadata: [LogKey.broker: "\(connection.redactedURL)"]
                )
                continue
            }
            // Lost soon after it opened: whatever closed it may close the next one too.
            let delay = self.reconnectPolicy.delay(attempt: attempt)
            attempt += 1
            self.logger.warning(
                "lost the connection to \(connection.redactedURL) soon after it opened (\(reason.message)); reconnecting in \(Self.format(delay)) seconds",
                metadata: [LogKey.broker: "\(connection.redactedURL)", LogKey.attempt: "\(attempt)"]
            )
            do {
                try await cancelWhenGracefulShutdown {
                    try await Task.sleep(for: delay)
                }
            } catch {
                break
            }
        }
        self.stop()
    }

    /// Logs the broker's blocking of a connection (a memory or disk alarm), during which publishing waits, until
    /// the connection closes.
    private func logBlocking(_ states: AsyncStream<AMQPConnection.BlockedState>, of connection: AMQPConnection) async {
        let logger = self.logger
        let url = connection.redactedURL
        for await state in states {
            switch state {
            case .blocked(let reason):
                logger.warning(
                    "the broker blocked the connection to \(url) (\(reason)); publishing waits until it unblocks",
                    metadata: [LogKey.broker: "\(url)"]
                )
            case .unblocked:
                logger.info("the broker unblocked the connection to \(url)", metadata: [LogKey.broker: "\(url)"])
            }
        }
    }

    /// The open connection, waiting while the client connects.
    ///
    /// - Parameter failures: Errors not worth waiting through: when an attempt fails (or the last one failed) with
    ///   one of these codes, the wait ends with that error. A command-line tool passes
    ///   ``AMQPError/Code-swift.struct/authenticationFailed`` and
    ///   ``AMQPError/Code-swift.struct/virtualHostRefused``, which no retry mends, to report them at once; a
    ///   service waits through everything, in case an operator mends them.
    /// - Throws: ``AMQPError/Code-swift.struct/clientStopped`` once the client has stopped, one of the `failures`,
    ///   and `CancellationError` when the waiting task is cancelled.
    public func connection(failingOn failures: Set<AMQPError.Code> = []) async throws -> AMQPConnection {
        let id = self.state.withLock { state -> UInt64 in
            state.nextWaiter += 1
            return state.nextWaiter
        }
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { continuation in
                let result = self.state.withLock { state -> Result<AMQPConnection, any Error>? in
                    if let current = state.current, current.isOpen { return .success(current) }
                    if state.stopped { return .failure(AMQPError(.clientStopped, "the AMQP client has stopped")) }
                    if Task.isCancelled { return .failure(CancellationError()) }
                    if let failure = state.lastFailure, failures.contains(failure.code) { return .failure(failure) }
                    state.waiters[id] = Waiter(continuation: continuation, failingOn: failures)
                    return nil
                }
                if let result {
                    continuation.resume(with: result)
                }
            }
        } onCancel: {
            let waiter = self.state.withLock { $0.waiters.removeValue(forKey: id) }
            waiter?.continuation.resume(throwing: CancellationError())
        }
    }

    /// Records a failed attempt and ends the waits that do not wait through its kind of failure.
    private func failed(_ error: AMQPError) {
        let ended = self.state.withLock { state -> [Waiter] in
            state.lastFailure = error
            let ended = state.waiters.filter { $0.value.failingOn.contains(error.code) }
            for id in ended.keys {
                state.waiters.removeValue(forKey: id)
            }
            return Array(ended.values)
        }
        for waiter in ended {
            waiter.continuation.resume(throwing: error)
        }
    }

    /// The client's connection events from now on. Each call returns a new sequence, which ends when the client
    /// stops.
    public func events() -> AsyncStream<Event> {
        let (stream, continuation) = AsyncStream.makeStream(of: Event.self, bufferingPolicy: .bufferingNewest(32))
        let stopped = self.state.withLock { state -> Bool in
            if state.stopped { return true }
            state.listeners.append(continuation)
            return false
        }
        if stopped {
            continuation.finish()
        }
        return stream
    }

    private var isShuttingDown: Bool {
        Task.isShuttingDownGracefully
    }

    private func setCurrent(_ connection: AMQPConnection?) {
        let waiters = self.state.withLock { state -> [Waiter] in
            state.current = connection
            guard connection != nil else { return [] }
            state.lastFailure = nil
            defer { state.waiters = [:] }
            return Array(state.waiters.values)
        }
        if let connection {
            for waiter in waiters {
                waiter.continuation.resume(returning: connection)
            }
        }
    }

    private func emit(_ event: Event) {
        let listeners = self.state.withLock { $0.listeners }
        for listener in listeners {
            listener.yield(event)
        }
    }

    private func stop() {
        let (waiters, listeners) = self.state.withLock { state in
            state.stopped = true
            state.current = nil
            defer {
                state.waiters = [:]
                state.listeners = []
            }
            return (Array(state.waiters.values), state.listeners)
        }
        for waiter in waiters {
            waiter.continuation.resume(throwing: AMQPError(.clientStopped, "the AMQP client has stopped"))
        }
        for listener in listeners {
            listener.finish()
        }
    }

    static func format(_ duration: Duration) -> String {
        let (seconds, attoseconds) = duration.components
        let tenths = attoseconds / 100_000_000_000_000_000
        return "\(seconds).\(tenths)"
    }
}
