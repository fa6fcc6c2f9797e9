//===----------------------------------------------------------------------===//
// This source file is part of Enoki. Licensed under Apache License v2.0.
//===----------------------------------------------------------------------===//

import EnokiTestSupport
import EnokiTesting
import Foundation
import Testing

/// The seed's gateway story end to end: the Swift `api`, `compute` and `mail` of enoki-examples on the broker, a
/// real mail server (aiosmtpd) on 127.0.0.1, and the seed's own Python gateway and compute service beside them.
/// Each test has a virtual host of its own, so that its `mail` service is the only one that takes its mail.
@Suite(.timeLimit(.minutes(3))) struct GatewayTests {
    static let message = "Please wait the calculation, you'll receive an email with results"

    /// A virtual host for one test, and the broker URI that names it.
    private func virtualHost() async throws -> (name: String, uri: String) {
        let name = "gateway-\(UUID().uuidString.prefix(8))"
        try await VirtualHosts().create(name)
        return (name, "amqp://guest:guest@127.0.0.1:5672/\(name)")
    }

    /// `mail`, `compute` and `api`, sending to `server` over STARTTLS with a login whose password comes from the
    /// environment.
    private func gateway(
        _ services: [String] = ["mail", "compute", "api"],
        broker: String,
        smtp: String
    ) async throws -> (Subprocess, Int) {
        try await WebProcesses.swift(
            "enoki-examples",
            services,
            config: [
                "AMQP_URI": "'\(broker)'",
                // Plain, not quoted: ${…} is expanded in plain scalars only, as in Nameko.
                "SMTP_URI": smtp,
                "MAIL_FROM": "'Compute <compute@example.com>'",
            ],
            environment: ["SMTP_PASSWORD": "s3cret-pw"],
            serves: services.contains("api")
        )
    }

    /// A plain mail server, and the Swift `mail` and `compute` sending to it.
    private func mailAndCompute(broker: String) async throws -> (MailServer, Subprocess) {
        let server = try await MailServer()
        let (services, _) = try await self.gateway(
            ["mail", "compute"],
            broker: broker,
            smtp: "smtp://127.0.0.1:\(server.port)?starttls=off"
        )
        return (server, services)
    }

    private func post(_ port: Int, _ body: String) async throws -> HTTPAnswer {
        try await RawHTTP.request(
            port: port,
            "POST",
            "/compute",
            headers: [("Content-Type", "application/json")],
            body: Array(body.utf8)
        )
    }

    private func python(_ arguments: [String], broker: String, input: String? = nil) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: WebProcesses.python)
        process.arguments =
            [WebProcesses.pythonScripts.appendingPathComponent(arguments[0]).path] + arguments.dropFirst()
        var environment = ProcessInfo.processInfo.environment
        environment["AMQP_URI"] = broker
        process.environment = environment
        let output = Pipe()
        let stdin = Pipe()
        process.standardOutput = output
        process.standardInput = stdin
        try process.run()
        if let input { stdin.fileHandleForWriting.write(Data(input.utf8)) }
        try stdin.fileHandleForWriting.close()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return String(decoding: data, as: UTF8.self)
    }

    @Test func aPostEndsWithBothMailsReceivedOverStartTLSWithALogin() async throws {
        let vhost = try await self.virtualHost()
        let server = try await MailServer(.init(tls: .requireStartTLS, auth: ("mailer", "s3cret-pw")))
        defer { Task { await server.stop() } }
        let smtp =
            "smtp://mailer:${SMTP_PASSWORD}@localhost:\(server.port)?starttls=required&ca_certs=\(server.caFile!)"
        let (services, port) = try await self.gateway(broker: vhost.uri, smtp: smtp)
        defer { Task { await services.stop() } }

        let answer = try await self.post(
            port,
            #"{"operation": "sum", "value": 30, "other": 10, "email": "name@email.com"}"#
        )
        #expect(answer.status == 200)
        #expect(answer.text == Self.message)
        let mails: [MailServer.Mail]
        do {
            mails = try await server.waitForMails(2)
        } catch {
            Issue.record("\(error)\n\(services.log)")
            return
        }
        let bySubject = Dictionary(grouping: mails, by: \.subject)
        let notification = try #require(bySubject["API Notification"]?.first)
        #expect(notification.rcpt_tos == ["name@email.com"])
        #expect(notification.body == Self.message + "\n")
        let done = try #require(bySubject["Your operation is complete!"]?.first)
        #expect(done.rcpt_tos == ["name@email.com"])
        #expect(done.body == "The result is: 40\n")
        #expect(done.from == "Compute <compute@example.com>")
        #expect(mails.allSatisfy { $0.tls && $0.login == "mailer" })
        #expect(!services.log.contains("s3cret-pw"))
        #expect(services.log.contains("mail goes to smtp://mailer:**@localhost:\(server.port)"))
        // The service logs the mail once the server's 250 is back, which may be just after the server recorded it.
        try await services.waitFor("mail sent to name@email.com: \"Your operation is complete!\" (250 OK queued)")

        // A failure mails its error, and raises it to the caller.
        let zero = try await self.post(port, #"{"operation": "div", "value": 30, "other": 0, "email": "z@email.com"}"#)
        #expect(zero.status == 200)
        let all = try await server.waitForMails(4)
        let error = try #require(all.first { $0.subject == "An error occurred" })
        #expect(error.rcpt_tos == ["z@email.com"])
        #expect(error.body == "division by zero\n")
        try await VirtualHosts().delete(vhost.name)
    }

    @Test func everyBadBodyGetsA400ThatNamesTheField() async throws {
        let vhost = try await self.virtualHost()
        let (services, port) = try await WebProcesses.swift(
            "enoki-examples",
            ["api"],
            config: ["AMQP_URI": "'\(vhost.uri)'"]
        )
        defer { Task { await services.stop() } }
        let cases: [(body: String, field: String?, says: String)] = [
            ("not json", nil, "the body is not JSON"),
            ("", nil, "needs a JSON body"),
            (#"[1, 2]"#, nil, "must be dict, not list"),
            (#"{"value": 30, "other": 10, "email": "a@b.c"}"#, "operation", "lacks the field 'operation'"),
            (#"{"operation": "sum", "other": 10, "email": "a@b.c"}"#, "value", "lacks the field 'value'"),
            (#"{"operation": "sum", "value": 30, "email": "a@b.c"}"#, "other", "lacks the field 'other'"),
            (#"{"operation": "sum", "value": 30, "other": 10}"#, "email", "lacks the field 'email'"),
            (
                #"{"operation": "pow", "value": 30, "other": 10, "email": "a@b.c"}"#, "operation",
                #"must be one of "sum", "mul", "sub", "div", not "pow""#
            ),
            (#"{"operation": 5, "value": 30, "other": 10, "email": "a@b.c"}"#, "operation", "must be str, not int"),
            (#"{"operation": "sum", "value": "30", "other": 10, "email": "a@b.c"}"#, "value", "must be int, not str"),
            (#"{"operation": "sum", "value": 30, "other": 1.5, "email": "a@b.c"}"#, "other", "must be int, not float"),
            (#"{"operation": "sum", "value": 30, "other": 10, "email": "nobody"}"#, "email", "must be a mail address"),
        ]
        for (body, field, says) in cases {
            let answer = try await self.post(port, body)
            #expect(answer.status == 400, "\(body): \(answer)")
            #expect(answer.header("Content-Type") == "application/json", "\(body)")
            let json = try JSONSerialization.jsonObject(with: Data(answer.body)) as? [String: Any]
            #expect(json?["error"] as? String == "BAD_REQUEST", "\(body)")
            #expect(json?["field"] as? String == field, "\(body): \(answer.text)")
            #expect((json?["message"] as? String)?.contains(says) == true, "\(body): \(answer.text)")
        }
        // And it still serves a good one.
        let good = try await self.post(port, #"{"operation": "mul", "value": 3, "other": 4, "email": "a@b.c"}"#)
        #expect(good.status == 200)
        try await VirtualHosts().delete(vhost.name)
    }

    @Test func theSwiftComputeAnswersAsThePythonTwinDoesAndBothMailTheSame() async throws {
        let vhost = try await self.virtualHost()
        let (server, services) = try await self.mailAndCompute(broker: vhost.uri)
        defer {
            Task {
                await services.stop()
                await server.stop()
            }
        }
        let twin = try Subprocess(
            name: "nameko-compute",
            executable: URL(fileURLWithPath: WebProcesses.python).deletingLastPathComponent().appendingPathComponent(
                "nameko"
            ).path,
            arguments: ["run", "seed_services", "--config", try WebProcesses.config(["AMQP_URI": "'\(vhost.uri)'"])],
            directory: WebProcesses.pythonScripts
        )
        defer { Task { await twin.stop() } }
        try await twin.waitFor("Connected to")

        let cases = """
            [["sum", 30, 10, "a@e.com"], ["sub", 30, 10, "a@e.com"], ["mul", 30, 10, "a@e.com"],
             ["div", 30, 10, "a@e.com"], ["div", 7, 2, "a@e.com"], ["div", 1, 3, "a@e.com"], ["div", -7, 2, "a@e.com"],
             ["div", 10000000000000000, 1, "a@e.com"], ["div", 30, 0, "a@e.com"], ["pow", 30, 10, "a@e.com"],
             [5, 1, 2, "a@e.com"], [null, 1, 2, "a@e.com"], [["sum"], 1, 2, "a@e.com"], [{"a": 1}, 1, 2, "a@e.com"],
             ["sum", "30", " 12 ", "a@e.com"], ["sum", "1_000", "+7", "a@e.com"], ["sum", "abc", 1, "a@e.com"],
             ["sum", "4.2", 1, "a@e.com"], ["sum", "", 1, "a@e.com"], ["sum", "it's", 1, "a@e.com"],
             ["sum", 3.9, -3.9, "a@e.com"], ["mul", 1e20, 3, "a@e.com"], ["sum", true, false, "a@e.com"],
             ["sum", null, 1, "a@e.com"], ["sum", [1], 1, "a@e.com"], ["sum", {"x": 1}, 1, "a@e.com"],
             ["mul", 9223372036854775807, 9223372036854775807, "a@e.com"],
             ["sub", -9223372036854775808, 1, "a@e.com"], ["sum", 123456789012345678901234567890, 1, "a@e.com"],
             ["div", 123456789012345678901234567890, 3, "a@e.com"], ["sum", "١٢٣", 1, "a@e.com"]]
            """
        let output = try self.python(
            ["gateway_client.py", "compare", "compute", "compute_py"],
            broker: vhost.uri,
            input: cases
        )
        let pairs = try #require(
            try JSONSerialization.jsonObject(with: Data(output.utf8)) as? [[[String: Any]]],
            "\(output)"
        )
        #expect(pairs.count == 31)
        for (index, pair) in pairs.enumerated() {
            let swift = NSDictionary(dictionary: pair[0])
            let python = NSDictionary(dictionary: pair[1])
            #expect(swift == python, "case \(index): Swift \(pair[0]) vs Python \(pair[1])")
        }
        // Every call mailed its outcome, from either service, through the Swift mail service: the same mails.
        let mails = try await server.waitForMails(62)
        func outcomes(_ mails: [MailServer.Mail]) -> [String] { mails.map { "\($0.subject)|\($0.body)" }.sorted() }
        let subjects = Set(mails.map(\.subject))
        #expect(subjects == ["Your operation is complete!", "An error occurred"])
        let counts = Dictionary(grouping: outcomes(mails), by: { $0 }).mapValues(\.count)
        #expect(counts.values.allSatisfy { $0 % 2 == 0 }, "each mail comes twice, once per service: \(counts)")
        try await VirtualHosts().delete(vhost.name)
    }

    @Test func theSeedsFlaskGatewayRunsAgainstTheSwiftServices() async throws {
        let vhost = try await self.virtualHost()
        let (server, services) = try await self.mailAndCompute(broker: vhost.uri)
        defer {
            Task {
                await services.stop()
                await server.stop()
            }
        }
        let port = try FreePort.pick()
        let flask = try Subprocess(
            name: "flask-gateway",
            executable: WebProcesses.python,
            arguments: [WebProcesses.pythonScripts.appendingPathComponent("seed_api.py").path, String(port)],
            environment: ["AMQP_URI": vhost.uri]
        )
        defer { Task { await flask.stop() } }
        try await flask.waitFor("Running on http://127.0.0.1:\(port)")
        let answer = try await self.post(
            port,
            #"{"operation": "mul", "value": 30, "other": 10, "email": "name@email.com"}"#
        )
        #expect(answer.status == 200)
        #expect(answer.text == Self.message)
        let mails = try await server.waitForMails(2)
        #expect(Set(mails.map(\.subject)) == ["API Notification", "Your operation is complete!"])
        #expect(mails.first { $0.subject == "Your operation is complete!" }?.body == "The result is: 300\n")
        #expect(mails.allSatisfy { $0.rcpt_tos == ["name@email.com"] })
        try await VirtualHosts().delete(vhost.name)
    }

    @Test func aMailServerThatFailsGivesAClearErrorAndTheServiceKeepsServing() async throws {
        let vhost = try await self.virtualHost()
        let wrongPassword = try await MailServer(.init(tls: .startTLS, auth: ("mailer", "another-pw")))
        let midMail = try await MailServer(.init(hangAt: "data"))
        let working = try await MailServer()
        defer {
            Task {
                await wrongPassword.stop()
                await midMail.stop()
                await working.stop()
            }
        }
        let downPort = try FreePort.pick()
        let cases: [(smtp: String, error: String)] = [
            (
                "smtp://mailer:${SMTP_PASSWORD}@localhost:\(wrongPassword.port)?ca_certs=\(wrongPassword.caFile!)",
                "SMTP AUTH failed at smtp://mailer:**@localhost:\(wrongPassword.port): the server replied 535"
            ),
            (
                "smtp://127.0.0.1:\(downPort)?timeout=5",
                "SMTP connect failed at smtp://127.0.0.1:\(downPort): could not connect"
            ),
            (
                "smtp://127.0.0.1:\(midMail.port)?starttls=off&timeout=1",
                "SMTP message failed at smtp://127.0.0.1:\(midMail.port): the server did not answer within 1 s"
            ),
        ]
        for (smtp, error) in cases {
            let (services, _) = try await self.gateway(["mail"], broker: vhost.uri, smtp: smtp)
            let failed = try self.python(
                ["gateway_client.py", "send", "name@email.com", "hi", "there"],
                broker: vhost.uri
            )
            #expect(failed.contains("\"error\": \"SMTPError\""), "\(failed)")
            #expect(failed.contains(error), "\(failed)")
            try await services.waitFor(error)
            #expect(!services.log.contains("s3cret-pw"))
            // The service still answers the next call, and is still running.
            let again = try self.python(
                ["gateway_client.py", "send", "name@email.com", "hi", "again"],
                broker: vhost.uri
            )
            #expect(again.contains("SMTPError"), "\(again)")
            #expect(services.isRunning)
            await services.stop()
        }
        let (services, _) = try await self.gateway(
            ["mail"],
            broker: vhost.uri,
            smtp: "smtp://127.0.0.1:\(working.port)?starttls=off"
        )
        defer { Task { await services.stop() } }
        let sent = try self.python(["gateway_client.py", "send", "name@email.com", "hi", "there"], broker: vhost.uri)
        #expect(sent.contains("\"repr\": \"None\""), "\(sent)")
        #expect(try await working.waitForMails(1).first?.body == "there\n")
        try await VirtualHosts().delete(vhost.name)
    }
}
