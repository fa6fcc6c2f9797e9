//===----------------------------------------------------------------------===//
// This source file is part of Enoki. Licensed under Apache License v2.0.
//===----------------------------------------------------------------------===//

/// What went wrong sending a mail: the module's one error type.
///
/// The message names the step of the SMTP session that failed, the server (with no password) and, when the server
/// answered, its reply: `SMTP AUTH failed at smtp://mailer:**@127.0.0.1:8025: the server replied 535 5.7.8
/// Authentication credentials invalid`.
public struct SMTPError: Error, Sendable, CustomStringConvertible {
    /// The kind of failure.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Base: String {
            case configuration, invalidMessage, connect, timeout, rejected, tls, protocolViolation, connectionClosed
            case unsupported
        }

        private let base: Base

        /// `SMTP_URI` or another setting is not usable.
        public static let configuration = Code(base: .configuration)
        /// The mail cannot be sent as it is (an address that is not one, no recipient).
        public static let invalidMessage = Code(base: .invalidMessage)
        /// The server could not be reached.
        public static let connect = Code(base: .connect)
        /// The server did not answer within the step's timeout.
        public static let timeout = Code(base: .timeout)
        /// The server answered with a failure reply (4xx or 5xx).
        public static let rejected = Code(base: .rejected)
        /// The TLS handshake failed (an untrusted certificate, a name that does not match).
        public static let tls = Code(base: .tls)
        /// The server sent something that is not an SMTP reply.
        public static let protocolViolation = Code(base: .protocolViolation)
        /// The server closed the connection before the mail was accepted.
        public static let connectionClosed = Code(base: .connectionClosed)
        /// The server lacks what the settings require (STARTTLS, AUTH, SMTPUTF8).
        public static let unsupported = Code(base: .unsupported)

        public var description: String { self.base.rawValue }
    }

    /// The kind of failure.
    public var code: Code
    /// The step of the session that failed.
    public var step: SMTPStep?
    /// The server's reply, when it sent one.
    public var reply: SMTPReply?
    /// The server, as `smtp://user:**@host:port`.
    public var server: String?
    /// What went wrong, in words.
    public var message: String

    /// An error.
    public init(_ code: Code, _ message: String, step: SMTPStep? = nil, reply: SMTPReply? = nil, server: String? = nil)
    {
        self.code = code
        self.message = message
        self.step = step
        self.reply = reply
        self.server = server
    }

    /// Whether a later attempt may succeed: a timeout, a lost connection, a server that could not be reached, or a
    /// transient (4xx) reply.
    public var isTransient: Bool {
        if let reply { return reply.isTransientFailure }
        return self.code == .timeout || self.code == .connect || self.code == .connectionClosed
    }

    public var description: String {
        var text = "SMTP"
        if let step { text += " \(step) failed" } else { text += " error" }
        if let server { text += " at \(server)" }
        text += ": \(self.message)"
        return text
    }

    func at(_ server: String) -> SMTPError {
        var copy = self
        copy.server = server
        return copy
    }
}

/// A step of an SMTP session, as errors name it.
public enum SMTPStep: Sendable, CustomStringConvertible {
    /// Opening the TCP connection.
    case connect
    /// The server's `220` greeting.
    case greeting
    /// `EHLO` (or the `HELO` it falls back to).
    case hello
    /// `STARTTLS` and the handshake after it, or the handshake of implicit TLS.
    case startTLS
    /// `AUTH PLAIN` or `AUTH LOGIN`.
    case auth
    /// `MAIL FROM`.
    case mailFrom
    /// `RCPT TO`.
    case rcptTo
    /// `DATA`.
    case data
    /// The message itself, up to the server's acceptance.
    case message
    /// `QUIT`.
    case quit

    public var description: String {
        switch self {
        case .connect: return "connect"
        case .greeting: return "greeting"
        case .hello: return "EHLO"
        case .startTLS: return "STARTTLS"
        case .auth: return "AUTH"
        case .mailFrom: return "MAIL FROM"
        case .rcptTo: return "RCPT TO"
        case .data: return "DATA"
        case .message: return "message"
        case .quit: return "QUIT"
        }
    }
}
