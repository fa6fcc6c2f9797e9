//===----------------------------------------------------------------------===//
// This source file is part of Enoki. Licensed under Apache License v2.0.
//===----------------------------------------------------------------------===//

public import EnokiAMQPProtocol
public import NIOCore
public import NIOSSL

extension AMQPConnection {
    /// Everything needed to open a connection: where, who, and the limits to propose.
    public struct Configuration: Sendable {
        /// The broker's host name or address.
        public var host: String
        /// The broker's port.
        public var port: Int
        /// The virtual host to open.
        public var virtualHost: String
        /// The user name.
        public var username: String
        /// The password. Never logged.
        public var password: String
        /// Whether and how to use TLS.
        public var tls: TLS
        /// The SASL mechanism used to log in.
        public var authentication: AuthenticationMechanism
        /// The heartbeat interval to propose, in seconds; 0 turns heartbeats off. Default 60.
        ///
        /// The negotiated interval is the smaller of ours and the broker's (ours when the broker proposes 0).
        public var heartbeat: UInt16
        /// The largest frame to propose, in bytes. Default 131,072, as py-amqp.
        public var frameMax: UInt32
        /// The most channels to propose. Default 2,047, as py-amqp.
        public var channelMax: UInt16
        /// How long to wait for the TCP (and TLS) connection and the AMQP handshake. Default 10 s.
        public var connectTimeout: TimeAmount
        /// How long to wait for the broker's answer to a request such as `queue.declare`. Default 30 s.
        ///
        /// When it runs out the request fails with ``AMQPError/Code-swift.struct/operationTimedOut`` and its
        /// channel is closed, since a late answer would be matched to the wrong request.
        public var operationTimeout: TimeAmount
        /// How long a publish on a channel in confirm mode waits for the broker's confirm before it fails with
        /// ``AMQPError/Code-swift.struct/operationTimedOut``. Default 30 s.
        ///
        /// A broker that never answers (blocked by a memory or disk alarm, say) must not keep publishers waiting
        /// for ever. The message may still reach its queues: a confirm that comes later is ignored.
        public var confirmTimeout: TimeAmount
        /// A name for the connection, shown by the broker's management tools (`connection_name`).
        public var connectionName: String?
        /// Client properties sent in `connection.start-ok` in addition to the ones the client always sends.
        public var clientProperties: FieldTable
        /// Unacknowledged deliveries a consumer may buffer before the client stops reading from the socket.
        ///
        /// With acknowledgements on, the prefetch window already bounds a consumer's buffer; this limit matters
        /// for `noAck` consumers and for consumers without `basic.qos`. Default 1,000.
        public var consumerBufferLimit: Int
        /// The largest message body the connection takes in, in bytes. Default 16 MiB (RabbitMQ 4's default
        /// `max_message_size`).
        ///
        /// The limit is applied when a message's content header announces its size, before any of its body is
        /// buffered: a larger body is dropped frame by frame as it arrives, and the message is handed to its
        /// consumer with an empty body and a `AMQPProtocolError.Code.bodyTooLarge`
        /// ``AMQPDelivery/problem``, to refuse. So what a consumer holds is bounded by its prefetch window times this
        /// limit, whatever publishers send.
        public var maximumMessageSize: UInt64
        /// The URI the configuration came from, when it came from one; used for log lines.
        public private(set) var url: AMQPURL?
        /// Further nodes of the same cluster, tried in turn when the first does not answer and after a
        /// connection to one is lost (the URIs after the first of an `AMQP_URI` that names several, separated by
        /// `;`). Each brings its own host, port, user, password and virtual host; every other setting (TLS, the
        /// heartbeat, the limits) is this configuration's.
        public var failoverNodes: [AMQPURL]

        /// A configuration for a host, with the defaults above and the user `guest`.
        public init(
            host: String = "localhost",
            port: Int = 5672,
            virtualHost: String = "/",
            username: String = "guest",
            password: String = "guest",
            tls: TLS = .disable
        ) {
            self.host = host
            self.port = port
            self.virtualHost = virtualHost
            self.username = username
            self.password = password
            self.tls = tls
            self.authentication = .plain
            self.heartbeat = 60
            self.frameMax = 131_072
            self.channelMax = 2047
            self.connectTimeout = .seconds(10)
            self.operationTimeout = .seconds(30)
            self.confirmTimeout = .seconds(30)
            self.connectionName = nil
            self.clientProperties = [:]
            self.consumerBufferLimit = 1000
            self.maximumMessageSize = 16 * 1024 * 1024
            self.url = nil
            self.failoverNodes = []
        }

        /// A configuration from a broker URI, parsed as ``AMQPURL`` describes, or from several separated by `;`:
        /// the first gives every setting, the rest are its ``failoverNodes``.
        ///
        /// - Throws: ``AMQPError`` when a URI is malformed.
        public init(url string: String) throws(AMQPError) {
            let urls = try AMQPURL.list(string)
            let url = urls[0]
            guard urls.allSatisfy({ $0.usesTLS == url.usesTLS }) else {
                throw AMQPError(.invalidURL, "the brokers of one URI list must all use amqps, or none of them")
            }
            self.init(
                host: url.host,
                port: url.port,
                virtualHost: url.virtualHost,
                username: url.username,
                password: url.password,
                tls: url.usesTLS ? .require(.makeClientConfiguration()) : .disable
            )
            self.url = url
            if let value = url.query["heartbeat"], let heartbeat = UInt16(value) {
                self.heartbeat = heartbeat
            }
            if let value = url.query["frame_max"], let frameMax = UInt32(value) {
                self.frameMax = frameMax
            }
            if let value = url.query["channel_max"], let channelMax = UInt16(value) {
                self.channelMax = channelMax
            }
            if let value = url.query["connection_timeout"], let seconds = Double(value), seconds.isFinite, seconds > 0 {
                self.connectTimeout = .nanoseconds(Int64(min(seconds, 86_400) * 1e9))
            }
            if let value = url.query["login_method"] {
                guard let mechanism = AuthenticationMechanism(name: value) else {
                    throw AMQPError(.invalidURL, "unsupported login_method '\(value)' (PLAIN, AMQPLAIN or EXTERNAL)")
                }
                self.authentication = mechanism
            }
            self.failoverNodes = Array(urls.dropFirst())
        }

        /// The broker address for log lines, with the password hidden: `amqp://guest:**@127.0.0.1:5672//`; the
        /// addresses of every node, separated by `;`, when there are ``failoverNodes``.
        public var redactedURL: String {
            ([self.redactedURL(host: self.host, port: self.port)] + self.failoverNodes.map(\.redacted))
                .joined(separator: ";")
        }

        /// One configuration per node, in the order to try them: this one without its failover nodes first, then
        /// one for each of ``failoverNodes`` with that node's address, credentials and virtual host.
        public var nodes: [Configuration] {
            var first = self
            first.failoverNodes = []
            return [first]
                + self.failoverNodes.map { url in
                    var node = first
                    node.host = url.host
                    node.port = url.port
                    node.username = url.username
                    node.password = url.password
                    node.virtualHost = url.virtualHost
                    node.url = url
                    return node
                }
        }

        func redactedURL(host: String, port: Int) -> String {
            let url = AMQPURL(
                scheme: self.url?.scheme ?? (self.tls.isEnabled ? "amqps" : "amqp"),
                host: host,
                port: port,
                username: self.username,
                password: "",
                virtualHost: self.virtualHost
            )
            return url.redacted
        }
    }

    /// Whether the connection uses TLS, and with which settings.
    public struct TLS: Sendable {
        enum Base: Sendable {
            case disable
            case require(TLSConfiguration, serverHostname: String?)
        }

        let base: Base

        /// Plain TCP.
        public static let disable = TLS(base: .disable)

        /// TLS with the given settings. The server name sent for SNI and checked against the certificate is the
        /// configured host unless `serverHostname` says otherwise.
        public static func require(_ configuration: TLSConfiguration, serverHostname: String? = nil) -> TLS {
            TLS(base: .require(configuration, serverHostname: serverHostname))
        }

        /// Whether TLS is on.
        public var isEnabled: Bool {
            if case .require = self.base { return true }
            return false
        }
    }

    /// The SASL mechanism used to log in.
    public struct AuthenticationMechanism: Hashable, Sendable, CustomStringConvertible {
        /// The mechanism's name in `connection.start-ok`.
        public let name: String

        private init(uncheckedName: String) { self.name = uncheckedName }

        init?(name: String) {
            switch name.uppercased() {
            case "PLAIN": self = .plain
            case "AMQPLAIN": self = .amqplain
            case "EXTERNAL": self = .external
            default: return nil
            }
        }

        /// `PLAIN`: user name and password (RFC 4616).
        public static let plain = AuthenticationMechanism(uncheckedName: "PLAIN")
        /// `AMQPLAIN`: user name and password in a field table, as older clients send them.
        public static let amqplain = AuthenticationMechanism(uncheckedName: "AMQPLAIN")
        /// `EXTERNAL`: the identity of the TLS client certificate (needs the broker's `rabbitmq_auth_mechanism_ssl`).
        public static let external = AuthenticationMechanism(uncheckedName: "EXTERNAL")

        public var description: String { self.name }

        func response(username: String, password: String) -> [UInt8] {
            switch self.name {
            case "AMQPLAIN":
                // A field table without its length prefix.
                var buffer = ByteBuffer()
                try? buffer.writeAMQPFieldTable(["LOGIN": .string(username), "PASSWORD": .string(password)])
                buffer.moveReaderIndex(forwardBy: 4)
                return Array(buffer.readableBytesView)
            case "EXTERNAL":
                return []
            default:
                return [0] + Array(username.utf8) + [0] + Array(password.utf8)
            }
        }
    }
}
