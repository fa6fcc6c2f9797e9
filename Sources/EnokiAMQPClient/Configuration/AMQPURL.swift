//===----------------------------------------------------------------------===//
// This source file is part of Enoki. Licensed under Apache License v2.0.
//===----------------------------------------------------------------------===//

/// A broker address parsed from a URI, with the rules Nameko's users rely on (those of kombu).
///
/// - Schemes: `amqp://`, `pyamqp://` (the same thing) and `amqps://` (TLS).
/// - Default ports 5672, and 5671 for `amqps`. User and password default to `guest` and are percent-decoded.
/// - Virtual host: an empty path, `/`, `//` and `/%2F` all mean `/`; any other path is the text after the first
///   `/`, percent-decoded (`/v%2Fx` is `v/x`). This differs from the RabbitMQ URI spec, where `amqp://host/`
///   means the empty virtual host.
/// - Query parameters `heartbeat`, `frame_max`, `channel_max`, `connection_timeout` (seconds) and `login_method`
///   (`PLAIN`, `AMQPLAIN`, `EXTERNAL`) are read; others are ignored.
/// - Several brokers, the nodes of one cluster, are separated by `;` (``list(_:)``), as kombu takes them:
///   `amqp://guest:guest@node-a:5672//;amqp://guest:guest@node-b:5672//`.
public struct AMQPURL: Sendable, Hashable, CustomStringConvertible {
    /// The scheme as given: `amqp`, `pyamqp` or `amqps`.
    public var scheme: String
    /// The host name or address.
    public var host: String
    /// The port.
    public var port: Int
    /// The user name.
    public var username: String
    /// The password.
    public var password: String
    /// The virtual host.
    public var virtualHost: String
    /// The query parameters, decoded.
    public var query: [String: String]

    /// An address from its parts.
    public init(
        scheme: String = "amqp",
        host: String,
        port: Int? = nil,
        username: String = "guest",
        password: String = "guest",
        virtualHost: String = "/",
        query: [String: String] = [:]
    ) {
        self.scheme = scheme
        self.host = host
        self.port = port ?? (scheme == "amqps" ? 5671 : 5672)
        self.username = username
        self.password = password
        self.virtualHost = virtualHost
        self.query = query
    }

    /// Whether the scheme asks for TLS.
    public var usesTLS: Bool { self.scheme == "amqps" }

    /// Parses a broker URI.
    ///
    /// - Throws: ``AMQPError`` with code ``AMQPError/Code-swift.struct/invalidURL`` when the URI has another
    ///   scheme, a bad port, or a malformed percent escape.
    public init(_ string: String) throws(AMQPError) {
        guard let schemeEnd = string.firstRange(of: "://") else {
            throw AMQPError(.invalidURL, "'\(Self.redact(string))' is not a broker URI (expected amqp://…)")
        }
        let scheme = string[..<schemeEnd.lowerBound].lowercased()
        guard ["amqp", "pyamqp", "amqps"].contains(scheme) else {
            throw AMQPError(.invalidURL, "unsupported scheme '\(scheme)' (expected amqp, pyamqp or amqps)")
        }
        self.scheme = scheme
        var rest = Substring(string[schemeEnd.upperBound...])

        var queryString: Substring = ""
        if let questionMark = rest.firstIndex(of: "?") {
            queryString = rest[rest.index(after: questionMark)...]
            rest = rest[..<questionMark]
        }
        var path: Substring = ""
        if let slash = rest.firstIndex(of: "/") {
            path = rest[rest.index(after: slash)...]
            rest = rest[..<slash]
        }
        var hostPort = rest
        self.username = "guest"
        self.password = "guest"
        if let at = rest.lastIndex(of: "@") {
            let credentials = rest[..<at]
            hostPort = rest[rest.index(after: at)...]
            if let colon = credentials.firstIndex(of: ":") {
                self.username = try Self.percentDecode(credentials[..<colon], "user name")
                self.password = try Self.percentDecode(credentials[credentials.index(after: colon)...], "password")
            } else {
                self.username = try Self.percentDecode(credentials, "user name")
            }
        }
        let defaultPort = scheme == "amqps" ? 5671 : 5672
        if hostPort.hasPrefix("[") {
            // An IPv6 literal: [::1]:5672
            guard let close = hostPort.firstIndex(of: "]") else {
                throw AMQPError(.invalidURL, "unterminated IPv6 address in '\(Self.redact(string))'")
            }
            self.host = String(hostPort[hostPort.index(after: hostPort.startIndex)..<close])
            let afterClose = hostPort[hostPort.index(after: close)...]
            self.port = try Self.parsePort(
                afterClose.hasPrefix(":") ? afterClose.dropFirst() : "",
                default: defaultPort,
                in: string
            )
        } else if let colon = hostPort.lastIndex(of: ":") {
            self.host = String(hostPort[..<colon])
            self.port = try Self.parsePort(
                hostPort[hostPort.index(after: colon)...],
                default: defaultPort,
                in: string
            )
        } else {
            self.host = String(hostPort)
            self.port = defaultPort
        }
        if self.host.isEmpty {
            self.host = "localhost"
        }
        switch path {
        case "", "/", "%2F", "%2f":
            self.virtualHost = "/"
        default:
            self.virtualHost = try Self.percentDecode(path, "virtual host")
        }
        var query: [String: String] = [:]
        for pair in queryString.split(separator: "&") where !pair.isEmpty {
            let parts = pair.split(separator: "=", maxSplits: 1)
            let key = try Self.percentDecode(parts[0], "query")
            query[key] = parts.count > 1 ? try Self.percentDecode(parts[1], "query") : ""
        }
        self.query = query
    }

    /// Parses one broker URI or several separated by `;`, the nodes of one cluster in the order to try them, as
    /// kombu reads `AMQP_URI` (Nameko issue #498). Spaces around each are ignored, and so are empty entries.
    ///
    /// - Throws: ``AMQPError`` with code ``AMQPError/Code-swift.struct/invalidURL`` when there is no URI or one of
    ///   them is malformed; the message names the position of a bad one and never its password.
    public static func list(_ string: String) throws(AMQPError) -> [AMQPURL] {
        let parts = string.split(separator: ";").map { $0.trimmingSpaces }.filter { !$0.isEmpty }
        guard !parts.isEmpty else {
            throw AMQPError(.invalidURL, "no broker URI in '\(Self.redact(string))'")
        }
        var urls: [AMQPURL] = []
        for (index, part) in parts.enumerated() {
            do {
                urls.append(try AMQPURL(String(part)))
            } catch {
                guard parts.count > 1 else { throw error }
                throw AMQPError(.invalidURL, "broker \(index + 1) of \(parts.count): \(error.message)")
            }
        }
        return urls
    }

    /// The URI with the password replaced by `**` and the virtual host `/` shown as `//`, as Nameko logs it:
    /// `amqp://guest:**@127.0.0.1:5672//`. `pyamqp` is shown as `amqp`.
    public var redacted: String {
        self.redacted(host: self.host, port: self.port)
    }

    /// The redacted URI with another host and port, such as the address actually connected to.
    public func redacted(host: String, port: Int) -> String {
        let scheme = self.scheme == "pyamqp" ? "amqp" : self.scheme
        let hostPart = host.contains(":") ? "[\(host)]" : host
        let vhost = self.virtualHost == "/" ? "/" : Self.percentEncode(self.virtualHost)
        return "\(scheme)://\(Self.percentEncode(self.username)):**@\(hostPart):\(port)/\(vhost)"
    }

    public var description: String { self.redacted }

    /// Hides the password of something meant as a broker URI, for messages about bad input:
    /// `amqp://user:secret@host/` becomes `amqp://user:**@host/`.
    ///
    /// The credentials are taken to run from the scheme to the last `@`, so that a password holding characters a
    /// URI would need escaped (`/`, `?`, `#`, `@`, `:`) is hidden whole; a string with no `@` after its scheme has
    /// no password to hide.
    public static func redact(_ string: String) -> String {
        guard let schemeEnd = string.firstRange(of: "://"),
            let at = string[schemeEnd.upperBound...].lastIndex(of: "@")
        else {
            return string
        }
        let credentials = string[schemeEnd.upperBound..<at]
        let user = credentials.prefix { $0 != ":" }
        return String(string[..<schemeEnd.upperBound]) + user + ":**" + String(string[at...])
    }

    /// A port, or an error that quotes the URI only as ``redact(_:)`` shows it: text where a port should be may
    /// be part of a password that needed escaping.
    private static func parsePort(
        _ text: Substring,
        default defaultPort: Int,
        in string: String
    ) throws(AMQPError)
        -> Int
    {
        if text.isEmpty {
            return defaultPort
        }
        guard let port = Int(text), (1...65535).contains(port) else {
            throw AMQPError(
                .invalidURL,
                "invalid port in '\(Self.redact(string))' (a password with '/', '?', '#' or '@' must be percent-encoded)"
            )
        }
        return port
    }

    /// Percent-decodes a part of the URI; errors name the part, never its text (it may be the password).
    static func percentDecode(_ text: Substring, _ part: String) throws(AMQPError) -> String {
        guard text.contains("%") else {
            return String(text)
        }
        var bytes: [UInt8] = []
        var utf8 = text.utf8[...]
        while let byte = utf8.popFirst() {
            if byte == UInt8(ascii: "%") {
                guard let high = utf8.popFirst().flatMap(Self.hexValue),
                    let low = utf8.popFirst().flatMap(Self.hexValue)
                else {
                    throw AMQPError(.invalidURL, "malformed percent escape in the broker URI's \(part)")
                }
                bytes.append(high << 4 | low)
            } else {
                bytes.append(byte)
            }
        }
        guard let decoded = String(validating: bytes, as: UTF8.self) else {
            throw AMQPError(.invalidURL, "percent escapes in the broker URI's \(part) are not UTF-8")
        }
        return decoded
    }

    static func percentEncode(_ text: String) -> String {
        var out = ""
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
                UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"),
                UInt8(ascii: "~"):
                out.unicodeScalars.append(UnicodeScalar(byte))
            default:
                let hex = String(byte, radix: 16, uppercase: true)
                out += "%" + (hex.count == 1 ? "0" + hex : hex)
            }
        }
        return out
    }

    private static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): return byte - UInt8(ascii: "A") + 10
        default: return nil
        }
    }
}

extension Substring {
    fileprivate var trimmingSpaces: Substring {
        var text = self
        while let first = text.first, first.isWhitespace { text = text.dropFirst() }
        while let last = text.last, last.isWhitespace { text = text.dropLast() }
        return text
    }
}
