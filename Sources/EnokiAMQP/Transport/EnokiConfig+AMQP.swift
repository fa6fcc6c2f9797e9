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
            configuration = try AMQPConnection.Configuration(url: self.amqpURI)
        } catch {
            throw EnokiError(.configuration, "AMQP_URI: \(error.message)")
        }
        configuration.heartbeat = UInt16(clamping: max(self.heartbeat, 0))
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
}
