//===----------------------------------------------------------------------===//
// This source file is part of Enoki. Licensed under Apache License v2.0.
//===----------------------------------------------------------------------===//

import EnokiAMQPProtocol

/// The connection-level protocol: the opening handshake, `connection.close` in both directions,
/// `connection.blocked`, and what a lost socket means at each step.
///
/// A plain value: each event is a mutating method that returns what the handler must do. It holds no promises and
/// does no I/O, so it is tested without a broker or an event loop.
struct ConnectionStateMachine {
    /// The limits both sides agreed on.
    struct Tuning: Hashable, Sendable {
        var channelMax: UInt16
        var frameMax: UInt32
        var heartbeat: UInt16
    }

    /// What the client asks for.
    struct Settings: Sendable {
        var username: String
        var password: String
        var virtualHost: String
        var mechanism: AMQPConnection.AuthenticationMechanism
        var heartbeat: UInt16
        var frameMax: UInt32
        var channelMax: UInt16
        var clientProperties: FieldTable
    }

    private enum State {
        case initialized
        case awaitingStart
        case awaitingTune(serverProperties: FieldTable)
        case awaitingOpenOk(Tuning, serverProperties: FieldTable)
        case open(Tuning)
        /// We sent `connection.close` and wait for `close-ok`; the error says why, for pending work.
        case closing(AMQPError)
        case closed(AMQPError)
    }

    enum Action: Equatable {
        /// Write the protocol header.
        case sendProtocolHeader
        /// Write a method on channel 0.
        case send(AMQPMethod)
        /// Write `tune-ok` and `open`, then apply the tuning (frame size, heartbeats).
        case sendTuneOkAndOpen(tuneOk: AMQPMethod, open: AMQPMethod, Tuning)
        /// The connection is open: succeed the connect request.
        case established(Tuning, serverProperties: FieldTable)
        /// Write `connection.close` and fail all pending work with the error; then either keep the socket open
        /// for `close-ok` or, when our side of the stream cannot be trusted, close it at once.
        case sendClose(AMQPMethod, failWith: AMQPError, closeSocket: Bool)
        /// Write `close-ok` (when given), close the socket and fail all pending work with the error.
        case closeSocket(sendCloseOk: Bool, failWith: AMQPError)
        /// The socket is gone: fail all pending work with the error.
        case failAll(AMQPError)
        /// The broker asks us to stop publishing.
        case blocked(reason: String)
        /// The broker lets us publish again.
        case unblocked
        case none

        static func == (lhs: Action, rhs: Action) -> Bool {
            switch (lhs, rhs) {
            case (.sendProtocolHeader, .sendProtocolHeader), (.unblocked, .unblocked), (.none, .none): return true
            case (.send(let a), .send(let b)): return a == b
            case (.sendTuneOkAndOpen(let a1, let a2, let a3), .sendTuneOkAndOpen(let b1, let b2, let b3)):
                return a1 == b1 && a2 == b2 && a3 == b3
            case (.established(let a1, let a2), .established(let b1, let b2)): return a1 == b1 && a2 == b2
            case (.sendClose(let a1, let a2, let a3), .sendClose(let b1, let b2, let b3)):
                return a1 == b1 && a2.code == b2.code && a3 == b3
            case (.closeSocket(let a1, let a2), .closeSocket(let b1, let b2)): return a1 == b1 && a2.code == b2.code
            case (.failAll(let a), .failAll(let b)): return a.code == b.code
            case (.blocked(let a), .blocked(let b)): return a == b
            default: return false
            }
        }
    }

    private var state: State = .initialized
    private let settings: Settings

    init(settings: Settings) {
        self.settings = settings
    }

    var isOpen: Bool {
        if case .open = self.state { return true }
        return false
    }

    var tuning: Tuning? {
        if case .open(let tuning) = self.state { return tuning }
        return nil
    }

    /// The error the connection closed with, once it is closed or closing.
    var closeError: AMQPError? {
        switch self.state {
        case .closing(let error), .closed(let error): return error
        case .initialized, .awaitingStart, .awaitingTune, .awaitingOpenOk, .open: return nil
        }
    }

    mutating func channelActive() -> Action {
        switch self.state {
        case .initialized:
            self.state = .awaitingStart
            return .sendProtocolHeader
        case .awaitingStart, .awaitingTune, .awaitingOpenOk, .open, .closing, .closed:
            return .none
        }
    }

    mutating func startReceived(_ start: AMQPMethod.Connection.Start) -> Action {
        guard case .awaitingStart = self.state else {
            return self.unexpected("connection.start")
        }
        guard start.versionMajor == 0, start.versionMinor == 9 else {
            return self.failHandshake(
                AMQPError(
                    .handshakeFailed,
                    "the broker speaks AMQP \(start.versionMajor)-\(start.versionMinor), not 0-9-1"
                )
            )
        }
        let offered = start.mechanisms.split(separator: " ").map(String.init)
        guard offered.contains(self.settings.mechanism.name) else {
            return self.failHandshake(
                AMQPError(
                    .handshakeFailed,
                    "the broker offers login mechanisms \(offered.joined(separator: ", ")), not \(self.settings.mechanism)"
                )
            )
        }
        self.state = .awaitingTune(serverProperties: start.serverProperties)
        let response = self.settings.mechanism.response(
            username: self.settings.username,
            password: self.settings.password
        )
        return .send(
            .connectionStartOk(
                .init(
                    clientProperties: self.settings.clientProperties,
                    mechanism: self.settings.mechanism.name,
                    response: response,
                    locale: "en_US"
                )
            )
        )
    }

    mutating func secureReceived() -> Action {
        guard case .awaitingTune = self.state else {
            return self.unexpected("connection.secure")
        }
        return self.failHandshake(
            AMQPError(
                .handshakeFailed,
                "the broker sent a login challenge, which \(self.settings.mechanism) does not use"
            )
        )
    }

    mutating func tuneReceived(_ tune: AMQPMethod.Connection.Tune) -> Action {
        guard case .awaitingTune(let serverProperties) = self.state else {
            return self.unexpected("connection.tune")
        }
        let tuning = Tuning(
            channelMax: Self.negotiate(client: self.settings.channelMax, server: tune.channelMax, unlimited: .max),
            frameMax: Self.negotiate(client: self.settings.frameMax, server: tune.frameMax, unlimited: .max),
            heartbeat: self.settings.heartbeat == 0
                ? 0 : Self.negotiate(client: self.settings.heartbeat, server: tune.heartbeat, unlimited: 0)
        )
        self.state = .awaitingOpenOk(tuning, serverProperties: serverProperties)
        return .sendTuneOkAndOpen(
            tuneOk: .connectionTuneOk(
                .init(channelMax: tuning.channelMax, frameMax: tuning.frameMax, heartbeat: tuning.heartbeat)
            ),
            open: .connectionOpen(.init(virtualHost: self.settings.virtualHost)),
            tuning
        )
    }

    mutating func openOkReceived() -> Action {
        guard case .awaitingOpenOk(let tuning, let serverProperties) = self.state else {
            return self.unexpected("connection.open-ok")
        }
        self.state = .open(tuning)
        return .established(tuning, serverProperties: serverProperties)
    }

    mutating func closeReceived(_ close: AMQPMethod.Connection.Close) -> Action {
        let code = ReplyCode(rawValue: close.replyCode)
        let error: AMQPError
        switch self.state {
        case .initialized, .awaitingStart:
            error = AMQPError(
                .handshakeFailed,
                "the broker closed the connection during the handshake: \(code) - \(close.replyText)",
                replyCode: code,
                replyText: close.replyText
            )
        case .awaitingTune:
            error = AMQPError(
                code == .accessRefused ? .authenticationFailed : .handshakeFailed,
                code == .accessRefused
                    ? "the broker refused the login of user '\(self.settings.username)': \(close.replyText)"
                    : "the broker closed the connection during login: \(code) - \(close.replyText)",
                replyCode: code,
                replyText: close.replyText
            )
        case .awaitingOpenOk:
            error = AMQPError(
                .virtualHostRefused,
                "the broker refused virtual host '\(self.settings.virtualHost)' to user '\(self.settings.username)': \(close.replyText)",
                replyCode: code,
                replyText: close.replyText
            )
        case .open:
            error = AMQPError(
                .connectionClosedByBroker,
                "the broker closed the connection: \(code) - \(close.replyText)",
                replyCode: code,
                replyText: close.replyText,
                failingMethod: AMQPError.methodName(classID: close.classID, methodID: close.methodID)
            )
        case .closing(let ours):
            error = ours
        case .closed:
            return .none
        }
        self.state = .closed(error)
        return .closeSocket(sendCloseOk: true, failWith: error)
    }

    mutating func closeOkReceived() -> Action {
        switch self.state {
        case .closing(let error):
            self.state = .closed(error)
            return .closeSocket(sendCloseOk: false, failWith: error)
        case .initialized, .awaitingStart, .awaitingTune, .awaitingOpenOk, .open:
            return self.unexpected("connection.close-ok")
        case .closed:
            return .none
        }
    }

    mutating func blockedReceived(reason: String) -> Action {
        guard case .open = self.state else { return .none }
        return .blocked(reason: reason)
    }

    mutating func unblockedReceived() -> Action {
        guard case .open = self.state else { return .none }
        return .unblocked
    }

    /// The user asks to close the connection.
    mutating func closeRequested() -> Action {
        switch self.state {
        case .open:
            let error = AMQPError(.connectionClosed, "the connection was closed")
            self.state = .closing(error)
            return .sendClose(
                .connectionClose(
                    .init(replyCode: ReplyCode.replySuccess.rawValue, replyText: "bye", classID: 0, methodID: 0)
                ),
                failWith: error,
                closeSocket: false
            )
        case .initialized, .awaitingStart, .awaitingTune, .awaitingOpenOk:
            let error = AMQPError(.connectionClosed, "the connection was closed before it was open")
            self.state = .closed(error)
            return .closeSocket(sendCloseOk: false, failWith: error)
        case .closing, .closed:
            return .none
        }
    }

    /// Something went wrong that ends the connection: undecodable bytes, a protocol violation, a missed heartbeat.
    ///
    /// When the connection is open and the broker can still read us, we say why with `connection.close` (for
    /// example 501 FRAME_ERROR), but we do not wait for `close-ok`: our side of the stream cannot be trusted.
    mutating func errorHappened(_ error: AMQPError, replyCode: ReplyCode?) -> Action {
        switch self.state {
        case .open:
            self.state = .closed(error)
            if let replyCode {
                return .sendClose(
                    .connectionClose(
                        .init(
                            replyCode: replyCode.rawValue,
                            replyText: String(error.message.prefix(200)),
                            classID: 0,
                            methodID: 0
                        )
                    ),
                    failWith: error,
                    closeSocket: true
                )
            }
            return .closeSocket(sendCloseOk: false, failWith: error)
        case .initialized, .awaitingStart, .awaitingTune, .awaitingOpenOk, .closing:
            self.state = .closed(error)
            return .closeSocket(sendCloseOk: false, failWith: error)
        case .closed:
            return .none
        }
    }

    /// The socket closed.
    mutating func channelInactive() -> Action {
        let error: AMQPError
        switch self.state {
        case .initialized, .awaitingStart:
            error = AMQPError(.handshakeFailed, "the broker closed the socket before the AMQP handshake")
        case .awaitingTune:
            // A broker without the authentication_failure_close capability just hangs up on a bad login.
            error = AMQPError(
                .authenticationFailed,
                "the broker closed the socket after the login of user '\(self.settings.username)' (wrong user name or password?)"
            )
        case .awaitingOpenOk:
            error = AMQPError(
                .virtualHostRefused,
                "the broker closed the socket on opening virtual host '\(self.settings.virtualHost)'"
            )
        case .open:
            error = AMQPError(.connectionLost, "the connection to the broker was lost")
        case .closing(let ours):
            error = ours
        case .closed:
            return .none
        }
        self.state = .closed(error)
        return .failAll(error)
    }

    private mutating func failHandshake(_ error: AMQPError) -> Action {
        self.state = .closed(error)
        return .closeSocket(sendCloseOk: false, failWith: error)
    }

    private mutating func unexpected(_ method: String) -> Action {
        self.errorHappened(
            AMQPError(.protocolViolation, "the broker sent \(method) out of turn"),
            replyCode: .unexpectedFrame
        )
    }

    /// 0 means "no limit" on either side; otherwise the smaller value wins.
    static func negotiate<T: FixedWidthInteger>(client: T, server: T, unlimited: T) -> T {
        switch (client, server) {
        case (0, 0): return unlimited
        case (0, let server): return server
        case (let client, 0): return client
        case (let client, let server): return min(client, server)
        }
    }
}
