//===----------------------------------------------------------------------===//
// This source file is part of Enoki. Licensed under Apache License v2.0.
//===----------------------------------------------------------------------===//

public import NIOCore

/// A command a client sends (RFC 5321 §4.1, RFC 4954 for `AUTH`, RFC 3207 for `STARTTLS`). No I/O.
public enum SMTPCommand: Hashable, Sendable, CustomStringConvertible {
    /// `EHLO name`.
    case ehlo(String)
    /// `HELO name`, for a server that does not know `EHLO`.
    case helo(String)
    /// `STARTTLS`.
    case startTLS
    /// `AUTH PLAIN` with the initial response (RFC 4616), base64.
    case authPlain(username: String, password: String)
    /// `AUTH LOGIN`.
    case authLogin
    /// A line answering an `AUTH` challenge, base64 of `text`.
    case authResponse(String)
    /// `MAIL FROM:<address>`, with `SMTPUTF8` when an address is not ASCII (RFC 6531).
    case mailFrom(String, smtpUTF8: Bool)
    /// `RCPT TO:<address>`.
    case rcptTo(String)
    /// `DATA`.
    case data
    /// `QUIT`.
    case quit

    /// The command's line, with its CRLF.
    public func write(into buffer: inout ByteBuffer) {
        switch self {
        case .ehlo(let name): buffer.writeString("EHLO \(name)")
        case .helo(let name): buffer.writeString("HELO \(name)")
        case .startTLS: buffer.writeString("STARTTLS")
        case .authPlain(let username, let password):
            buffer.writeString("AUTH PLAIN ")
            buffer.writeString(Base64.encode(Array("\0\(username)\0\(password)".utf8)))
        case .authLogin: buffer.writeString("AUTH LOGIN")
        case .authResponse(let text): buffer.writeString(Base64.encode(Array(text.utf8)))
        case .mailFrom(let address, let smtpUTF8):
            buffer.writeString("MAIL FROM:<\(address)>" + (smtpUTF8 ? " SMTPUTF8" : ""))
        case .rcptTo(let address): buffer.writeString("RCPT TO:<\(address)>")
        case .data: buffer.writeString("DATA")
        case .quit: buffer.writeString("QUIT")
        }
        buffer.writeString("\r\n")
    }

    /// The command as a log line shows it: credentials are never shown.
    public var description: String {
        switch self {
        case .ehlo(let name): return "EHLO \(name)"
        case .helo(let name): return "HELO \(name)"
        case .startTLS: return "STARTTLS"
        case .authPlain: return "AUTH PLAIN **"
        case .authLogin: return "AUTH LOGIN"
        case .authResponse: return "**"
        case .mailFrom(let address, let smtpUTF8): return "MAIL FROM:<\(address)>" + (smtpUTF8 ? " SMTPUTF8" : "")
        case .rcptTo(let address): return "RCPT TO:<\(address)>"
        case .data: return "DATA"
        case .quit: return "QUIT"
        }
    }
}
