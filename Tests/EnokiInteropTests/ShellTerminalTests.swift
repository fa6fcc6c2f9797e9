//===----------------------------------------------------------------------===//
// This source file is part of Enoki. Licensed under Apache License v2.0.
//===----------------------------------------------------------------------===//

import EnokiCore
import EnokiTestSupport
import EnokiTesting
import Foundation
import Testing

/// `enoki shell` in a real terminal (tmux), typed into as a person does, against the seeds' Swift services, the
/// Swift interop services and a Python Nameko service, all on one broker.
@Suite(.timeLimit(.minutes(4))) struct ShellTerminalTests {
    /// The prompt, as the screen shows it at the end of a line (the terminal keeps no trailing blank).
    static let prompt = ">>>"

    /// Runs `body` with the seeds' services, `swift_echo` and Python's `py_echo` running, and a shell open on them
    /// with `HOME` in a temporary folder.
    static func withShell(
        home: URL? = nil,
        _ body: (Terminal, String, URL) async throws -> Void
    ) async throws {
        try await withPeers { peers, _, uri in
            _ = try await peers.examples(uri: uri, names: ["greet_service", "compute", "mail"])
            _ = try await peers.swift(uri: uri, names: ["swift_echo"])
            _ = try await peers.python(uri: uri)
            let home = home ?? Self.temporaryHome()
            let terminal = try await Terminal(
                "\(TestBinaries.path("enoki")) shell --broker '\(uri)'",
                environment: ["HOME": home.path, "TERM": "xterm"]
            )
            do {
                try await terminal.waitFor(Self.prompt)
                try await body(terminal, uri, home)
                await terminal.close()
            } catch {
                await terminal.close()
                throw error
            }
        }
    }

    static func temporaryHome() -> URL {
        let home = FileManager.default.temporaryDirectory.appendingPathComponent("enoki-home-\(UUID().uuidString)")
        try? FileManager.default.createDirectory(at: home, withIntermediateDirectories: true)
        return home
    }

    /// Types a line and waits for the next prompt; returns what the line printed (between its echo and the
    /// prompt).
    static func run(_ line: String, in terminal: Terminal, timeout: Duration = .seconds(30)) async throws -> String {
        let before = try await terminal.screen().components(separatedBy: Self.prompt).count - 1
        try await terminal.enter(line)
        let screen = try await terminal.waitFor(Self.prompt, count: before + 1, timeout: timeout)
        let parts = screen.components(separatedBy: Self.prompt)
        // The part after the last-but-one prompt: the line as typed, then what it printed.
        let echoed = parts[parts.count - 2]
        return echoed.split(separator: "\n", omittingEmptySubsequences: false).dropFirst().joined(separator: "\n")
            .trimmingCharacters(in: .newlines)
    }

    @Test func theSeedsTranscriptsReadTheSameAgainstSwiftAndPythonServices() async throws {
        try await Self.withShell { terminal, uri, _ in
            let banner = try await terminal.screen()
            let redacted = uri.replacingOccurrences(of: "guest:guest@", with: "guest:**@")
            #expect(banner.hasPrefix("Enoki "))
            #expect(banner.contains(" shell on Linux"))
            #expect(banner.contains("Broker: \(redacted)"))
            #expect(!banner.contains("guest:guest"))

            // The seeds' transcripts, word for word.
            #expect(try await Self.run("n.rpc.greet_service.greet()", in: terminal) == "'Hello !'")
            #expect(
                try await Self.run("n.rpc.compute.compute('sum', 30, 10, \"name@email.com\")", in: terminal) == "40"
            )
            #expect(try await Self.run("n.rpc.compute.compute('div', 30, 10, 'name@email.com')", in: terminal) == "3.0")
            // Keyword arguments, to Python and to Swift.
            #expect(
                try await Self.run("n.rpc.py_echo.echo('a', b={'k': (1, 2.5)})", in: terminal)
                    == "['a', {'k': [1, 2.5]}]"
            )
            #expect(try await Self.run("n.rpc.swift_echo.echo(a=None)", in: terminal) == "[None, 'default']")
            #expect(try await Self.run("n.rpc[\"py_echo\"].nothing()", in: terminal) == "")
            // Values kept in names, and `_`.
            #expect(try await Self.run("x = n.rpc.compute.compute('mul', 6, 7, 'a@b')", in: terminal) == "")
            #expect(try await Self.run("x", in: terminal) == "42")
            #expect(try await Self.run("n.rpc.py_echo.echo(_, x)", in: terminal) == "[42, 42]")
            // call_async, to both.
            #expect(try await Self.run("r = n.rpc.py_echo.slow.call_async(0.5)", in: terminal) == "")
            #expect(try await Self.run("s = n.rpc.swift_echo.echo.call_async('s')", in: terminal) == "")
            #expect(try await Self.run("s.result()", in: terminal) == "['s', 'default']")
            #expect(try await Self.run("r.result()", in: terminal) == "0.5")
            // Errors: one line each, and the session goes on.
            #expect(
                try await Self.run("n.rpc.compute.compute('div', 1, 0, 'a@b')", in: terminal)
                    == "RemoteError: ZeroDivisionError division by zero"
            )
            #expect(
                try await Self.run("n.rpc.compute.compute('sum', 1", in: terminal)
                    == "SyntaxError: '(' was never closed"
            )
            #expect(
                try await Self.run("n.rpc.greet_service.gret()", in: terminal) == "RemoteError: MethodNotFound gret"
            )
            #expect(try await Self.run("m.rpc", in: terminal) == "NameError: name 'm' is not defined")
            let signature = try await Self.run("n.rpc.py_echo.echo()", in: terminal)
            #expect(signature == "RemoteError: IncorrectSignature echo() missing 1 required positional argument: 'a'")
            let swiftSignature = try await Self.run("n.rpc.compute.compute('sum', 1)", in: terminal)
            #expect(
                swiftSignature
                    == "RemoteError: IncorrectSignature compute() missing 2 required positional arguments: 'other' and 'email'"
            )
            let unknown = try await Self.run("n.rpc.no_such_service.method()", in: terminal)
            #expect(unknown.hasPrefix("UnknownService: "), "\(unknown)")
            #expect(unknown.contains("no_such_service"))
            #expect(try await Self.run("n.rpc.greet_service.greet()", in: terminal) == "'Hello !'")
            // Ctrl-D leaves, with exit code 0.
            try await terminal.press("C-d")
            try await terminal.waitFor("EXIT=0")
        }
    }

    @Test func completionAndHistoryAcrossTwoSessions() async throws {
        let home = Self.temporaryHome()
        try await Self.withShell(home: home) { terminal, uri, _ in
            // `n.` and `n.rpc.`: the attributes, then the Enoki services that answer the discovery call.
            try await terminal.type("n.rp")
            try await terminal.press("Tab")
            try await terminal.waitFor(Self.prompt + " n.rpc")
            try await terminal.type(".gre")
            try await terminal.press("Tab")
            try await terminal.waitFor(Self.prompt + " n.rpc.greet_service")
            // Methods come from the service's description.
            try await terminal.type(".g")
            try await terminal.press("Tab")
            try await terminal.waitFor(Self.prompt + " n.rpc.greet_service.greet")
            try await terminal.enter("()")
            try await terminal.waitFor("'Hello !'")
            // Two choices: the first Tab completes the common part, the second lists them.
            try await terminal.type("n.d")
            try await terminal.press("Tab")
            try await terminal.waitFor(Self.prompt + " n.di")
            try await terminal.press("Tab")
            try await terminal.waitFor("disconnect  dispatch_event")
            try await terminal.press("C-u")
            // A Python service has no description: no completion of its methods, and it still answers.
            try await terminal.type("n.rpc.py_echo.ec")
            try await terminal.press("Tab")
            try await Task.sleep(for: .milliseconds(500))
            #expect(try await terminal.screen().hasSuffix(Self.prompt + " n.rpc.py_echo.ec"))
            try await terminal.enter("ho(1)")
            try await terminal.waitFor("[1, 'default']")
            try await terminal.press("C-d")
            try await terminal.waitFor("EXIT=0")
            let history = try String(contentsOf: home.appendingPathComponent(".enoki_history"), encoding: .utf8)
            #expect(history == "n.rpc.greet_service.greet()\nn.rpc.py_echo.echo(1)\n")
            await terminal.close()

            // A second session in the same home walks the first one's lines.
            let second = try await Terminal(
                "\(TestBinaries.path("enoki")) shell --broker '\(uri)'",
                environment: ["HOME": home.path, "TERM": "xterm"]
            )
            do {
                try await second.waitFor(Self.prompt)
                try await second.press("Up", "Up")
                try await second.waitFor(Self.prompt + " n.rpc.greet_service.greet()")
                try await second.press("Enter")
                try await second.waitFor("'Hello !'")
                try await second.press("C-d")
                try await second.waitFor("EXIT=0")
                await second.close()
            } catch {
                await second.close()
                throw error
            }
        }
    }

    @Test func ctrlCCancelsTheCallInProgressAndNotTheShell() async throws {
        try await Self.withShell { terminal, _, _ in
            let before = try await terminal.screen().components(separatedBy: Self.prompt).count
            try await terminal.enter("n.rpc.swift_echo.slow(60)")
            try await Task.sleep(for: .seconds(1))
            let started = ContinuousClock.now
            try await terminal.press("C-c")
            try await terminal.waitFor("KeyboardInterrupt")
            // The call's line took one prompt; the line after the interrupt shows the next.
            try await terminal.waitFor(Self.prompt, count: before)
            #expect(ContinuousClock.now - started < .seconds(10))
            #expect(try await Self.run("n.rpc.swift_echo.slow(0.1)", in: terminal) == "0.1")
            // Ctrl-C on a line being typed drops the line.
            try await terminal.type("n.rpc.never_sent(")
            try await terminal.press("C-c")
            try await terminal.waitFor("KeyboardInterrupt", count: 2)
            #expect(try await Self.run("n.rpc.greet_service.greet()", in: terminal) == "'Hello !'")
            try await terminal.press("C-d")
            try await terminal.waitFor("EXIT=0")
        }
    }

    @Test func pipedLinesPrintResultsAndTheFirstErrorEndsTheSession() async throws {
        try await withPeers { peers, _, uri in
            _ = try await peers.examples(uri: uri, names: ["greet_service", "compute", "mail"])
            let shell = [TestBinaries.path("enoki"), "shell", "--broker", uri]
            let good = try await ChildProcess.run(
                shell,
                input: "n.rpc.greet_service.greet()\nx = n.rpc.compute.compute('sum', 30, 10, 'a@b')\n\nx\n"
            )
            #expect(good.status == 0)
            #expect(good.output == "'Hello !'\n40\n")
            #expect(good.errors.contains("shell on Linux"))
            #expect(!good.errors.contains("guest:guest"))
            let bad = try await ChildProcess.run(
                shell,
                input: "n.rpc.compute.compute('div', 1, 0, 'a@b')\nn.rpc.greet_service.greet()\n"
            )
            #expect(bad.status == 1)
            #expect(bad.output == "")
            #expect(bad.errors.hasSuffix("RemoteError: ZeroDivisionError division by zero\n"))
            let syntax = try await ChildProcess.run(shell, input: "n.rpc.greet_service.greet()\n)\n")
            #expect(syntax.status == 1)
            #expect(syntax.output == "'Hello !'\n")
            #expect(syntax.errors.hasSuffix("SyntaxError: unmatched ')'\n"))
        }
    }
}
