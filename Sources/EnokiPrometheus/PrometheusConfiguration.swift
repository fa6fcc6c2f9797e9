//===----------------------------------------------------------------------===//
// This source file is part of Enoki. Licensed under Apache License v2.0.
//===----------------------------------------------------------------------===//

public import EnokiCore

/// The `PROMETHEUS` section of the config, which turns the exporter on.
///
/// ```yaml
/// PROMETHEUS:
///   PATH: /metrics            # the default
///   ADDRESS: 0.0.0.0:9464     # the default; used only when the runner runs no HTTP server
/// ```
///
/// `PROMETHEUS: true` turns it on with the defaults; a missing key, `false` or `null` leaves it off. When the
/// runner runs HTTP entrypoints, the metrics are served on its HTTP server (`WEB_SERVER_ADDRESS`) at `PATH`, and
/// `ADDRESS` is not bound.
public struct PrometheusConfiguration: Sendable, Equatable {
    /// The path of the metrics.
    public var path: String
    /// The host of the exporter's own port.
    public var host: String
    /// The exporter's own port; 0 takes a free one.
    public var port: Int

    /// The default port, the one the Prometheus project lists for exporters of this kind.
    public static let defaultPort = 9464

    /// A configuration.
    public init(path: String = "/metrics", host: String = "0.0.0.0", port: Int = Self.defaultPort) {
        self.path = path
        self.host = host
        self.port = port
    }

    /// The configuration the config asks for; `nil` when it leaves the exporter off.
    ///
    /// - Throws: ``PrometheusError`` for a section that is not a mapping or `true`, a `PATH` that does not start
    ///   with `/`, or an `ADDRESS` that is not `[host:]port`.
    public init?(config: EnokiConfig) throws {
        switch config["PROMETHEUS"] {
        case nil, .null?, .bool(false)?:
            return nil
        case .bool(true)?:
            self.init()
        case .object(let section)?:
            self.init()
            if let path = section["PATH"] {
                guard let text = path.stringValue, text.hasPrefix("/") else {
                    throw PrometheusError("PROMETHEUS.PATH must be a path that starts with /, not \(path)")
                }
                self.path = text
            }
            if let address = section["ADDRESS"] {
                (self.host, self.port) = try Self.address(address)
            }
        case let other?:
            throw PrometheusError("PROMETHEUS must be true or a mapping with PATH and ADDRESS, not \(other)")
        }
    }

    private static func address(_ value: JSONValue) throws -> (String, Int) {
        let text: String
        switch value {
        case .int(let port): text = "\(port)"
        case .string(let string): text = string
        default: throw PrometheusError("PROMETHEUS.ADDRESS must be [host:]port, not \(value)")
        }
        let host: String
        let portText: Substring
        if let colon = text.lastIndex(of: ":") {
            host = String(text[..<colon])
            portText = text[text.index(after: colon)...]
        } else {
            host = "0.0.0.0"
            portText = Substring(text)
        }
        guard let port = Int(portText), (0...65535).contains(port), !host.isEmpty else {
            throw PrometheusError("PROMETHEUS.ADDRESS must be [host:]port, not \(text)")
        }
        return (host, port)
    }
}
