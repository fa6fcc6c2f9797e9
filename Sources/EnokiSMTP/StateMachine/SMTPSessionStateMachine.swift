//===----------------------------------------------------------------------===//
// This source file is part of Enoki. Licensed under Apache License v2.0.
//===----------------------------------------------------------------------===//

/// One SMTP session that sends one mail, as a state machine: it is told what the server said (or that the TLS
/// handshake ended, the step timed out, the connection closed) and returns what to do next. No I/O.
///
/// The session: the greeting; `EHLO` (falling back to `HELO`); `STARTTLS` and `EHLO` again when the settings and
/// the server call for it; `AUTH PLAIN` or `AUTH LOGIN` when there are credentials; `MAIL FROM`, `RCPT TO` for
/// each recipient, `DATA`, the message; `QUIT` once the server has taken it.
struct SMTPSessionStateMachine: Sendable {
    /// What the session is set to do.
    struct Settings: Sendable {
        /// The name the client gives in `EHLO`.
        var heloName: String
        /// Whether, and how, to upgrade a plain connection.
        var startTLS: SMTPConfiguration.StartTLS
        /// Whether the connection is TLS from its first byte (`smtps://`).
        var implicitTLS: Bool
        /// The user name and password, if the server wants them.
        var credentials: (username: String, password: String)?
        /// The step timeout, for the messages of errors.
        var timeout: Duration
    }

    /// What the session sends: the envelope and the message.
    struct Envelope: Sendable {
        /// `MAIL FROM`.
        var from: String
        /// `RCPT TO`, each.
        var recipients: [String]
        /// Whether an address is not ASCII.
        var needsSMTPUTF8: Bool
        /// The bytes after `DATA`, dot-stuffed and closed.
        var data: [UInt8]
    }

    /// What the handler does next.
    enum Action: Sendable {
        /// Write the command, and wait for its reply within the timeout.
        case send(SMTPCommand)
        /// Write the message, and wait for the server's acceptance within the timeout.
        case sendMessage([UInt8])
        /// Start TLS on the connection, and wait for the handshake within the timeout.
        case startTLS
        /// The mail is accepted: give the receipt to the caller, then send `QUIT`.
        case accepted(SMTPReceipt)
        /// The mail is not sent: give the error to the caller and close the connection.
        case fail(SMTPError)
        /// Close the connection.
        case close
        /// Nothing.
        case none
    }

    private enum State: Sendable {
        case greeting
        case hello(secure: Bool)
        case helo(secure: Bool)
        case startTLS
        case handshake
        case authPlain
        case authLogin(passwordSent: Bool, usernameSent: Bool)
        case mailFrom
        case rcptTo(index: Int, accepted: [String], refused: [String: SMTPReply])
        case data(accepted: [String], refused: [String: SMTPReply])
        case message(accepted: [String], refused: [String: SMTPReply])
        case quit
        case done
    }

    private let settings: Settings
    private let envelope: Envelope
    private var state: State = .greeting
    private var secure: Bool
    private var capabilities = SMTPCapabilities()

    init(settings: Settings, envelope: Envelope) {
        self.settings = settings
        self.envelope = envelope
        self.secure = settings.implicitTLS
    }

    /// The step the session is in.
    var step: SMTPStep {
        switch self.state {
        case .greeting: return self.settings.implicitTLS && !self.secure ? .startTLS : .greeting
        case .hello, .helo: return .hello
        case .startTLS, .handshake: return .startTLS
        case .authPlain, .authLogin: return .auth
        case .mailFrom: return .mailFrom
        case .rcptTo: return .rcptTo
        case .data: return .data
        case .message: return .message
        case .quit, .done: return .quit
        }
    }

    /// Whether the session is over (the mail accepted or failed).
    var isFinished: Bool {
        switch self.state {
        case .quit, .done: return true
        default: return false
        }
    }

    /// The server replied.
    mutating func replyReceived(_ reply: SMTPReply) -> Action {
        switch self.state {
        case .greeting:
            guard reply.code == 220 else { return self.fail(.rejected, "the server greeted with \(reply)", reply) }
            self.state = .hello(secure: self.secure)
            return .send(.ehlo(self.settings.heloName))
        case .hello(let secure):
            guard reply.isPositive else {
                // A server that does not know EHLO: HELO, with no extensions.
                self.state = .helo(secure: secure)
                return .send(.helo(self.settings.heloName))
            }
            self.capabilities = SMTPCapabilities(ehloReply: reply)
            return self.afterHello()
        case .helo:
            guard reply.isPositive else { return self.refused(reply) }
            self.capabilities = SMTPCapabilities()
            return self.afterHello()
        case .startTLS:
            guard reply.code == 220 else { return self.refused(reply) }
            guard !reply.bytesFollowed else {
                // Bytes before the handshake would be taken as the server's first words over TLS (CVE-2011-0411).
                return self.fail(
                    .protocolViolation,
                    "the server sent more after its 220 to STARTTLS, before the TLS handshake",
                    reply
                )
            }
            self.state = .handshake
            return .startTLS
        case .handshake:
            return self.fail(.protocolViolation, "the server sent \(reply) during the TLS handshake", reply)
        case .authPlain:
            guard reply.code == 235 else { return self.refused(reply) }
            return self.mailFrom()
        case .authLogin(let passwordSent, let usernameSent):
            guard let credentials = self.settings.credentials else {
                return self.fail(.protocolViolation, "no credentials")
            }
            if passwordSent {
                guard reply.code == 235 else { return self.refused(reply) }
                return self.mailFrom()
            }
            guard reply.code == 334 else { return self.refused(reply) }
            if usernameSent {
                self.state = .authLogin(passwordSent: true, usernameSent: true)
                return .send(.authResponse(credentials.password))
            }
            self.state = .authLogin(passwordSent: false, usernameSent: true)
            return .send(.authResponse(credentials.username))
        case .mailFrom:
            guard reply.isPositive else { return self.refused(reply) }
            self.state = .rcptTo(index: 0, accepted: [], refused: [:])
            return .send(.rcptTo(self.envelope.recipients[0]))
        case .rcptTo(let index, var accepted, var refused):
            let recipient = self.envelope.recipients[index]
            if reply.isPositive { accepted.append(recipient) } else { refused[recipient] = reply }
            let next = index + 1
            if next < self.envelope.recipients.count {
                self.state = .rcptTo(index: next, accepted: accepted, refused: refused)
                return .send(.rcptTo(self.envelope.recipients[next]))
            }
            guard !accepted.isEmpty else {
                let list = self.envelope.recipients.map { "<\($0)> (\(refused[$0].map { "\($0)" } ?? "?"))" }
                return self.fail(
                    .rejected,
                    "the server refused every recipient: \(list.joined(separator: ", "))",
                    reply
                )
            }
            self.state = .data(accepted: accepted, refused: refused)
            return .send(.data)
        case .data(let accepted, let refused):
            guard reply.code == 354 else { return self.refused(reply) }
            self.state = .message(accepted: accepted, refused: refused)
            return .sendMessage(self.envelope.data)
        case .message(let accepted, let refused):
            guard reply.isPositive else { return self.refused(reply) }
            self.state = .quit
            return .accepted(SMTPReceipt(accepted: accepted, refused: refused, reply: reply))
        case .quit:
            self.state = .done
            return .close
        case .done:
            return .none
        }
    }

    /// The TLS handshake is done.
    mutating func tlsEstablished() -> Action {
        switch self.state {
        case .handshake:
            self.secure = true
            self.state = .hello(secure: true)
            return .send(.ehlo(self.settings.heloName))
        case .greeting where self.settings.implicitTLS:
            self.secure = true
            return .none
        default:
            return .none
        }
    }

    /// TLS failed (an untrusted certificate, a name that does not match).
    mutating func tlsFailed(_ description: String) -> Action {
        guard !self.isFinished else { return .close }
        return self.fail(.tls, "the TLS handshake failed: \(description)", step: .startTLS)
    }

    /// The step's timeout passed with no answer.
    mutating func timedOut() -> Action {
        guard !self.isFinished else {
            self.state = .done
            return .close
        }
        return self.fail(.timeout, "the server did not answer within \(Self.seconds(self.settings.timeout))")
    }

    /// The connection closed.
    mutating func connectionClosed() -> Action {
        guard !self.isFinished else {
            self.state = .done
            return .none
        }
        return self.fail(.connectionClosed, "the server closed the connection")
    }

    /// The connection failed, or the server sent what is not a reply.
    mutating func errorCaught(_ error: any Error) -> Action {
        guard !self.isFinished else {
            self.state = .done
            return .close
        }
        if let error = error as? SMTPError { return self.fail(error.code, error.message) }
        return self.fail(.connectionClosed, "the connection failed: \(error)")
    }

    private mutating func afterHello() -> Action {
        if !self.secure, !self.settings.implicitTLS {
            switch self.settings.startTLS {
            case .required:
                guard self.capabilities.startTLS else {
                    return self.fail(
                        .unsupported,
                        "the server does not offer STARTTLS, which starttls=required asks for",
                        step: .startTLS
                    )
                }
                self.state = .startTLS
                return .send(.startTLS)
            case .optional where self.capabilities.startTLS:
                self.state = .startTLS
                return .send(.startTLS)
            case .optional, .off:
                break
            }
        }
        guard let credentials = self.settings.credentials else { return self.mailFrom() }
        if !self.secure, self.settings.startTLS != .off {
            return self.fail(
                .unsupported,
                "the server offers no STARTTLS, and the password is not sent over a connection that is not "
                    + "encrypted (use smtps://, or starttls=off to allow it)",
                step: .auth
            )
        }
        let mechanisms = self.capabilities.authMechanisms
        if mechanisms.contains("PLAIN") {
            self.state = .authPlain
            return .send(.authPlain(username: credentials.username, password: credentials.password))
        }
        if mechanisms.contains("LOGIN") {
            self.state = .authLogin(passwordSent: false, usernameSent: false)
            return .send(.authLogin)
        }
        let offered = mechanisms.isEmpty ? "no AUTH at all" : "AUTH \(mechanisms.sorted().joined(separator: " "))"
        return self.fail(
            .unsupported,
            "the server offers \(offered), and a user and password need PLAIN or LOGIN",
            step: .auth
        )
    }

    private mutating func mailFrom() -> Action {
        if self.envelope.needsSMTPUTF8, !self.capabilities.smtpUTF8 {
            return self.fail(
                .unsupported,
                "an address is not ASCII, and the server does not offer SMTPUTF8",
                step: .mailFrom
            )
        }
        if let maximum = self.capabilities.maximumSize, self.envelope.data.count > maximum {
            return self.fail(
                .unsupported,
                "the message is \(self.envelope.data.count) bytes, and the server takes at most \(maximum)",
                step: .mailFrom
            )
        }
        self.state = .mailFrom
        return .send(.mailFrom(self.envelope.from, smtpUTF8: self.envelope.needsSMTPUTF8))
    }

    /// The server answered the step with a failure (or with a code the step does not take).
    private mutating func refused(_ reply: SMTPReply) -> Action {
        self.fail(.rejected, "the server replied \(reply)", reply)
    }

    private mutating func fail(
        _ code: SMTPError.Code,
        _ message: String,
        _ reply: SMTPReply? = nil,
        step: SMTPStep? = nil
    ) -> Action {
        let error = SMTPError(code, message, step: step ?? self.step, reply: reply)
        self.state = .done
        return .fail(error)
    }

    private static func seconds(_ duration: Duration) -> String {
        let (seconds, attoseconds) = duration.components
        if attoseconds == 0 { return "\(seconds) s" }
        return "\(Double(seconds) + Double(attoseconds) / 1e18) s"
    }
}

/// What the server said of a mail it took.
public struct SMTPReceipt: Sendable {
    /// The recipients it took.
    public var accepted: [String]
    /// The recipients it refused, with its reply to each.
    public var refused: [String: SMTPReply]
    /// Its reply to the message (`250 OK queued as …`).
    public var reply: SMTPReply
}
