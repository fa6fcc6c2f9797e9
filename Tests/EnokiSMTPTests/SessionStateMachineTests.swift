//===----------------------------------------------------------------------===//
// This source file is part of Enoki. Licensed under Apache License v2.0.
//===----------------------------------------------------------------------===//

import Testing

@testable import EnokiSMTP

@Suite struct SessionStateMachineTests {
    private static let data = Array("Subject: x\r\n\r\nhi\r\n.\r\n".utf8)

    private func machine(
        startTLS: SMTPConfiguration.StartTLS = .optional,
        implicitTLS: Bool = false,
        credentials: (String, String)? = nil,
        recipients: [String] = ["a@example.com"],
        smtpUTF8: Bool = false
    ) -> SMTPSessionStateMachine {
        SMTPSessionStateMachine(
            settings: .init(
                heloName: "client.example",
                startTLS: startTLS,
                implicitTLS: implicitTLS,
                credentials: credentials.map { (username: $0.0, password: $0.1) },
                timeout: .seconds(5)
            ),
            envelope: .init(from: "me@example.com", recipients: recipients, needsSMTPUTF8: smtpUTF8, data: Self.data)
        )
    }

    private func reply(_ code: Int, _ lines: String...) -> SMTPReply {
        SMTPReply(code: code, lines: lines.isEmpty ? [""] : lines)
    }

    /// The command an action sends, or what else it does, as text.
    private func shown(_ action: SMTPSessionStateMachine.Action) -> String {
        switch action {
        case .send(let command): return "send \(command)"
        case .sendMessage(let bytes): return "message \(bytes.count)"
        case .startTLS: return "starttls"
        case .accepted(let receipt): return "accepted \(receipt.accepted) refused \(receipt.refused.keys.sorted())"
        case .fail(let error): return "fail \(error.code) \(error.step.map { "\($0)" } ?? "-"): \(error.message)"
        case .close: return "close"
        case .none: return "none"
        }
    }

    @Test func startTLSThenAuthPlainThenTheMail() {
        var machine = self.machine(credentials: ("user", "pw"))
        #expect(self.shown(machine.replyReceived(self.reply(220, "ready"))) == "send EHLO client.example")
        #expect(
            self.shown(machine.replyReceived(self.reply(250, "hi", "STARTTLS", "AUTH PLAIN LOGIN"))) == "send STARTTLS"
        )
        #expect(self.shown(machine.replyReceived(self.reply(220, "go ahead"))) == "starttls")
        #expect(self.shown(machine.tlsEstablished()) == "send EHLO client.example")
        #expect(self.shown(machine.replyReceived(self.reply(250, "hi", "AUTH PLAIN LOGIN"))) == "send AUTH PLAIN **")
        #expect(self.shown(machine.replyReceived(self.reply(235, "ok"))) == "send MAIL FROM:<me@example.com>")
        #expect(self.shown(machine.replyReceived(self.reply(250))) == "send RCPT TO:<a@example.com>")
        #expect(self.shown(machine.replyReceived(self.reply(250))) == "send DATA")
        #expect(self.shown(machine.replyReceived(self.reply(354))) == "message \(Self.data.count)")
        #expect(
            self.shown(machine.replyReceived(self.reply(250, "queued"))) == "accepted [\"a@example.com\"] refused []"
        )
        #expect(machine.isFinished)
        // QUIT's reply, a late timeout or the close change nothing.
        #expect(self.shown(machine.replyReceived(self.reply(221))) == "close")
        #expect(self.shown(machine.connectionClosed()) == "none")
    }

    @Test func authLoginSendsTheUserThenThePassword() {
        var machine = self.machine(implicitTLS: true, credentials: ("user", "pw"))
        _ = machine.tlsEstablished()
        _ = machine.replyReceived(self.reply(220))
        #expect(self.shown(machine.replyReceived(self.reply(250, "hi", "AUTH LOGIN"))) == "send AUTH LOGIN")
        guard case .send(.authResponse("user")) = machine.replyReceived(self.reply(334, "VXNlcm5hbWU6")) else {
            Issue.record("the user name was not sent")
            return
        }
        guard case .send(.authResponse("pw")) = machine.replyReceived(self.reply(334, "UGFzc3dvcmQ6")) else {
            Issue.record("the password was not sent")
            return
        }
        #expect(self.shown(machine.replyReceived(self.reply(235))) == "send MAIL FROM:<me@example.com>")
    }

    @Test func aWrongPasswordFailsAtAuthWithTheServersReply() {
        var machine = self.machine(implicitTLS: true, credentials: ("user", "wrong"))
        _ = machine.replyReceived(self.reply(220))
        _ = machine.replyReceived(self.reply(250, "hi", "AUTH PLAIN"))
        let action = machine.replyReceived(self.reply(535, "5.7.8 Authentication credentials invalid"))
        #expect(
            self.shown(action) == "fail rejected AUTH: the server replied 535 5.7.8 Authentication credentials invalid"
        )
        guard case .fail(let error) = action else { return }
        #expect(error.reply?.code == 535)
        #expect(!error.isTransient)
    }

    @Test func startTLSRequiredFailsWhenTheServerDoesNotOfferIt() {
        var machine = self.machine(startTLS: .required)
        _ = machine.replyReceived(self.reply(220))
        #expect(
            self.shown(machine.replyReceived(self.reply(250, "hi", "AUTH PLAIN")))
                == "fail unsupported STARTTLS: the server does not offer STARTTLS, which starttls=required asks for"
        )
    }

    @Test func aPasswordIsNotSentOverAPlainConnectionUnlessStartTLSIsOff() {
        var optional = self.machine(credentials: ("user", "pw"))
        _ = optional.replyReceived(self.reply(220))
        #expect(
            self.shown(optional.replyReceived(self.reply(250, "hi", "AUTH PLAIN"))).hasPrefix("fail unsupported AUTH")
        )
        var off = self.machine(startTLS: .off, credentials: ("user", "pw"))
        _ = off.replyReceived(self.reply(220))
        #expect(self.shown(off.replyReceived(self.reply(250, "hi", "STARTTLS", "AUTH PLAIN"))) == "send AUTH PLAIN **")
    }

    @Test func withoutStartTLSOnOfferOptionalGoesOnInTheClear() {
        var machine = self.machine()
        _ = machine.replyReceived(self.reply(220))
        #expect(self.shown(machine.replyReceived(self.reply(250, "hi"))) == "send MAIL FROM:<me@example.com>")
    }

    @Test func aServerWithoutEHLOGetsHELO() {
        var machine = self.machine()
        _ = machine.replyReceived(self.reply(220))
        #expect(self.shown(machine.replyReceived(self.reply(502, "unknown"))) == "send HELO client.example")
        #expect(self.shown(machine.replyReceived(self.reply(250))) == "send MAIL FROM:<me@example.com>")
    }

    @Test func someRefusedRecipientsAreReportedAndEveryRefusedOneFails() {
        var some = self.machine(recipients: ["a@example.com", "b@example.com"])
        _ = some.replyReceived(self.reply(220))
        _ = some.replyReceived(self.reply(250))
        _ = some.replyReceived(self.reply(250))
        #expect(self.shown(some.replyReceived(self.reply(550, "no such user"))) == "send RCPT TO:<b@example.com>")
        #expect(self.shown(some.replyReceived(self.reply(250))) == "send DATA")
        _ = some.replyReceived(self.reply(354))
        #expect(
            self.shown(some.replyReceived(self.reply(250)))
                == "accepted [\"b@example.com\"] refused [\"a@example.com\"]"
        )

        var all = self.machine(recipients: ["a@example.com"])
        _ = all.replyReceived(self.reply(220))
        _ = all.replyReceived(self.reply(250))
        _ = all.replyReceived(self.reply(250))
        #expect(
            self.shown(all.replyReceived(self.reply(550, "no such user")))
                == "fail rejected RCPT TO: the server refused every recipient: <a@example.com> (550 no such user)"
        )
    }

    @Test func timeoutsAndClosesNameTheStep() {
        var machine = self.machine()
        _ = machine.replyReceived(self.reply(220))
        _ = machine.replyReceived(self.reply(250))
        _ = machine.replyReceived(self.reply(250))
        _ = machine.replyReceived(self.reply(250))
        _ = machine.replyReceived(self.reply(354))
        #expect(self.shown(machine.timedOut()) == "fail timeout message: the server did not answer within 5 s")
        #expect(self.shown(machine.timedOut()) == "close")

        var greeting = self.machine()
        #expect(
            self.shown(greeting.connectionClosed())
                == "fail connectionClosed greeting: the server closed the connection"
        )
        var tls = self.machine(implicitTLS: true)
        #expect(
            self.shown(tls.tlsFailed("CERTIFICATE_VERIFY_FAILED")).hasPrefix(
                "fail tls STARTTLS: the TLS handshake failed"
            )
        )
    }

    @Test func aServerThatRefusesTheGreetingOrTheMessageFails() {
        var busy = self.machine()
        #expect(
            self.shown(busy.replyReceived(self.reply(554, "go away")))
                == "fail rejected greeting: the server greeted with 554 go away"
        )
        var full = self.machine()
        _ = full.replyReceived(self.reply(220))
        _ = full.replyReceived(self.reply(250))
        _ = full.replyReceived(self.reply(250))
        _ = full.replyReceived(self.reply(250))
        _ = full.replyReceived(self.reply(354))
        let action = full.replyReceived(self.reply(452, "4.3.1 Insufficient system storage"))
        #expect(self.shown(action) == "fail rejected message: the server replied 452 4.3.1 Insufficient system storage")
        if case .fail(let error) = action { #expect(error.isTransient) }
    }

    @Test func aNonASCIIAddressNeedsSMTPUTF8AndABigMailNeedsRoom() {
        var utf8 = self.machine(smtpUTF8: true)
        _ = utf8.replyReceived(self.reply(220))
        #expect(
            self.shown(utf8.replyReceived(self.reply(250, "hi"))).hasPrefix(
                "fail unsupported MAIL FROM: an address is not ASCII"
            )
        )
        var offered = self.machine(smtpUTF8: true)
        _ = offered.replyReceived(self.reply(220))
        #expect(
            self.shown(offered.replyReceived(self.reply(250, "hi", "SMTPUTF8")))
                == "send MAIL FROM:<me@example.com> SMTPUTF8"
        )
        var small = self.machine()
        _ = small.replyReceived(self.reply(220))
        #expect(
            self.shown(small.replyReceived(self.reply(250, "hi", "SIZE 10"))).hasPrefix(
                "fail unsupported MAIL FROM: the message is"
            )
        )
    }

    @Test func bytesAfterTheStartTLSReplyAreRefused() {
        var machine = self.machine()
        _ = machine.replyReceived(self.reply(220))
        _ = machine.replyReceived(self.reply(250, "hi", "STARTTLS"))
        var injected = self.reply(220, "go ahead")
        injected.bytesFollowed = true
        #expect(
            self.shown(machine.replyReceived(injected))
                == "fail protocolViolation STARTTLS: the server sent more after its 220 to STARTTLS, before the TLS handshake"
        )
    }
}
