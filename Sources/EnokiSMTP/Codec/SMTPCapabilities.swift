//===----------------------------------------------------------------------===//
// This source file is part of Enoki. Licensed under Apache License v2.0.
//===----------------------------------------------------------------------===//

/// The extensions a server names in its reply to `EHLO` (`STARTTLS`, `AUTH PLAIN LOGIN`, `SIZE 10240000`, …).
public struct SMTPCapabilities: Hashable, Sendable {
    /// Each keyword, upper-cased, with its parameters.
    public var extensions: [String: [String]]

    /// The capabilities in a reply to `EHLO`: every line after the first names one extension.
    public init(ehloReply reply: SMTPReply) {
        var extensions: [String: [String]] = [:]
        for line in reply.lines.dropFirst() {
            let words = line.split(whereSeparator: { $0 == " " || $0 == "=" }).map(String.init)
            guard let keyword = words.first?.uppercased() else { continue }
            extensions[keyword, default: []] += words.dropFirst().map { $0.uppercased() }
        }
        self.extensions = extensions
    }

    /// No extensions (a server answered `HELO`).
    public init() {
        self.extensions = [:]
    }

    /// Whether the server offers `STARTTLS`.
    public var startTLS: Bool { self.extensions["STARTTLS"] != nil }
    /// Whether the server takes addresses that are not ASCII (`SMTPUTF8`).
    public var smtpUTF8: Bool { self.extensions["SMTPUTF8"] != nil }
    /// The `AUTH` mechanisms the server offers.
    public var authMechanisms: Set<String> { Set(self.extensions["AUTH"] ?? []) }
    /// The largest message the server takes (`SIZE`), when it says.
    public var maximumSize: Int? { self.extensions["SIZE"]?.first.flatMap { Int($0) }.flatMap { $0 > 0 ? $0 : nil } }
}
