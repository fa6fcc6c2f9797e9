//===----------------------------------------------------------------------===//
// This source file is part of Enoki. Licensed under Apache License v2.0.
//===----------------------------------------------------------------------===//

public import EnokiAMQPClient
public import EnokiCore
import NIOSSL

extension EnokiConfig {
    /// A configuration with just a broker URI, as `nameko run --broker` makes one when there is no file.
    public init(amqpURI: String) {
        self.init(["AMQP_URI": .string(amqpURI)])
    }

    /// `AMQP_URI`, the broker.
    public var amqpURI: String { self.string("AMQP_URI") ?? "pyamqp://guest:guest@localhost" }

    /// `rpc_exchange`: the RPC exchange's name.
    public var rpcExchange: String { self.string("rpc_exchange") ?? "nameko-rpc" }

    /// `serializer`: the serializer for publishing. Only `json` is supported: ``amqpConfiguration(connectionName:)``
    /// refuses any other, as a service that cannot speak it must not start.
    public var serializer: String { self.string("serializer") ?? "json" }

    /// `HEARTBEAT`: the heartbeat of the consumer connection, in seconds.
    public var heartbeat: Int { self.int("HEARTBEAT") ?? 60 }

    /// `PREFETCH_COUNT`: the prefetch window of each consumer; by default twice `max_workers`.
    ///
    /// Nameko's window is `max_workers`: there a worker holds its message until the broker has confirmed the
    /// worker's reply, so a message never outlives its worker. An Enoki worker hands its reply over and ends;
    /// the message stays unacknowledged, inside the window, until the confirm arrives. A window of twice
    /// `max_workers` leaves room for as many replies awaiting their confirm as there are workers, so that the
    /// confirms' latency does not idle the workers (with a window of `max_workers` it halved the throughput of
    /// a fast method at 100 calls in flight). `max_workers` still bounds how many methods run at once.
    public var prefetchCount: Int {
        let value = self.int("PREFETCH_COUNT") ?? 0
        return value > 0 ? value : 2 * self.maxWorkers
    }

    /// `AUTO_DELETE_EVENT_EXCHANGES`: the auto-delete flag of `*.events` exchanges.
    public var autoDeleteEventExchanges: Bool { self.bool("AUTO_DELETE_EVENT_EXCHANGES") ?? false }

    /// `DECLARE_EVENT_EXCHANGES`: whether dispatchers declare their `*.events` exchange.
    public var declareEventExchanges: Bool { self.bool("DECLARE_EVENT_EXCHANGES") ?? true }

    /// `LOGIN_METHOD`: the SASL mechanism (`PLAIN`, `AMQPLAIN`, `EXTERNAL`).
    public var loginMethod: String? { self.string("LOGIN_METHOD") }

    /// `AMQP_SSL`: `true`, or TLS options (`ca_certs`, `certfile`, `keyfile`, `cert_reqs`).
    public var amqpSSL: JSONValue? { self.values["AMQP_SSL"] }

    /// The connection settings the configuration describes: `AMQP_URI`, `HEARTBEAT`, `LOGIN_METHOD` and
    /// `AMQP_SSL` (`true`, or a mapping with `ca_certs`, `certfile`, `keyfile` and `cert_reqs`).
    ///
    /// Nameko uses `HEARTBEAT` for the consumer connection only and turns heartbeats off for publishing
    /// connections. Enoki sends heartbeats on both, so that a dead broker is noticed on either.
    ///
    /// - Parameter connectionName: What the broker shows as the connection's `connection_name`.
    /// - Throws: `EnokiError` (`EnokiError.Code.configuration`) for a bad URI or TLS settings.
    public func amqpConfiguration(connectionName: String? = nil) throws -> AMQPConnection.Configuration {
        var configuration: AMQPConnection.Configuration
        do {
            configuration = try AMQPConnection.Configuration(url: try self.checkedAMQPURI())
        } catch let error as AMQPError {
            throw EnokiError(.configuration, "AMQP_URI: \(error.message)")
        }
        guard self.serializer == "json" else {
            throw EnokiError(
                .configuration,
                "serializer \(self.serializer) is not supported; Enoki speaks json, Nameko's default"
            )
        }
        _ = try self.checkedQueueType()
        configuration.heartbeat = UInt16(clamping: max(self.heartbeat, 0))
        configuration.maximumMessageSize = UInt64(try self.maxMessageSize)
        configuration.connectionName = connectionName
        if let method = self.loginMethod {
            switch method.uppercased() {
            case "PLAIN": configuration.authentication = .plain
            case "AMQPLAIN": configuration.authentication = .amqplain
            case "EXTERNAL": configuration.authentication = .external
            default: throw EnokiError(.configuration, "LOGIN_METHOD \(method) is not PLAIN, AMQPLAIN or EXTERNAL")
            }
        }
        switch self.amqpSSL {
        case nil, .null?, .bool(false)?:
            break
        case .bool(true)?:
            configuration.tls = .require(.makeClientConfiguration())
        case .object(let options)?:
            var tls = TLSConfiguration.makeClientConfiguration()
            if let caFile = options["ca_certs"]?.stringValue {
                tls.trustRoots = .file(caFile)
            }
            if let certificate = options["certfile"]?.stringValue {
                do {
                    tls.certificateChain = try NIOSSLCertificate.fromPEMFile(certificate).map { .certificate($0) }
                } catch {
                    throw EnokiError(.configuration, "AMQP_SSL certfile \(certificate): \(error)")
                }
            }
            if let key = options["keyfile"]?.stringValue {
                do {
                    tls.privateKey = .privateKey(try NIOSSLPrivateKey(file: key, format: .pem))
                } catch {
                    throw EnokiError(.configuration, "AMQP_SSL keyfile \(key): \(error)")
                }
            }
            switch options["cert_reqs"] {
            case .int(0)?, .string("CERT_NONE")?:
                tls.certificateVerification = .none
            default:
                break
            }
            configuration.tls = .require(tls)
        case .some:
            throw EnokiError(.configuration, "AMQP_SSL must be true or a mapping of TLS options")
        }
        return configuration
    }

    /// `AMQP_URI`, checked: a key that is present must be a broker URI. A value of another type, or one that is
    /// empty once `${…}` is substituted (an unset variable without a default), is a configuration error rather than
    /// a silent fallback to `guest@localhost`. A missing key means Nameko's default.
    func checkedAMQPURI() throws -> String {
        switch self.values["AMQP_URI"] {
        case nil:
            return self.amqpURI
        case .string(let uri)? where !uri.allSatisfy(\.isWhitespace):
            return uri
        case .string?, .null?:
            throw EnokiError(
                .configuration,
                "AMQP_URI is empty (is the environment variable it names set?); give a broker URI such as amqp://user:password@host:5672/"
            )
        case .some(let other):
            throw EnokiError(
                .configuration,
                "AMQP_URI must be a broker URI such as amqp://user:password@host:5672/, not a \(other.pythonTypeName)"
            )
        }
    }

    /// `QUEUE_TYPE` (an Enoki key): `classic` (the default, as Nameko declares them) or `quorum`, the type of a
    /// service's own durable queues: its RPC queue `rpc-{service}` and the queues of its service-pool and singleton
    /// event handlers with reliable delivery. Quorum queues are replicated across the nodes of a RabbitMQ cluster
    /// (three nodes or more, so that a majority survives one going down) and keep their messages when a node is
    /// lost; a classic queue lives on one node and is unusable while that node is down.
    ///
    /// Every instance of a service must declare its queues alike: the broker refuses a declaration that differs
    /// (`PRECONDITION_FAILED - inequivalent arg 'x-queue-type'`), so a Python Nameko instance on the same queue
    /// must declare it with `x-queue-type: quorum` too, and a queue that exists as classic must be deleted (or
    /// moved with a new name) before the setting changes. Broadcast queues, handlers without reliable delivery
    /// and reply queues stay classic: quorum queues cannot be exclusive or auto-deleted.
    public var queueType: AMQPQueueType {
        self.string("QUEUE_TYPE").flatMap { AMQPQueueType(rawValue: $0.lowercased()) } ?? .classic
    }

    /// Checks `QUEUE_TYPE`: absent, `classic` or `quorum`.
    func checkedQueueType() throws -> AMQPQueueType {
        switch self.values["QUEUE_TYPE"] {
        case nil, .null?:
            return .classic
        case .string(let name)?:
            guard let type = AMQPQueueType(rawValue: name.lowercased()) else {
                throw EnokiError(.configuration, "QUEUE_TYPE \(name) is not classic or quorum")
            }
            return type
        case .some(let other):
            throw EnokiError(.configuration, "QUEUE_TYPE must be classic or quorum, not a \(other.pythonTypeName)")
        }
    }

    /// The default of `MAX_MESSAGE_SIZE`: 16 MiB, RabbitMQ 4's default `max_message_size`.
    public static let defaultMaxMessageSize = 16 * 1024 * 1024

    /// `MAX_MESSAGE_SIZE` (an Enoki key): the largest message body a service or client takes in, in bytes;
    /// 16 MiB by default.
    ///
    /// A larger message is refused when its header announces its size, before its body is buffered: its body is
    /// dropped as it arrives, the message is rejected without requeueing (with a log line naming the queue), and an
    /// RPC caller gets a `MalformedRequest` error reply. So what an instance holds for a consumer is bounded by its
    /// prefetch window times this limit, whatever publishers send: 20 × 16 MiB with the defaults. The default is
    /// RabbitMQ 4's own default limit, so any message a broker with default settings takes, a service takes; raise
    /// it (and the broker's `max_message_size`) for larger bodies.
    ///
    /// - Throws: `EnokiError` (`EnokiError.Code.configuration`) when the value is not a positive
    ///   integer.
    public var maxMessageSize: Int {
        get throws {
            switch self.values["MAX_MESSAGE_SIZE"] {
            case nil, .null?:
                return Self.defaultMaxMessageSize
            case .int(let size)? where size > 0:
                return size
            default:
                throw EnokiError(.configuration, "MAX_MESSAGE_SIZE must be a positive number of bytes")
            }
        }
    }
}
