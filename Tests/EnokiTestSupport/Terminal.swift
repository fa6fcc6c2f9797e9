//===----------------------------------------------------------------------===//
// This source file is part of Enoki. Licensed under Apache License v2.0.
//===----------------------------------------------------------------------===//

import EnokiTesting
import Foundation

/// A real terminal for a command, as a person types into it: a tmux session (on a tmux server of its own) whose
/// keys the test sends and whose screen it reads. tmux is `ENOKI_TMUX`, or `tmux` on the `PATH` (the test script
/// installs Debian's when it is missing).
///
/// When the command ends, the pane shows `EXIT=<status>` and stays open for a minute, so that the test reads what
/// it printed last.
public final class Terminal: Sendable {
    /// The tmux server's socket name, one per terminal.
    public let socket: String
    private static let session = "shell"

    /// Starts `command` (a shell command line) in a terminal 200 columns wide, with extra environment variables.
    public init(_ command: String, environment: [String: String] = [:]) async throws {
        self.socket = "enoki-test-\(UUID().uuidString.prefix(8))"
        let script = FileManager.default.temporaryDirectory.appendingPathComponent("\(self.socket).sh")
        // The script outlives a Ctrl-C as a person's shell does (it would put the command in a process group of
        // its own): the trap is a handler, so the command starts with SIGINT at its default.
        var text = "#!/bin/sh\ntrap : INT\n"
        for (name, value) in environment.sorted(by: { $0.key < $1.key }) {
            text += "export \(name)='\(value.replacingOccurrences(of: "'", with: "'\\''"))'\n"
        }
        text += "\(command)\necho EXIT=$?\nsleep 60\n"
        try text.write(to: script, atomically: true, encoding: .utf8)
        try await self.tmux(
            "-f",
            "/dev/null",
            "new-session",
            "-d",
            "-s",
            Self.session,
            "-x",
            "200",
            "-y",
            "60",
            "sh \(script.path)"
        )
    }

    /// The tmux executable.
    public static var tmuxPath: String { ProcessInfo.processInfo.environment["ENOKI_TMUX"] ?? "tmux" }

    @discardableResult
    private func tmux(_ arguments: String...) async throws -> String {
        let outcome = try await ChildProcess.run(
            ["/usr/bin/env", Self.tmuxPath, "-L", self.socket] + arguments,
            environment: ProcessInfo.processInfo.environment
        )
        guard outcome.status == 0 else {
            throw TerminalError(
                "tmux \(arguments.joined(separator: " ")) failed (\(outcome.status)): \(outcome.errors)"
            )
        }
        return outcome.output
    }

    /// Types text, as it is (no key names).
    public func type(_ text: String) async throws {
        try await self.tmux("send-keys", "-t", Self.session, "-l", text)
    }

    /// Presses keys by tmux's names: `Enter`, `Tab`, `C-c`, `C-d`, `Up`, `BSpace`.
    public func press(_ keys: String...) async throws {
        for key in keys {
            try await self.tmux("send-keys", "-t", Self.session, key)
        }
    }

    /// Types a line and presses Enter.
    public func enter(_ line: String) async throws {
        try await self.type(line)
        try await self.press("Enter")
    }

    /// What the screen and its scroll-back show, lines joined where the terminal wrapped them, trailing blanks
    /// dropped.
    public func screen() async throws -> String {
        let text = try await self.tmux("capture-pane", "-p", "-J", "-S", "-2000", "-t", Self.session)
        return text.split(separator: "\n", omittingEmptySubsequences: false)
            .map { String($0.reversed().drop { $0 == " " }.reversed()) }
            .joined(separator: "\n").trimmingCharacters(in: .newlines)
    }

    /// Waits until the screen satisfies `condition`, and returns it; throws with the screen after `timeout`.
    @discardableResult
    public func waitUntil(
        _ what: String,
        timeout: Duration = .seconds(30),
        _ condition: (String) -> Bool
    ) async throws -> String {
        let deadline = ContinuousClock.now + timeout
        while true {
            let screen = try await self.screen()
            if condition(screen) { return screen }
            guard ContinuousClock.now < deadline else {
                throw TerminalError("the terminal did not show \(what) within \(timeout); it shows:\n\(screen)")
            }
            try await Task.sleep(for: .milliseconds(100))
        }
    }

    /// Waits until the screen contains `text` `count` times (once by default).
    @discardableResult
    public func waitFor(_ text: String, count: Int = 1, timeout: Duration = .seconds(30)) async throws -> String {
        try await self.waitUntil("'\(text)' \(count) time(s)", timeout: timeout) {
            $0.components(separatedBy: text).count - 1 >= count
        }
    }

    /// Ends the terminal and its tmux server.
    public func close() async {
        _ = try? await self.tmux("kill-server")
        // The server leaves its socket behind in tmux's folder.
        let folder = ProcessInfo.processInfo.environment["TMUX_TMPDIR"] ?? "/tmp"
        try? FileManager.default.removeItem(atPath: "\(folder)/tmux-\(getuid())/\(self.socket)")
        try? FileManager.default.removeItem(
            at: FileManager.default.temporaryDirectory.appendingPathComponent("\(self.socket).sh")
        )
    }
}

/// A terminal that failed or did not show what a test waited for.
public struct TerminalError: Error, CustomStringConvertible {
    public let description: String
    init(_ description: String) { self.description = description }
}
