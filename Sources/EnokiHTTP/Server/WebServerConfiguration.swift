//===----------------------------------------------------------------------===//
// This source file is part of Enoki. Licensed under Apache License v2.0.
//===----------------------------------------------------------------------===//

public import EnokiCore

/// The web server's settings, from the config.
///
/// | Key | Default | Meaning |
/// |---|---|---|
/// | `WEB_SERVER_ADDRESS` | `0.0.0.0:8000` | `[address:]port`, as Nameko's |
/// | `WEB_SERVER_MAX_BODY_SIZE` | 16 MiB | a larger body gets 413 |
/// | `WEB_SERVER_HEADER_TIMEOUT` | 30 s | a connection idle this long (no request, or headers not finished) is closed |
/// | `WEB_SERVER_BODY_TIMEOUT` | 60 s | a request whose body has not all come this long after its headers is cut off |
public struct WebServerConfiguration: Sendable, Equatable {
    /// The address to bind.
    public var host: String
    /// The port to bind; 0 picks a free one.
    public var port: Int
    /// The largest body taken, in bytes.
    public var maxBodySize: Int
    /// How long a connection may wait for a request's headers.
    public var headerTimeout: Duration
    /// How long a request's body may take to arrive.
    public var bodyTimeout: Duration

    /// Settings.
    public init(
        host: String = "0.0.0.0",
        port: Int = 8000,
        maxBodySize: Int = 16 * 1024 * 1024,
        headerTimeout: Duration = .seconds(30),
        bodyTimeout: Duration = .seconds(60)
    ) {
        self.host = host
        self.port = port
        self.maxBodySize = maxBodySize
        self.headerTimeout = headerTimeout
        self.bodyTimeout = bodyTimeout
    }

    /// The settings in a config.
    ///
    /// - Throws: ``WebError`` of kind ``WebError/Kind/configuration`` with Nameko's message for a bad address
    ///   ("Misconfigured bind address \`…\`. Should be \`[address:]port\`"), or for a size or time that is not a
    ///   positive number.
    public init(config: EnokiConfig) throws(WebError) {
        self.init()
        if let value = config["WEB_SERVER_ADDRESS"], !value.isNull {
            (self.host, self.port) = try Self.address(value)
        }
        if let value = config["WEB_SERVER_MAX_BODY_SIZE"], !value.isNull {
            guard let size = value.intValue, size > 0 else {
                throw WebError(
                    .configuration,
                    "WEB_SERVER_MAX_BODY_SIZE must be a positive number of bytes, not \(value)"
                )
            }
            self.maxBodySize = size
        }
        self.headerTimeout = try Self.seconds(config, "WEB_SERVER_HEADER_TIMEOUT") ?? self.headerTimeout
        self.bodyTimeout = try Self.seconds(config, "WEB_SERVER_BODY_TIMEOUT") ?? self.bodyTimeout
    }

    /// `[address:]port`, as Nameko's `parse_address`.
    static func address(_ value: JSONValue) throws(WebError) -> (String, Int) {
        let text: String
        switch value {
        case .string(let string): text = string
        case .int(let number): text = "\(number)"
        default: text = "\(value)"
        }
        let parts = text.split(separator: ":", omittingEmptySubsequences: false)
        let host: String
        let portText: Substring
        switch parts.count {
        case 1:
            host = "0.0.0.0"
            portText = parts[0]
        case 2 where !parts[0].isEmpty:
            host = String(parts[0])
            portText = parts[1]
        default:
            throw Self.misconfigured(text)
        }
        guard !portText.isEmpty, portText.allSatisfy({ $0.isASCII && $0.isNumber }), let port = Int(portText),
            (0...65535).contains(port)
        else { throw Self.misconfigured(text) }
        return (host, port)
    }

    private static func misconfigured(_ text: String) -> WebError {
        WebError(.configuration, "Misconfigured bind address `\(text)`. Should be `[address:]port`")
    }

    private static func seconds(_ config: EnokiConfig, _ key: String) throws(WebError) -> Duration? {
        guard let value = config[key], !value.isNull else { return nil }
        guard let seconds = value.doubleValue ?? value.intValue.map(Double.init), seconds > 0 else {
            throw WebError(.configuration, "\(key) must be a positive number of seconds, not \(value)")
        }
        return .milliseconds(Int64(seconds * 1000))
    }
}
