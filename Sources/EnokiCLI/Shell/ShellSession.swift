//===----------------------------------------------------------------------===//
// This source file is part of Enoki. Licensed under Apache License v2.0.
//===----------------------------------------------------------------------===//

import Synchronization
import UnixSignals

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The shell's two ways of running: at a terminal, with the line editor, history and completion, where Ctrl-C
/// cancels the call in progress and Ctrl-D leaves; and with lines piped in, where each result is printed and the
/// first error ends the session with exit code 1, as Nameko's plain console does.
public enum ShellSession {
    /// Runs a session until the end of input, and returns the exit code.
    ///
    /// - Parameters:
    ///   - interpreter: What runs the lines.
    ///   - banner: Printed first (on standard error when the input is piped, so that standard output holds the
    ///     results alone).
    ///   - history: The history file at a terminal.
    public static func run(interpreter: ShellInterpreter, banner: String, history: ShellHistory) async -> Int32 {
        if LineEditor.inputIsTerminal {
            return await self.interactive(interpreter: interpreter, banner: banner, history: history)
        }
        return await self.piped(interpreter: interpreter, banner: banner)
    }

    static func piped(interpreter: ShellInterpreter, banner: String) async -> Int32 {
        self.write(banner + "\n", to: STDERR_FILENO)
        while let line = Swift.readLine(strippingNewline: true) {
            let output = await interpreter.run(line)
            if let text = output.text {
                self.write(text + "\n", to: STDOUT_FILENO)
            }
            if let error = output.error {
                self.write(error.description + "\n", to: STDERR_FILENO)
                return 1
            }
        }
        return 0
    }

    static func interactive(interpreter: ShellInterpreter, banner: String, history: ShellHistory) async -> Int32 {
        self.write(banner + "\n", to: STDOUT_FILENO)
        let editor = LineEditor(history: history) { text in await interpreter.completions(for: text) }
        let interrupts = Interrupts()
        // Ctrl-C while a call runs (the terminal is in its normal mode then) is a SIGINT: it cancels the call.
        let signals = await UnixSignalsSequence(trapping: .sigint)
        await withTaskGroup(of: Void.self) { group in
            group.addTask {
                for await _ in signals {
                    interrupts.fire()
                }
            }
            while true {
                switch await editor.readLine(prompt: ">>> ") {
                case .end:
                    group.cancelAll()
                    return
                case .interrupted:
                    continue
                case .line(let line):
                    editor.remember(line)
                    let output = await self.runInterruptibly(line, interpreter: interpreter, interrupts: interrupts)
                    if let text = output.text {
                        self.write(text + "\n", to: STDOUT_FILENO)
                    }
                    if let error = output.error {
                        // The terminal echoed Ctrl-C as `^C` on the call's line.
                        let newline = error.kind == .keyboardInterrupt ? "\n" : ""
                        self.write(newline + error.description + "\n", to: STDOUT_FILENO)
                    }
                }
            }
        }
        return 0
    }

    /// Runs a line; a SIGINT meanwhile cancels it, and it ends with `KeyboardInterrupt`.
    static func runInterruptibly(
        _ line: String,
        interpreter: ShellInterpreter,
        interrupts: Interrupts
    ) async -> ShellInterpreter.Output {
        await withTaskGroup(of: ShellInterpreter.Output?.self) { group in
            group.addTask { await interpreter.run(line) }
            group.addTask { await interrupts.wait() ? nil : ShellInterpreter.Output() }
            let first = await group.next() ?? nil
            group.cancelAll()
            if let first {
                return first
            }
            // Interrupted: the call's task ends with its cancellation; what it printed does not matter now.
            _ = await group.next()
            return ShellInterpreter.Output(error: ShellError(.keyboardInterrupt, ""))
        }
    }

    /// Writes to a file descriptor, all of it (the editor writes to the terminal the same way, so nothing is
    /// reordered by a buffer).
    static func write(_ text: String, to descriptor: Int32) {
        var bytes = Array(text.utf8)
        var offset = 0
        while offset < bytes.count {
            let written = bytes.withUnsafeMutableBytes { buffer in
                Glibc.write(descriptor, buffer.baseAddress! + offset, buffer.count - offset)
            }
            if written < 0, errno == EINTR { continue }
            if written <= 0 { return }
            offset += written
        }
    }

    /// One waiter for the next Ctrl-C at a time.
    final class Interrupts: Sendable {
        private let waiter = Mutex<CheckedContinuation<Bool, Never>?>(nil)

        /// Waits for a Ctrl-C (`true`), or for the waiting task's cancellation (`false`).
        func wait() async -> Bool {
            await withTaskCancellationHandler {
                await withCheckedContinuation { continuation in
                    let cancelled = self.waiter.withLock { waiter in
                        if Task.isCancelled { return true }
                        waiter = continuation
                        return false
                    }
                    if cancelled { continuation.resume(returning: false) }
                }
            } onCancel: {
                self.waiter.withLock { waiter in
                    defer { waiter = nil }
                    return waiter
                }?.resume(returning: false)
            }
        }

        /// Wakes the waiter, if there is one.
        func fire() {
            self.waiter.withLock { waiter in
                defer { waiter = nil }
                return waiter
            }?.resume(returning: true)
        }
    }
}
