//===----------------------------------------------------------------------===//
// This source file is part of Enoki. Licensed under Apache License v2.0.
//===----------------------------------------------------------------------===//

public import EnokiAMQPProtocol
public import Logging
public import NIOCore
public import NIOPosix
import NIOSSL

/// One connection to a RabbitMQ broker, carrying any number of channels.
///
/// Connect with ``connect(configuration:eventLoopGroup:logger:)``; open channels with ``openChannel()``; close with
/// ``close()``. The connection sends heartbeats from its event loop, so they never wait for your code, and it
/// notices a silent broker within two heartbeat intervals. When the connection ends, for whatever reason, every
/// pending operation on it fails with an ``AMQPError`` that says why, and ``closed()`` returns that error.
///
/// A connection does not reconnect by itself; ``AMQPClient`` does that.
///
/// `AMQPConnection` is `Sendable`: any number of tasks may use it at once. All protocol state lives on its event
/// loop; calls hand work to that loop and suspend until the broker answers.
public final class AMQPConnection: Sendable {
    /// The broker's answer to a request to stop publishing (`connection.blocked`) and its lifting.
    public enum BlockedState: Sendable, Hashable {
        /// The broker asks publishers to pause, for example because it is short of memory or disk.
        case blocked(reason: String)
        /// Publishers may go on.
        case unblocked
    }

    let nioChannel: any Channel
    let queue: HandlerTaskQueue
    let status: ConnectionStatus
    let logger: Logger

    /// The configuration the connection was made with.
    public let configuration: Configuration
    /// The broker's `server-properties` (product, version, capabilities, …).
    public let serverProperties: FieldTable
    /// The negotiated maximum number of channels.
    public let channelMax: UInt16
    /// The negotiated maximum frame size.
    public let frameMax: UInt32
    /// The negotiated heartbeat interval in seconds; 0 when heartbeats are off.
    public let heartbeat: UInt16
    /// The broker's address as connected, with the password hidden: `amqp://guest:**@127.0.0.1:5672//`.
    public let redactedURL: String

    private init(
        nioChannel: any Channel,
        queue: HandlerTaskQueue,
        status: ConnectionStatus,
        configuration: Configuration,
        established: AMQPConnectionHandler.Established,
        logger: Logger
    ) {
        self.nioChannel = nioChannel
        self.queue = queue
        self.status = status
        self.configuration = configuration
        self.serverProperties = established.serverProperties
        self.channelMax = established.tuning.channelMax
        self.frameMax = established.tuning.frameMax
        self.heartbeat = established.tuning.heartbeat
        let address = nioChannel.remoteAddress
        self.redactedURL = configuration.redactedURL(
            host: address?.ipAddress ?? configuration.host,
            port: address?.port ?? configuration.port
        )
        self.logger = logger
    }

    deinit {
        if self.status.isOpen {
            self.queue.enqueue(.closeConnection(self.queue.eventLoop.makePromise()))
        }
    }

    /// Connects to a broker and opens the virtual host.
    ///
    /// - Parameters:
    ///   - configuration: Where and how to connect.
    ///   - eventLoopGroup: The event loops to run the connection on; by default NIO's shared group.
    ///   - logger: Where the connection logs, at debug level and below. Nothing is logged by default.
    /// - Returns: The open connection.
    /// - Throws: ``AMQPError``: ``AMQPError/Code-swift.struct/connectionFailed`` when no socket could be opened,
    ///   ``AMQPError/Code-swift.struct/authenticationFailed`` for a wrong user name or password,
    ///   ``AMQPError/Code-swift.struct/virtualHostRefused`` for an unknown or forbidden virtual host, and
    ///   ``AMQPError/Code-swift.struct/handshakeFailed`` when the handshake fails or takes longer than
    ///   ``Configuration/connectTimeout``.
    public static func connect(
        configuration: Configuration,
        eventLoopGroup: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton,
        logger: Logger = AMQPConnection.silentLogger
    ) async throws(AMQPError) -> AMQPConnection {
        guard !configuration.failoverNodes.isEmpty else {
            return try await Self.connect(node: configuration, eventLoopGroup: eventLoopGroup, logger: logger)
        }
        var failures: [AMQPError] = []
        for node in configuration.nodes {
            do {
                return try await Self.connect(node: node, eventLoopGroup: eventLoopGroup, logger: logger)
            } catch  where error.isWorthTryingAnotherNode {
                failures.append(error)
            }
        }
        throw AMQPError(
            .connectionFailed,
            "could not connect to any broker: " + failures.map(\.message).joined(separator: "; "),
            underlying: failures.last
        )
    }

    /// Connects to the one node a configuration names (its failover nodes aside).
    private static func connect(
        node configuration: Configuration,
        eventLoopGroup: any EventLoopGroup,
        logger: Logger
    ) async throws(AMQPError) -> AMQPConnection {
        let eventLoop = eventLoopGroup.next()
        let sslContext: NIOSSLContext?
        let serverHostname: String?
        switch configuration.tls.base {
        case .disable:
            sslContext = nil
            serverHostname = nil
        case .require(let tlsConfiguration, let hostname):
            do {
                sslContext = try NIOSSLContext(configuration: tlsConfiguration)
            } catch {
                throw AMQPError(.connectionFailed, "the TLS settings are not usable: \(error)", underlying: error)
            }
            let name = hostname ?? configuration.host
            serverHostname = (try? SocketAddress(ipAddress: name, port: 0)) == nil ? name : nil
        }
        let bootstrap = ClientBootstrap(group: eventLoop)
            .connectTimeout(configuration.connectTimeout)
            .channelOption(.tcpOption(.tcp_nodelay), value: 1)
            .channelOption(.socketOption(.so_keepalive), value: 1)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    if let sslContext {
                        let tls = try NIOSSLClientHandler(context: sslContext, serverHostname: serverHostname)
                        try channel.pipeline.syncOperations.addHandler(tls)
                    }
                }
            }
        let channel: any Channel
        do {
            channel = try await bootstrap.connect(host: configuration.host, port: configuration.port).get()
        } catch {
            throw AMQPError(
                .connectionFailed,
                "could not connect to \(configuration.redactedURL): \(Self.describe(error))",
                underlying: error
            )
        }
        return try await Self.open(over: channel, configuration: configuration, logger: logger)
    }

    /// Speaks AMQP over a channel that is already connected (a socket, with TLS when configured, or a test's
    /// in-memory channel): adds the connection handler, which starts the handshake, and waits for it to end.
    /// On failure the channel is closed.
    static func open(
        over channel: any Channel,
        configuration: Configuration,
        logger: Logger
    ) async throws(AMQPError) -> AMQPConnection {
        let eventLoop = channel.eventLoop
        let status = ConnectionStatus()
        let established = eventLoop.makePromise(of: AMQPConnectionHandler.Established.self)
        let settings = ConnectionStateMachine.Settings(
            username: configuration.username,
            password: configuration.password,
            virtualHost: configuration.virtualHost,
            mechanism: configuration.authentication,
            heartbeat: configuration.heartbeat,
            frameMax: configuration.frameMax,
            channelMax: configuration.channelMax,
            clientProperties: Self.clientProperties(configuration)
        )
        let added = eventLoop.submit {
            let handler = AMQPConnectionHandler(
                settings: settings,
                connectPromise: established,
                status: status,
                connectTimeout: configuration.connectTimeout,
                operationTimeout: configuration.operationTimeout,
                confirmTimeout: configuration.confirmTimeout,
                maximumMessageSize: configuration.maximumMessageSize,
                logger: logger
            )
            try channel.pipeline.syncOperations.addHandler(handler)
            return NIOLoopBound(handler, eventLoop: eventLoop)
        }
        do {
            let handler = try await added.get()
            let info = try await established.futureResult.get()
            let connection = AMQPConnection(
                nioChannel: channel,
                queue: HandlerTaskQueue(handler: handler, eventLoop: eventLoop),
                status: status,
                configuration: configuration,
                established: info,
                logger: logger
            )
            logger.debug("amqp connection open", metadata: [LogKey.broker: "\(connection.redactedURL)"])
            return connection
        } catch let error as AMQPError {
            established.fail(error)
            channel.close(promise: nil)
            throw error
        } catch {
            // The handler may never have been added (the channel closed before it was): then nothing else
            // completes the handshake's promise.
            established.fail(error)
            channel.close(promise: nil)
            throw AMQPError(
                .connectionFailed,
                "could not connect to \(configuration.redactedURL): \(error)",
                underlying: error
            )
        }
    }

    /// Opens a new channel.
    ///
    /// - Throws: ``AMQPError`` when the connection is closed or every channel number is in use.
    public func openChannel() async throws(AMQPError) -> AMQPChannel {
        let status = ChannelStatus()
        let promise = self.queue.eventLoop.makePromise(of: RequestReply.self)
        self.queue.enqueue(.openChannel(status, promise))
        let reply = try await AMQPChannel.await(promise)
        guard case .opened(let key) = reply else {
            throw AMQPError(.protocolViolation, "unexpected answer to channel.open")
        }
        return AMQPChannel(key: key, connection: self, status: status)
    }

    /// Closes the connection: `connection.close`, the broker's `close-ok`, then the socket.
    ///
    /// Pending operations fail with ``AMQPError/Code-swift.struct/connectionClosed``; consumers end. Closing a
    /// closed connection does nothing.
    public func close() async {
        let promise = self.queue.eventLoop.makePromise(of: Void.self)
        self.queue.enqueue(.closeConnection(promise))
        try? await promise.futureResult.get()
    }

    /// Whether the connection is open.
    public var isOpen: Bool { self.status.isOpen }

    /// Whether a publish would go out without waiting: the connection is open, its socket takes more bytes, and
    /// the broker has not blocked it.
    public var canPublishWithoutWaiting: Bool {
        self.nioChannel.isWritable && self.status.isOpenAndUnblocked
    }

    /// Waits until the connection is closed and returns why: ``AMQPError/Code-swift.struct/connectionClosed`` after
    /// ``close()``, or the error that ended it.
    public func closed() async -> AMQPError {
        await self.status.waitUntilClosed()
    }

    /// The broker's blocking notifications (`connection.blocked` and `connection.unblocked`), from now until the
    /// connection closes. Each call returns a new sequence.
    public func blockedStates() -> AsyncStream<BlockedState> {
        self.status.blockedStates()
    }

    /// Why the broker currently blocks publishers, or `nil` when it does not.
    public var blockedReason: String? { self.status.blockedReason }

    /// A logger that drops everything, the default for connections made without one.
    public static let silentLogger = Logger(label: "enoki.amqp", factory: { _ in SwiftLogNoOpLogHandler() })

    static func clientProperties(_ configuration: Configuration) -> FieldTable {
        var properties: FieldTable = [
            "product": "Enoki",
            "version": "0.1.0",
            "platform": "Swift",
            "information": "https://github.com/enoki-swift/enoki",
            "capabilities": .table([
                "publisher_confirms": true,
                "exchange_exchange_bindings": true,
                "basic.nack": true,
                "consumer_cancel_notify": true,
                "connection.blocked": true,
                "authentication_failure_close": true,
                "per_consumer_qos": true,
            ]),
        ]
        if let name = configuration.connectionName {
            properties["connection_name"] = .string(name)
        }
        properties.merge(configuration.clientProperties)
        return properties
    }

    static func describe(_ error: any Error) -> String {
        if let error = error as? IOError {
            switch error.errnoCode {
            case 111: return "connection refused"
            case 113: return "no route to host"
            case 110: return "timed out"
            default: return "\(error)"
            }
        }
        if error is NIOConnectionError || error is ChannelError {
            let text = "\(error)"
            if text.contains("connectTimeout") || text.contains("Timeout") { return "timed out" }
            if text.contains("refused") || text.contains("111") { return "connection refused" }
            return text
        }
        return "\(error)"
    }
}
