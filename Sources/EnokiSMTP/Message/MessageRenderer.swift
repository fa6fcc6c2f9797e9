//===----------------------------------------------------------------------===//
// This source file is part of Enoki. Licensed under Apache License v2.0.
//===----------------------------------------------------------------------===//

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Writes a ``MailMessage`` as the bytes of an Internet message (RFC 5322 headers, a MIME body). No I/O.
///
/// - Header text that is not ASCII is written as RFC 2047 encoded words, folded onto lines of their own.
/// - A text body that is ASCII with lines of at most 998 bytes is sent as it is (`7bit`); any other is UTF-8 in
///   base64, lines of 76. An HTML body makes the message `multipart/alternative`.
/// - Every line ends in CRLF, whatever the text used.
public struct MessageRenderer: Sendable {
    /// The `Date` header's time, as seconds since 1970; `nil` for now.
    public var date: Int?
    /// Makes the random parts (the `Message-ID`, MIME boundaries); tests give a fixed one.
    public var randomHex: @Sendable (Int) -> String

    /// A renderer.
    public init(date: Int? = nil, randomHex: @escaping @Sendable (Int) -> String = MessageRenderer.systemRandomHex) {
        self.date = date
        self.randomHex = randomHex
    }

    /// The message's bytes, headers and body, each line ending in CRLF.
    ///
    /// - Throws: ``SMTPError`` with code ``SMTPError/Code/invalidMessage`` for a header name that is not one.
    public func render(_ message: MailMessage) throws -> [UInt8] {
        var out = HeaderWriter()
        out.header("From", mailboxes: [message.from])
        if !message.to.isEmpty { out.header("To", mailboxes: message.to) }
        if !message.cc.isEmpty { out.header("Cc", mailboxes: message.cc) }
        if let replyTo = message.replyTo { out.header("Reply-To", mailboxes: [replyTo]) }
        out.header("Subject", text: message.subject)
        out.raw("Date", Self.dateText(self.date ?? Int(time(nil))))
        let domain = message.from.address.split(separator: "@").last.map(String.init) ?? "localhost"
        out.raw("Message-ID", "<\(self.randomHex(16)).\(self.randomHex(8))@\(domain)>")
        for (name, value) in message.headers {
            guard !name.isEmpty, name.utf8.allSatisfy({ $0 > 0x20 && $0 < 0x7F && $0 != UInt8(ascii: ":") }) else {
                throw SMTPError(.invalidMessage, "\(name.debugDescription) is not a header name")
            }
            out.header(name, text: value)
        }
        out.raw("MIME-Version", "1.0")
        if let html = message.html {
            let boundary = "=_\(self.randomHex(12))"
            out.raw("Content-Type", "multipart/alternative; boundary=\"\(boundary)\"")
            out.line("")
            out.line("This is a multi-part message in MIME format.")
            for (subtype, body) in [("plain", message.text), ("html", html)] {
                out.line("--\(boundary)")
                Self.part(subtype, body, into: &out)
            }
            out.line("--\(boundary)--")
        } else {
            Self.part("plain", message.text, into: &out)
        }
        return out.bytes
    }

    /// The bytes that follow `DATA`: the message with each line that starts with a dot given another (RFC 5321
    /// §4.5.2), and the closing `.` line.
    public static func dataBytes(_ message: [UInt8]) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(message.count + 64)
        var atLineStart = true
        for byte in message {
            if atLineStart, byte == UInt8(ascii: ".") { out.append(byte) }
            out.append(byte)
            atLineStart = byte == UInt8(ascii: "\n")
        }
        if !atLineStart { out += Array("\r\n".utf8) }
        out += Array(".\r\n".utf8)
        return out
    }

    private static func part(_ subtype: String, _ body: String, into out: inout HeaderWriter) {
        let lines = Self.lines(body)
        let plain = lines.allSatisfy { line in line.utf8.count <= 998 && line.utf8.allSatisfy { $0 < 0x80 && $0 != 0 } }
        out.raw("Content-Type", "text/\(subtype); charset=\"utf-8\"")
        if plain {
            out.raw("Content-Transfer-Encoding", "7bit")
            out.line("")
            for line in lines { out.line(line) }
        } else {
            out.raw("Content-Transfer-Encoding", "base64")
            out.line("")
            let encoded = Array(Base64.encode(Array(lines.joined(separator: "\r\n").utf8)).utf8)
            var start = 0
            while start < encoded.count {
                let end = min(start + 76, encoded.count)
                out.line(String(decoding: encoded[start..<end], as: UTF8.self))
                start = end
            }
        }
    }

    /// The text's lines, whatever ends them (CRLF, LF or CR).
    static func lines(_ text: String) -> [String] {
        var lines: [String] = []
        var current = ""
        for character in text {
            if character == "\r\n" || character == "\n" || character == "\r" {
                lines.append(current)
                current = ""
            } else {
                current.append(character)
            }
        }
        lines.append(current)
        return lines
    }

    /// RFC 5322's date: `Wed, 02 Dec 2026 05:09:14 +0000`.
    static func dateText(_ seconds: Int) -> String {
        var time = time_t(seconds)
        var parts = tm()
        gmtime_r(&time, &parts)
        let days = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"]
        let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
        func two(_ value: Int32) -> String { value < 10 ? "0\(value)" : "\(value)" }
        return
            "\(days[Int(parts.tm_wday)]), \(two(parts.tm_mday)) \(months[Int(parts.tm_mon)]) \(parts.tm_year + 1900) "
            + "\(two(parts.tm_hour)):\(two(parts.tm_min)):\(two(parts.tm_sec)) +0000"
    }

    /// Random lowercase hex digits, `count` of them.
    public static func systemRandomHex(_ count: Int) -> String {
        var generator = SystemRandomNumberGenerator()
        return String((0..<count).map { _ in Array("0123456789abcdef")[Int(generator.next() % 16)] })
    }
}

/// Writes header lines, folding long ones.
private struct HeaderWriter {
    var bytes: [UInt8] = []

    mutating func line(_ text: String) {
        self.bytes += Array(text.utf8)
        self.bytes += [0x0D, 0x0A]
    }

    /// A header whose value is written as it is (ASCII made here).
    mutating func raw(_ name: String, _ value: String) {
        self.line("\(name): \(value)")
    }

    /// A header of free text: encoded words when it needs them, folded at spaces when it is long.
    mutating func header(_ name: String, text: String) {
        let value = MailAddress.singleLine(text)
        if EncodedWords.needsEncoding(value) {
            self.folded(name, EncodedWords.encode(value))
        } else {
            self.folded(name, value.split(separator: " ", omittingEmptySubsequences: false).map(String.init))
        }
    }

    /// A header of mailboxes, separated by commas.
    mutating func header(_ name: String, mailboxes: [MailAddress]) {
        var tokens: [String] = []
        for (index, mailbox) in mailboxes.enumerated() {
            let separator = index < mailboxes.count - 1 ? "," : ""
            guard let displayName = mailbox.name else {
                tokens.append("<\(mailbox.address)>" + separator)
                continue
            }
            if EncodedWords.needsEncoding(displayName) {
                tokens += EncodedWords.encode(displayName)
            } else if displayName.allSatisfy({
                $0.isLetter || $0.isNumber || $0 == " " || "!#$%&'*+-/=?^_`{|}~".contains($0)
            }) {
                tokens += displayName.split(separator: " ").map(String.init)
            } else {
                let quoted = displayName.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(
                    of: "\"",
                    with: "\\\""
                )
                tokens.append("\"\(quoted)\"")
            }
            tokens.append("<\(mailbox.address)>" + separator)
        }
        self.folded(name, tokens)
    }

    /// `name: token token …`, starting a new line (with a leading space) before a token that would pass 78
    /// characters.
    private mutating func folded(_ name: String, _ tokens: [String]) {
        var current = "\(name):"
        for token in tokens {
            if current.utf8.count + 1 + token.utf8.count > 78, current.utf8.count > name.utf8.count + 1 {
                self.line(current)
                current = " " + token
            } else {
                current += " " + token
            }
        }
        self.line(current)
    }
}

extension String {
    fileprivate func replacingOccurrences(of target: String, with replacement: String) -> String {
        self.split(separator: target, omittingEmptySubsequences: false).joined(separator: replacement)
    }
}
