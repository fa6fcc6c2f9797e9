//===----------------------------------------------------------------------===//
// This source file is part of Enoki. Licensed under Apache License v2.0.
//===----------------------------------------------------------------------===//

public import EnokiAMQPProtocol

/// The error type of the AMQP client.
///
/// Every failure the client reports is an `AMQPError` with a ``code-swift.property`` to switch on and a message
/// that says what happened in words. Broker errors carry the broker's reply code and text.
public struct AMQPError: Error, Sendable, CustomStringConvertible {
    /// What kind of failure this is.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Base: String, Hashable, Sendable {
            case invalidURL
            case connectionFailed
            case authenticationFailed
            case virtualHostRefused
            case handshakeFailed
            case connectionClosedByBroker
            case connectionClosed
            case connectionLost
            case heartbeatTimeout
            case channelClosedByBroker
            case channelClosed
            case channelLimitReached
            case consumerCancelledByBroker
            case operationTimedOut
            case protocolViolation
            case invalidArgument
            case clientStopped
            case cancelled
        }

        private let base: Base
        private init(_ base: Base) { self.base = base }

        /// The URL could not be parsed.
        public static let invalidURL = Code(.invalidURL)
        /// No TCP (or TLS) connection could be made to the broker.
        public static let connectionFailed = Code(.connectionFailed)
        /// The broker refused the user name or password.
        public static let authenticationFailed = Code(.authenticationFailed)
        /// The broker refused the virtual host: it does not exist, or the user may not use it.
        public static let virtualHostRefused = Code(.virtualHostRefused)
        /// The opening handshake failed for another reason (no common login mechanism, a timeout, …).
        public static let handshakeFailed = Code(.handshakeFailed)
        /// The broker closed the connection with `connection.close` (see ``AMQPError/replyCode``).
        public static let connectionClosedByBroker = Code(.connectionClosedByBroker)
        /// The connection was closed by this client.
        public static let connectionClosed = Code(.connectionClosed)
        /// The socket closed or failed without a `connection.close`.
        public static let connectionLost = Code(.connectionLost)
        /// The broker sent nothing, not even a heartbeat, for two heartbeat intervals.
        public static let heartbeatTimeout = Code(.heartbeatTimeout)
        /// The broker closed the channel with `channel.close` (see ``AMQPError/replyCode``).
        public static let channelClosedByBroker = Code(.channelClosedByBroker)
        /// The channel was closed by this client, or is not open.
        public static let channelClosed = Code(.channelClosed)
        /// Every channel number the connection allows is in use.
        public static let channelLimitReached = Code(.channelLimitReached)
        /// The broker cancelled a consumer, for example because its queue was deleted.
        public static let consumerCancelledByBroker = Code(.consumerCancelledByBroker)
        /// The broker did not answer a request within the configured time.
        public static let operationTimedOut = Code(.operationTimedOut)
        /// The broker sent something the protocol does not allow, or bytes that do not decode.
        public static let protocolViolation = Code(.protocolViolation)
        /// An argument cannot be sent (a name longer than 255 bytes, say).
        public static let invalidArgument = Code(.invalidArgument)
        /// The ``AMQPClient`` has stopped and will not connect again.
        public static let clientStopped = Code(.clientStopped)
        /// The calling task was cancelled before the operation was done.
        public static let cancelled = Code(.cancelled)

        public var description: String { self.base.rawValue }
    }

    /// The kind of failure.
    public var code: Code
    /// What happened, in words.
    public var message: String
    /// The broker's reply code, for errors the broker reported with `connection.close` or `channel.close`.
    public var replyCode: ReplyCode?
    /// The broker's reply text, for errors the broker reported.
    public var replyText: String?
    /// The method the broker blamed, as `class.method` (for example `queue.declare`), when it named one.
    public var failingMethod: String?
    /// The error underneath, such as a socket error or a protocol error.
    public var underlying: (any Error)?

    /// Creates an error.
    public init(
        _ code: Code,
        _ message: String,
        replyCode: ReplyCode? = nil,
        replyText: String? = nil,
        failingMethod: String? = nil,
        underlying: (any Error)? = nil
    ) {
        self.code = code
        self.message = message
        self.replyCode = replyCode
        self.replyText = replyText
        self.failingMethod = failingMethod
        self.underlying = underlying
    }

    public var description: String {
        var text = "AMQPError.\(self.code): \(self.message)"
        if let underlying, !(underlying is AMQPError) {
            text += " (\(underlying))"
        }
        return text
    }
}

extension AMQPError {
    static func methodName(classID: UInt16, methodID: UInt16) -> String? {
        guard classID != 0 else { return nil }
        return AMQPMethod.name(classID: classID, methodID: methodID) ?? "\(classID).\(methodID)"
    }
}

extension AMQPError {
    /// Whether a failed connection attempt is one that another node of the cluster may not share: no socket, a
    /// failed handshake, a connection dropped or closed by a node that is going down. A refused login or virtual
    /// host is the cluster's answer (its nodes share users and virtual hosts), so the attempt ends there.
    var isWorthTryingAnotherNode: Bool {
        switch self.code {
        case .authenticationFailed, .virtualHostRefused, .invalidURL, .cancelled, .clientStopped: false
        default: true
        }
    }
}
