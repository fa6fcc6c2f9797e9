//===----------------------------------------------------------------------===//
// This source file is part of Enoki. Licensed under Apache License v2.0.
//===----------------------------------------------------------------------===//

public import EnokiAMQPClient
public import EnokiCore
import NIOSSL

extension EnokiConfig {
    /// The connection settings the configuration describes: `AMQP_URI`, `HEARTBEAT`, `LOGIN_METHOD` and
    /// `AMQP_SSL` (`true`, or a mapping with `ca_certs`, `certfile`, `keyfile` and `cert_reqs`).
    ///
    /// - Parameter heartbeat: Whether to use `HEARTBEAT`; Nameko uses it for the consumer connection only and
    ///   turns heartbeats off for publishing connections. Enoki sends heartbeats on both, so that a dead broker
    ///   is noticed on either.
    /// - Throws: ``EnokiError`` (``EnokiError/Code-swift.struct/configuration``) for a bad URI or TLS settings.
    public func amqpConfiguration(connectionName: String? = nil) throws -> AMQPConnection.Configuration {
        var configuration: AMQPConnection.Configuration
        do {
            configuration = try AMQPConnection.Configuration(url: try self.checkedAMQPURI())
        } catch let error as AMQPError {
            throw EnokiError(.configuration, "AMQP_URI: \(error.message)")
        }
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
    /// - Throws: ``EnokiError`` (``EnokiError/Code-swift.struct/configuration``) when the value is not a positive
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
