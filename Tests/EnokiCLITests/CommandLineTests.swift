//===----------------------------------------------------------------------===//
// This source file is part of Enoki. Licensed under Apache License v2.0.
//===----------------------------------------------------------------------===//

import EnokiTesting
import Foundation
import Testing

/// The command lines as a user runs them: `enoki-examples run …` and `enoki call …`, `enoki show-config`.
@Suite(.serialized, .timeLimit(.minutes(3))) struct CommandLineTests {
    static var bin: URL {
        if let bin = ProcessInfo.processInfo.environment["ENOKI_BIN"] { return URL(fileURLWithPath: bin) }
        return URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent(".build/debug")
    }

    /// Runs a command to the end and returns its exit status, standard output and standard error (without holding
    /// a concurrency thread while it runs).
    static func run(
        _ executable: String,
        _ arguments: [String],
        environment: [String: String] = [:]
    ) async throws
        -> (Int32, String, String)
    {
        var env = ProcessInfo.processInfo.environment
        env.merge(environment) { $1 }
        let outcome = try await ChildProcess.run(
            [self.bin.appendingPathComponent(executable).path] + arguments,
            environment: env
        )
        return (outcome.status, outcome.output, outcome.errors)
    }

    /// Starts a long-running command with its standard error in a file.
    static func start(
        _ executable: String,
        _ arguments: [String],
        environment: [String: String]? = nil
    ) throws -> (Process, URL) {
        let log = FileManager.default.temporaryDirectory.appendingPathComponent("enoki-cli-\(UUID().uuidString).log")
        _ = FileManager.default.createFile(atPath: log.path, contents: nil)
        let process = Process()
        process.executableURL = self.bin.appendingPathComponent(executable)
        process.arguments = arguments
        if let environment { process.environment = environment }
        let handle = try FileHandle(forWritingTo: log)
        process.standardOutput = handle
        process.standardError = handle
        try process.run()
        return (process, log)
    }

    /// Waits for a process to exit, without blocking a thread.
    static func waitForExit(_ process: Process, timeout: Duration = .seconds(20)) async throws -> Int32 {
        let deadline = ContinuousClock.now + timeout
        while process.isRunning {
            guard ContinuousClock.now < deadline else {
                process.terminate()
                Issue.record("the process did not exit within \(timeout)")
                return -1
            }
            try await Task.sleep(for: .milliseconds(50))
        }
        return process.terminationStatus
    }

    static func waitFor(_ text: String, in log: URL, timeout: Duration = .seconds(20)) async throws -> String {
        let deadline = ContinuousClock.now + timeout
        // Read once more after the deadline: a busy machine may keep this task waiting past it.
        while true {
            let content = (try? String(contentsOf: log, encoding: .utf8)) ?? ""
            if content.contains(text) { return content }
            guard ContinuousClock.now < deadline else {
                Issue.record("'\(text)' did not appear in:\n\(content)")
                return ""
            }
            try await Task.sleep(for: .milliseconds(50))
        }
    }

    @Test func runServesCallsAndStopsOnSIGTERM() async throws {
        try await TestCluster.withVirtualHost { _, uri in
            let (process, log) = try Self.start(
                "enoki-examples",
                ["run", "greet_service", "service_x", "service_y", "--broker", uri]
            )
            let output = try await Self.waitFor("services started", in: log)
            #expect(output.hasPrefix("starting services: greet_service, service_x, service_y\n"))
            #expect(output.contains("services started: greet_service, service_x, service_y\n"))
            let redacted = uri.replacingOccurrences(of: "guest:guest@", with: "guest:**@").replacingOccurrences(
                of: "5672/",
                with: "5672/"
            )
            #expect(output.contains("Connected to \(redacted)"))
            #expect(!output.contains("guest:guest"))
            let (status, result, _) = try await Self.run(
                "enoki",
                ["call", "service_x.remote_method", "hellø", "--broker", uri]
            )
            #expect(status == 0)
            #expect(result == "\"hellø-x-y\"\n")
            let (_, greeting, _) = try await Self.run("enoki", ["call", "greet_service.greet", "--broker", uri])
            #expect(greeting == "\"Hello !\"\n")
            let (failed, _, error) = try await Self.run("enoki", ["call", "greet_service.nosuch", "--broker", uri])
            #expect(failed != 0)
            #expect(error.contains("MethodNotFound nosuch"))
            kill(process.processIdentifier, SIGTERM)
            #expect(try await Self.waitForExit(process) == 0)
            let final = (try? String(contentsOf: log, encoding: .utf8)) ?? ""
            #expect(final.contains("stopping services: greet_service, service_x, service_y"))
        }
    }

    @Test func aPrintInAServiceReachesTheLogFileWhileItRuns() async throws {
        try await TestCluster.withVirtualHost { _, uri in
            // The timer example prints "pong" every second with a plain `print`, and its output goes to a file.
            // Without the buffering that `stdbuf` (which the test script runs the tests under) would hand down.
            let environment = ProcessInfo.processInfo.environment.filter {
                $0.key != "LD_PRELOAD" && !$0.key.hasPrefix("_STDBUF_")
            }
            let (process, log) = try Self.start(
                "enoki-examples",
                ["run", "service", "--broker", uri],
                environment: environment
            )
            let output = try await Self.waitFor("pong\n", in: log, timeout: .seconds(10))
            #expect(output.contains("pong\n"))
            #expect(process.isRunning)
            kill(process.processIdentifier, SIGTERM)
            #expect(try await Self.waitForExit(process) == 0)
        }
    }

    @Test func waitsForABrokerThatIsNotUpYet() async throws {
        // Nothing listens on port 1: the command says where and when it retries, and does not crash.
        let (process, log) = try Self.start(
            "enoki-examples",
            ["run", "greet_service", "--broker", "amqp://guest:secret@127.0.0.1:1"]
        )
        let output = try await Self.waitFor("retrying in", in: log)
        #expect(
            output.contains(
                "could not connect to amqp://guest:**@127.0.0.1:1// (connection refused); retrying in"
            )
        )
        #expect(!output.contains("secret"))
        #expect(process.isRunning)
        // A stop while waiting for the broker ends the wait.
        kill(process.processIdentifier, SIGTERM)
        #expect(try await Self.waitForExit(process) == 0)
    }

    @Test func aRefusedLoginEndsTheCommandAtOnce() async throws {
        let broker = (ProcessInfo.processInfo.environment["AMQP_URL"] ?? "amqp://guest:guest@127.0.0.1:5672/")
            .replacingOccurrences(of: "guest:guest@", with: "guest:not-the-password@")
        let started = ContinuousClock.now
        let (status, output, error) = try await Self.run("enoki", ["call", "greet_service.greet", "--broker", broker])
        #expect(status != 0)
        #expect(output.isEmpty)
        #expect(error.contains("could not reach the broker to call greet_service.greet"))
        #expect(error.contains("the broker refused the login of user 'guest'"))
        #expect(!error.contains("not-the-password"))
        // No waiting for a retry that cannot succeed, nor for the call's timeout.
        #expect(ContinuousClock.now - started < .seconds(15))
        let (dispatchStatus, _, dispatchError) = try await Self.run(
            "enoki",
            ["dispatch", "greet_service", "ping", "--broker", broker]
        )
        #expect(dispatchStatus != 0)
        #expect(dispatchError.contains("the broker refused the login of user 'guest'"))
    }

    @Test func aBrokerThatIsNotThereEndsTheCommandAfterItsTimeout() async throws {
        // Nothing listens on port 1: each attempt is reported, and the command ends after --timeout.
        for command in [["call", "greet_service.greet"], ["request", "rpc_queue", "hello"], ["dispatch", "a", "b"]] {
            let (status, output, error) = try await Self.run(
                "enoki",
                command + ["--broker", "amqp://guest:secret@127.0.0.1:1", "--timeout", "1"]
            )
            #expect(status != 0)
            #expect(output.isEmpty)
            #expect(error.contains("could not connect to amqp://guest:**@127.0.0.1:1//"), "\(command)")
            #expect(error.contains("is amqp://guest:**@127.0.0.1:1// up?"), "\(command)")
            #expect(!error.contains("secret"))
        }
    }

    @Test func unknownServiceNamesAreRefused() async throws {
        let (status, _, error) = try await Self.run(
            "enoki-examples",
            ["run", "nosuch_service", "--broker", "amqp://127.0.0.1"]
        )
        #expect(status != 0)
        #expect(
            error.contains(
                "no service named 'nosuch_service'; this executable has: greet_service, serviceA, serviceB, service_x, service_y"
            )
        )
    }

    @Test func showConfigSubstitutesTheEnvironment() async throws {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent(
            "enoki-config-\(UUID().uuidString).yaml"
        )
        try
            "AMQP_URI: ${BROKER:amqp://guest:guest@localhost}\nmax_workers: ${WORKERS:10}\nWEB_SERVER_ADDRESS: '0.0.0.0:8000'\n"
            .write(to: file, atomically: true, encoding: .utf8)
        let (status, output, _) = try await Self.run(
            "enoki",
            ["show-config", "--config", file.path],
            environment: ["WORKERS": "4"]
        )
        #expect(status == 0)
        #expect(output == "AMQP_URI: amqp://guest:**@localhost\nWEB_SERVER_ADDRESS: 0.0.0.0:8000\nmax_workers: 4\n")
        let (examples, same, _) = try await Self.run(
            "enoki-examples",
            ["show-config", "--config", file.path],
            environment: ["WORKERS": "4"]
        )
        #expect(examples == 0)
        #expect(same == output)
    }

    @Test func passwordsNeverShowWhateverTheyHold() async throws {
        // Unescaped '/', '?' and '@' in a password break the URI; the errors say so without quoting it.
        for password in ["s3/cr", "s3?cr", "s3@c/r", "s3%zz"] {
            let (status, _, error) = try await Self.run(
                "enoki",
                ["call", "greet_service.greet", "--broker", "amqp://guest:\(password)@127.0.0.1:1/", "--timeout", "1"]
            )
            #expect(status != 0)
            #expect(!error.contains("s3"), "\(password): \(error)")
        }
    }

    @Test func anAMQPURIThatIsNotAURIIsAConfigurationError() async throws {
        for (line, message) in [
            ("AMQP_URI: 12345", "AMQP_URI must be a broker URI such as amqp://user:password@host:5672/, not a int"),
            ("AMQP_URI: ${ENOKI_TEST_UNSET_VARIABLE}", "AMQP_URI is empty (is the environment variable it names set?)"),
            ("AMQP_URI: [a, b]", "AMQP_URI must be a broker URI such as amqp://user:password@host:5672/, not a list"),
        ] {
            let file = FileManager.default.temporaryDirectory.appendingPathComponent(
                "enoki-config-\(UUID().uuidString).yaml"
            )
            try "\(line)\n".write(to: file, atomically: true, encoding: .utf8)
            let (status, _, error) = try await Self.run(
                "enoki-examples",
                ["run", "greet_service", "--config", file.path]
            )
            #expect(status != 0, "\(line)")
            #expect(error.contains(message), "\(line): \(error)")
            #expect(!error.contains("guest@localhost"))
        }
    }

    @Test func showConfigHidesSecretsUnlessAskedAndYAMLErrorsDoNotQuoteThem() async throws {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent(
            "enoki-config-\(UUID().uuidString).yaml"
        )
        try "AMQP_URI: amqp://guest:hunter2@h/\nSMTP_PASSWORD: hunter3\nmax_workers: 2\n".write(
            to: file,
            atomically: true,
            encoding: .utf8
        )
        let (_, hidden, _) = try await Self.run("enoki", ["show-config", "--config", file.path])
        #expect(hidden == "AMQP_URI: amqp://guest:**@h/\nSMTP_PASSWORD: '**'\nmax_workers: 2\n")
        let (_, shown, _) = try await Self.run("enoki", ["show-config", "--config", file.path, "--show-secrets"])
        #expect(shown.contains("amqp://guest:hunter2@h/") && shown.contains("hunter3"))
        try "AMQP_URI: amqp://guest:hunter2@h/\nSMTP_PASSWORD: hunter3\nbroken: [1, 2\n".write(
            to: file,
            atomically: true,
            encoding: .utf8
        )
        let (status, _, error) = try await Self.run("enoki", ["show-config", "--config", file.path])
        #expect(status != 0)
        #expect(error.contains("is not valid YAML"))
        #expect(!error.contains("hunter2") && !error.contains("hunter3"), "\(error)")
    }

    @Test func configFileWinsOverBroker() async throws {
        try await TestCluster.withVirtualHost { _, uri in
            let file = FileManager.default.temporaryDirectory.appendingPathComponent(
                "enoki-config-\(UUID().uuidString).yaml"
            )
            try "AMQP_URI: '\(uri)'\n".write(to: file, atomically: true, encoding: .utf8)
            let (process, log) = try Self.start(
                "enoki-examples",
                ["run", "greet_service", "--config", file.path, "--broker", "amqp://guest:guest@127.0.0.1:1"]
            )
            let output = try await Self.waitFor("Connected to", in: log)
            #expect(output.contains("--broker is ignored"))
            kill(process.processIdentifier, SIGTERM)
            #expect(try await Self.waitForExit(process) == 0)
        }
    }
}
