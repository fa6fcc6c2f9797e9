//===----------------------------------------------------------------------===//
// This source file is part of Enoki. Licensed under Apache License v2.0.
//===----------------------------------------------------------------------===//

import EnokiSMTP
import EnokiTestSupport
import Testing

/// The SMTP client against a real mail server on 127.0.0.1 (aiosmtpd), with the TLS and logins it asks for.
@Suite(.timeLimit(.minutes(2))) struct SMTPClientTests {
    private func mail(to recipients: [String] = ["name@email.com"], subject: String, text: String) throws -> MailMessage
    {
        MailMessage(
            from: try MailAddress(parsing: "Enoki Compute <compute@example.com>"),
            to: try recipients.map { try MailAddress(parsing: $0) },
            subject: subject,
            text: text
        )
    }

    private func send(_ uri: String, _ message: MailMessage) async throws -> SMTPReceipt {
        try await SMTPClient(configuration: try SMTPConfiguration(uri: uri)).send(message)
    }

    /// What a send fails with.
    private func failure(_ uri: String, _ message: MailMessage) async throws -> SMTPError {
        do {
            _ = try await self.send(uri, message)
        } catch let error as SMTPError {
            return error
        }
        throw MailServerError(description: "the mail was sent")
    }

    @Test func aUTF8MailToSeveralRecipients() async throws {
        let server = try await MailServer()
        defer { Task { await server.stop() } }
        let subject = "Résultat de l'opération ✓ — " + String(repeating: "長い件名 ", count: 8)
        let text = "The result is: 40\nGrüße,\n.\n— compute"
        let receipt = try await self.send(
            "smtp://127.0.0.1:\(server.port)?starttls=off",
            try self.mail(to: ["name@email.com", "Ötzi <other@email.com>"], subject: subject, text: text)
        )
        #expect(receipt.accepted == ["name@email.com", "other@email.com"])
        let mail = try #require(try await server.waitForMails(1).first)
        #expect(mail.mail_from == "compute@example.com")
        #expect(mail.rcpt_tos == ["name@email.com", "other@email.com"])
        #expect(mail.subject == subject)
        #expect(mail.body == "The result is: 40\nGrüße,\n.\n— compute")
        #expect(mail.to == "name@email.com, Ötzi <other@email.com>")
        #expect(mail.from == "Enoki Compute <compute@example.com>")
        #expect(!mail.tls)
    }

    @Test func startTLSWithAPrivateCAAndALogin() async throws {
        let server = try await MailServer(.init(tls: .requireStartTLS, auth: ("mailer", "s3cret pässword")))
        defer { Task { await server.stop() } }
        let ca = try #require(server.caFile)
        _ = try await self.send(
            "smtp://mailer:s3cret%20p%C3%A4ssword@localhost:\(server.port)?starttls=required&ca_certs=\(ca)",
            try self.mail(subject: "over TLS", text: "hello")
        )
        let mail = try #require(try await server.waitForMails(1).first)
        #expect(mail.tls)
        #expect(mail.auth)
        #expect(mail.login == "mailer")
        #expect(mail.subject == "over TLS")
    }

    @Test func implicitTLS() async throws {
        let server = try await MailServer(.init(tls: .implicit, auth: ("mailer", "pw")))
        defer { Task { await server.stop() } }
        let ca = try #require(server.caFile)
        _ = try await self.send(
            "smtps://mailer:pw@localhost:\(server.port)?ca_certs=\(ca)",
            try self.mail(subject: "smtps", text: "hello")
        )
        let mail = try #require(try await server.waitForMails(1).first)
        #expect(mail.tls)
        #expect(mail.login == "mailer")
    }

    @Test func aWrongPasswordIsRefusedAtAuthAndNeverShown() async throws {
        let server = try await MailServer(.init(tls: .startTLS, auth: ("mailer", "right")))
        defer { Task { await server.stop() } }
        let ca = try #require(server.caFile)
        let error = try await self.failure(
            "smtp://mailer:wrong-one@localhost:\(server.port)?ca_certs=\(ca)",
            try self.mail(subject: "x", text: "y")
        )
        #expect(error.code == .rejected)
        #expect(error.step == .auth)
        #expect(error.reply?.code == 535)
        #expect(
            "\(error)".hasPrefix(
                "SMTP AUTH failed at smtp://mailer:**@localhost:\(server.port): the server replied 535"
            )
        )
        #expect(!"\(error)".contains("wrong-one"))
        #expect(server.mails.isEmpty)
    }

    @Test func anUntrustedCertificateAndAWrongNameFailTheHandshake() async throws {
        let server = try await MailServer(.init(tls: .startTLS))
        defer { Task { await server.stop() } }
        let untrusted = try await self.failure(
            "smtp://localhost:\(server.port)?starttls=required",
            try self.mail(subject: "x", text: "y")
        )
        #expect(untrusted.code == .tls)
        #expect(untrusted.step == .startTLS)

        let other = try await MailServer(.init(tls: .startTLS, certificateName: "mail.example.org"))
        defer { Task { await other.stop() } }
        let mismatch = try await self.failure(
            "smtp://localhost:\(other.port)?starttls=required&ca_certs=\(try #require(other.caFile))",
            try self.mail(subject: "x", text: "y")
        )
        #expect(mismatch.code == .tls, "\(mismatch)")
        #expect(server.mails.isEmpty && other.mails.isEmpty)
    }

    @Test func aServerThatIsDownIsAConnectError() async throws {
        let port = try FreePort.pick()
        let error = try await self.failure("smtp://127.0.0.1:\(port)?timeout=5", try self.mail(subject: "x", text: "y"))
        #expect(error.code == .connect)
        #expect(error.step == .connect)
        #expect("\(error)".hasPrefix("SMTP connect failed at smtp://127.0.0.1:\(port): could not connect"))
    }

    @Test func aServerThatStopsAnsweringTimesOutAtItsStep() async throws {
        let midMail = try await MailServer(.init(hangAt: "data"))
        defer { Task { await midMail.stop() } }
        let start = ContinuousClock.now
        let error = try await self.failure(
            "smtp://127.0.0.1:\(midMail.port)?starttls=off&timeout=1",
            try self.mail(subject: "x", text: "y")
        )
        #expect(error.code == .timeout)
        #expect(error.step == .message)
        #expect(
            "\(error)"
                == "SMTP message failed at smtp://127.0.0.1:\(midMail.port): the server did not answer within 1 s"
        )
        #expect(ContinuousClock.now - start < .seconds(10))

        let silent = try await MailServer(.init(hangAt: "greeting"))
        defer { Task { await silent.stop() } }
        let greeting = try await self.failure(
            "smtp://127.0.0.1:\(silent.port)?timeout=1",
            try self.mail(subject: "x", text: "y")
        )
        #expect(greeting.code == .timeout)
        #expect(greeting.step == .greeting)
    }

    @Test func aServerThatSpeaksSomethingElseIsAProtocolViolationAtOnce() async throws {
        for mode in ["garbage", "longline"] {
            let server = try await MailServer(.init(hangAt: mode))
            let start = ContinuousClock.now
            let error = try await self.failure(
                "smtp://127.0.0.1:\(server.port)?timeout=20",
                try self.mail(subject: "x", text: "y")
            )
            #expect(ContinuousClock.now - start < .seconds(10), "\(mode): it did not wait for the timeout")
            let stopping = ContinuousClock.now
            await server.stop()
            #expect(ContinuousClock.now - stopping < .seconds(5), "the server ends on SIGTERM")
            #expect(error.code == .protocolViolation, "\(mode): \(error)")
            #expect(error.step == .greeting, "\(mode): \(error)")
        }
    }
}
