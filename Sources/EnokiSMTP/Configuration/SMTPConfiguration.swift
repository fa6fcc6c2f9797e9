//===----------------------------------------------------------------------===//
// This source file is part of Enoki. Licensed under Apache License v2.0.
//===----------------------------------------------------------------------===//

public import NIOSSL

/// Where and how to send mail, read from a URI as the broker's is:
///
/// ```
/// smtp://user:password@smtp.example.com:587?starttls=required&ca_certs=/etc/ssl/private-ca.pem
/// smtps://user:password@smtp.example.com          (TLS from the first byte, port 465)
/// smtp://127.0.0.1:8025?starttls=off              (a local relay, no TLS)
/// ```
///
/// The query may say `starttls` (`required`, `optional`, the default, or `off`), `ca_certs` (a PEM file of the
/// certificate authorities to trust instead of the system's), `timeout` (seconds each step may take, 30 by default)
/// and `helo` (the name given in `EHLO`). A user name and password in the URI are percent-decoded.
public struct SMTPConfiguration: Sendable {
    /// Whether a plain connection is upgraded with `STARTTLS`.
    public enum StartTLS: String, Sendable {
        /// Upgrade, and fail when the server does not offer it.
        case required
        /// Upgrade when the server offers it. A password is still never sent over a plain connection.
        case optional
        /// Never upgrade; a password may be sent in the clear (for a relay on the same host).
        case off
    }

    /// The server's host.
    public var host: String
    /// The server's port: 25 for `smtp://` and 465 for `smtps://` unless the URI names one.
    public var port: Int
    /// The user name, if the server wants one.
    public var username: String?
    /// The password.
    public var password: String?
    /// Whether the connection is TLS from its first byte (`smtps://`).
    public var implicitTLS: Bool
    /// The `STARTTLS` policy of a plain connection.
    public var startTLS: StartTLS
    /// A PEM file of certificate authorities to trust instead of the system's.
    public var caCertificatesFile: String?
    /// How long each step may take: connecting, the greeting, each command's reply, the TLS handshake, the message.
    public var timeout: Duration
    /// The name given in `EHLO`.
    public var heloName: String

    /// A configuration.
    public init(
        host: String,
        port: Int? = nil,
        username: String? = nil,
        password: String? = nil,
        implicitTLS: Bool = false,
        startTLS: StartTLS = .optional,
        caCertificatesFile: String? = nil,
        timeout: Duration = .seconds(30),
        heloName: String = "localhost"
    ) {
        self.host = host
        self.port = port ?? (implicitTLS ? 465 : 25)
        self.username = username
        self.password = password
        self.implicitTLS = implicitTLS
        self.startTLS = startTLS
        self.caCertificatesFile = caCertificatesFile
        self.timeout = timeout
        self.heloName = heloName
    }

    /// The configuration a URI describes.
    ///
    /// - Throws: ``SMTPError`` with code ``SMTPError/Code/configuration`` naming what is wrong; the message shows
    ///   the URI with its password hidden.
    public init(uri: String) throws {
        let shown = Self.redact(uri)
        func bad(_ why: String) -> SMTPError { SMTPError(.configuration, "SMTP_URI \(shown): \(why)") }
        guard let schemeEnd = uri.firstRange(of: "://") else { throw bad("not a URI (smtp://host:port)") }
        let scheme = uri[..<schemeEnd.lowerBound].lowercased()
        guard scheme == "smtp" || scheme == "smtps" else { throw bad("the scheme must be smtp or smtps") }
        var rest = Substring(uri[schemeEnd.upperBound...])
        var query: Substring = ""
        if let mark = rest.firstIndex(of: "?") {
            query = rest[rest.index(after: mark)...]
            rest = rest[..<mark]
        }
        if let slash = rest.firstIndex(of: "/") {
            guard rest[slash...].allSatisfy({ $0 == "/" }) else { throw bad("a mail server's URI has no path") }
            rest = rest[..<slash]
        }
        var username: String?
        var password: String?
        if let at = rest.lastIndex(of: "@") {
            let userInfo = rest[..<at]
            rest = rest[rest.index(after: at)...]
            if let colon = userInfo.firstIndex(of: ":") {
                username = try Self.percentDecoded(userInfo[..<colon], bad)
                password = try Self.percentDecoded(userInfo[userInfo.index(after: colon)...], bad)
            } else {
                username = try Self.percentDecoded(userInfo, bad)
            }
        }
        var host = String(rest)
        var port: Int?
        if host.hasPrefix("[") {
            guard let close = host.firstIndex(of: "]") else { throw bad("an IPv6 address lacks its ]") }
            let after = host[host.index(after: close)...]
            if after.hasPrefix(":") {
                port = Int(after.dropFirst()) ?? -1
            } else if !after.isEmpty {
                throw bad("bad host")
            }
            host = String(host[host.index(after: host.startIndex)..<close])
        } else if let colon = host.lastIndex(of: ":") {
            port = Int(host[host.index(after: colon)...]) ?? -1
            host = String(host[..<colon])
        }
        guard !host.isEmpty else { throw bad("no host") }
        if let port, !(1...65535).contains(port) { throw bad("the port must be a number from 1 to 65535") }
        self.init(host: host, port: port, username: username, password: password, implicitTLS: scheme == "smtps")
        for pair in query.split(separator: "&") where !pair.isEmpty {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let key = String(parts[0])
            let value = parts.count > 1 ? try Self.percentDecoded(parts[1], bad) : ""
            switch key {
            case "starttls":
                guard let policy = StartTLS(rawValue: value.lowercased()) else {
                    throw bad("starttls must be required, optional or off, not '\(value)'")
                }
                guard !self.implicitTLS || policy != .required else {
                    throw bad("smtps:// is TLS from the start; starttls=required does not apply")
                }
                self.startTLS = policy
            case "ca_certs":
                self.caCertificatesFile = value
            case "timeout":
                guard let seconds = Double(value), seconds > 0, seconds.isFinite else {
                    throw bad("timeout must be a positive number of seconds, not '\(value)'")
                }
                self.timeout = .milliseconds(Int64((seconds * 1000).rounded()))
            case "helo":
                guard !value.isEmpty,
                    value.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "." || $0 == "-") })
                else {
                    throw bad("helo must be a host name")
                }
                self.heloName = value
            default:
                throw bad("unknown option '\(key)' (known: starttls, ca_certs, timeout, helo)")
            }
        }
    }

    /// The server as logs and errors show it: `smtp://user:**@host:port`.
    public var redactedURI: String {
        var text = self.implicitTLS ? "smtps://" : "smtp://"
        if let username { text += username + (self.password == nil ? "" : ":**") + "@" }
        text += self.host.contains(":") ? "[\(self.host)]" : self.host
        return text + ":\(self.port)"
    }

    /// The TLS settings: verification on, TLS 1.2 at least, the system's trust roots or ``caCertificatesFile``.
    public func tlsConfiguration() -> TLSConfiguration {
        var tls = TLSConfiguration.makeClientConfiguration()
        tls.minimumTLSVersion = .tlsv12
        tls.certificateVerification = .fullVerification
        if let file = self.caCertificatesFile { tls.trustRoots = .file(file) }
        return tls
    }

    private static func percentDecoded(_ text: Substring, _ bad: (String) -> SMTPError) throws -> String {
        var bytes: [UInt8] = []
        var iterator = text.utf8.makeIterator()
        while let byte = iterator.next() {
            guard byte == UInt8(ascii: "%") else {
                bytes.append(byte)
                continue
            }
            guard let high = iterator.next().flatMap(Self.hexValue), let low = iterator.next().flatMap(Self.hexValue)
            else {
                throw bad("a % is not followed by two hex digits")
            }
            bytes.append(high << 4 | low)
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    private static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): return byte - UInt8(ascii: "A") + 10
        default: return nil
        }
    }

    /// The URI with the password of its user info hidden.
    static func redact(_ uri: String) -> String {
        guard let schemeEnd = uri.firstRange(of: "://") else { return uri }
        let rest = uri[schemeEnd.upperBound...]
        let authority = rest.prefix { $0 != "?" }
        guard let at = authority.lastIndex(of: "@") else { return uri }
        let userInfo = authority[..<at]
        guard let colon = userInfo.firstIndex(of: ":") else { return uri }
        return String(uri[..<schemeEnd.upperBound]) + userInfo[..<colon] + ":**" + String(rest[at...])
    }
}
