//===----------------------------------------------------------------------===//
// This source file is part of Enoki. Licensed under Apache License v2.0.
//===----------------------------------------------------------------------===//

/// One reply of an SMTP server: a three-digit code and one or more lines of text (RFC 5321 §4.2).
public struct SMTPReply: Hashable, Sendable, CustomStringConvertible {
    /// The reply code, such as `250` or `535`.
    public var code: Int
    /// The text of each line, without the code and its separator.
    public var lines: [String]
    /// Whether more bytes had come after this reply when it was read (not part of equality). After the `220` to
    /// `STARTTLS` nothing may: bytes sent before the handshake would be read as if they came over TLS.
    public var bytesFollowed: Bool = false

    /// A reply.
    public init(code: Int, lines: [String]) {
        self.code = code
        self.lines = lines
    }

    public static func == (lhs: SMTPReply, rhs: SMTPReply) -> Bool {
        lhs.code == rhs.code && lhs.lines == rhs.lines
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(self.code)
        hasher.combine(self.lines)
    }

    /// `2xx`: the command was done.
    public var isPositive: Bool { (200..<300).contains(self.code) }
    /// `3xx`: the server waits for more (the message after `DATA`, a credential after `AUTH`).
    public var isIntermediate: Bool { (300..<400).contains(self.code) }
    /// `4xx`: failed for now; the same command may succeed later.
    public var isTransientFailure: Bool { (400..<500).contains(self.code) }
    /// `5xx`: failed.
    public var isPermanentFailure: Bool { (500..<600).contains(self.code) }

    /// The reply as the server wrote it, its lines joined by a space: `535 5.7.8 Authentication credentials invalid`.
    public var description: String {
        ([String(self.code)] + self.lines.filter { !$0.isEmpty }).joined(separator: " ")
    }
}
