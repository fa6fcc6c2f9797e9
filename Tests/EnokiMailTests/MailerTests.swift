//===----------------------------------------------------------------------===//
// This source file is part of Enoki. Licensed under Apache License v2.0.
//===----------------------------------------------------------------------===//

import EnokiCore
import EnokiMail
import EnokiSMTP
import EnokiTestSupport
import EnokiTesting
import Foundation
import Logging
import Testing

/// The `Mailer` provider as a service gets it: configured from the config, sending to a real server or to the log.
@Suite(.timeLimit(.minutes(2))) struct MailerTests {
    private func sender(
        config yaml: String,
        environment: [String: String] = [:],
        logs: LogCapture
    ) async throws
        -> MailSender
    {
        let config = try ConfigLoader.load(yaml: yaml, environment: environment)
        let provider = Mailer()
        let context = ContainerContext(
            serviceName: "mail",
            config: config,
            logger: logs.logger,
            shared: SharedExtensions()
        )
        try await provider.setup(context)
        try await provider.start()
        return try await provider.dependency(for: .standalone())
    }

    @Test func withNoServerMailIsWrittenToTheLogAndSaidSoOnce() async throws {
        let logs = LogCapture()
        let sender = try await self.sender(config: "MAIL_FROM: compute@example.com\n", logs: logs)
        let notices = logs.lines.filter { $0.message.contains("no SMTP_URI in the config") }
        #expect(notices.count == 1)
        #expect(notices.first?.level == .notice)
        let receipt = try await sender.send(
            to: "name@email.com",
            subject: "Your operation is complete!",
            text: "The result is: 40"
        )
        #expect(receipt == nil)
        let line = try await logs.first(containing: "mail (not sent: no SMTP_URI)")
        #expect(line.message.contains("To: name@email.com"))
        #expect(line.message.contains("Subject: Your operation is complete!"))
        #expect(line.message.contains("The result is: 40"))
        _ = try await sender.send(to: "other@email.com", subject: "again", text: "x")
        #expect(logs.lines.filter { $0.message.contains("no SMTP_URI in the config") }.count == 1)
    }

    @Test func theServerAndPasswordComeFromTheConfigAndNeverReachTheLog() async throws {
        let server = try await MailServer(.init(tls: .startTLS, auth: ("mailer", "t0p-secret")))
        defer { Task { await server.stop() } }
        let logs = LogCapture()
        let yaml = """
            SMTP_URI: smtp://mailer:${SMTP_PASSWORD}@localhost:\(server.port)?starttls=required&ca_certs=\(server.caFile!)
            MAIL_FROM: Compute <compute@example.com>
            """
        let sender = try await self.sender(config: yaml, environment: ["SMTP_PASSWORD": "t0p-secret"], logs: logs)
        try await sender.send(
            to: "name@email.com, other@email.com",
            subject: "Your operation is complete!",
            text: "The result is: 40"
        )
        let mail = try #require(try await server.waitForMails(1).first)
        #expect(mail.rcpt_tos == ["name@email.com", "other@email.com"])
        #expect(mail.from == "Compute <compute@example.com>")
        #expect(mail.login == "mailer")
        #expect(logs.lines.contains { $0.message == "mail goes to smtp://mailer:**@localhost:\(server.port)" })

        let failing = try await self.sender(
            config: yaml.replacingOccurrences(of: "${SMTP_PASSWORD}", with: "wr0ng-secret"),
            logs: logs
        )
        await #expect(throws: SMTPError.self) {
            try await failing.send(to: "name@email.com", subject: "x", text: "y")
        }
        for line in logs.lines {
            #expect(!line.description.contains("t0p-secret"))
            #expect(!line.description.contains("wr0ng-secret"))
        }
    }

    @Test func badSettingsStopTheStartWithAClearError() async throws {
        let logs = LogCapture()
        await #expect(throws: EnokiError.self) {
            _ = try await self.sender(config: "SMTP_URI: smtp://localhost:25\n", logs: logs)
        }
        do {
            _ = try await self.sender(
                config: "SMTP_URI: smtp://u:pw@localhost:25?starttls=always\nMAIL_FROM: a@b.c\n",
                logs: logs
            )
            Issue.record("the start did not fail")
        } catch let error as EnokiError {
            #expect("\(error)".contains("starttls must be required, optional or off"))
            #expect(!"\(error)".contains(":pw@"))
        }
        await #expect(throws: EnokiError.self) {
            _ = try await self.sender(config: "MAIL_FROM: not an address\n", logs: logs)
        }
    }

    @Test func aBadRecipientIsRefusedBeforeAnyConnection() async throws {
        let logs = LogCapture()
        let sender = try await self.sender(config: "MAIL_FROM: compute@example.com\n", logs: logs)
        await #expect(throws: SMTPError.self) {
            try await sender.send(to: "victim@example.com>\r\nRCPT TO:<other@example.com", subject: "x", text: "y")
        }
        await #expect(throws: SMTPError.self) { try await sender.send(to: " , ", subject: "x", text: "y") }
    }
}
