//===----------------------------------------------------------------------===//
// This source file is part of Enoki. Licensed under Apache License v2.0.
//===----------------------------------------------------------------------===//

import EnokiCore
import Foundation
import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Runs a command to its end without holding one of Swift concurrency's threads while it runs.
///
/// Tests run commands that take a second or more (`rabbitmqctl` starts an Erlang VM; a Python peer imports
/// Nameko). Waiting for one synchronously inside a task holds a thread of the concurrency pool, which has as many
/// threads as the machine has cores: on two cores, two such waits stop every other test of the process. Here the
/// command is started with `posix_spawn` and waited for with `waitpid` on a thread of its own, outside both the
/// concurrency pool and Dispatch (which Foundation's `Process` uses to learn that a child exited); its output goes
/// through files, so that no pipe fills up. Cancelling the task that waits kills the command (`SIGKILL`); its outcome
/// then has status 137.
public enum ChildProcess {
    /// What a command did.
    public struct Outcome: Sendable {
        /// The exit status; 128 plus the signal's number when a signal ended it.
        public var status: Int32
        /// Its standard output.
        public var output: String
        /// Its standard error.
        public var errors: String
    }

    /// Runs `arguments` (the first is looked up in the `PATH` unless it holds a `/`) and returns what it did.
    ///
    /// - Parameters:
    ///   - arguments: The command and its arguments.
    ///   - input: Text for its standard input; none (`/dev/null`) by default.
    ///   - directory: The directory it runs in; this process's by default.
    ///   - environment: Its environment; this process's by default.
    /// - Throws: `EnokiError` when the command cannot be started.
    public static func run(
        _ arguments: [String],
        input: String? = nil,
        directory: String? = nil,
        environment: [String: String]? = nil
    ) async throws -> Outcome {
        let child = Child()
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { continuation in
                let thread = Thread {
                    continuation.resume(
                        with: Result {
                            try self.runBlocking(
                                arguments,
                                input: input,
                                directory: directory,
                                environment: environment,
                                child: child
                            )
                        }
                    )
                }
                thread.start()
            }
        } onCancel: {
            child.cancel()
        }
    }

    /// The running command, which a cancellation kills.
    private final class Child: Sendable {
        private enum State {
            case starting
            case running(pid_t)
            case cancelled
            case exited
        }

        private let state = Mutex(State.starting)

        /// The command started; when the wait was cancelled meanwhile, it is killed at once.
        func started(_ pid: pid_t) {
            self.state.withLock { state in
                if case .cancelled = state {
                    kill(pid, SIGKILL)
                } else {
                    state = .running(pid)
                }
            }
        }

        /// The command exited and is not reaped yet: its process id cannot belong to another process.
        func exited() {
            self.state.withLock { $0 = .exited }
        }

        func cancel() {
            self.state.withLock { state in
                if case .running(let pid) = state {
                    kill(pid, SIGKILL)
                }
                if case .exited = state { return }
                state = .cancelled
            }
        }
    }

    private static func runBlocking(
        _ arguments: [String],
        input: String?,
        directory: String?,
        environment: [String: String]?,
        child: Child
    ) throws -> Outcome {
        guard !arguments.isEmpty else {
            throw EnokiError(.configuration, "no command to run")
        }
        // posix_spawn cannot change directory portably: a shell does, then becomes the command.
        let arguments = directory.map { ["/bin/sh", "-c", #"cd "$0" && exec "$@""#, $0] + arguments } ?? arguments
        let program = arguments[0]
        let base = FileManager.default.temporaryDirectory.appendingPathComponent("enoki-child-\(RandomUUID.make())")
        let outputPath = base.path + ".out"
        let errorsPath = base.path + ".err"
        let inputPath = input == nil ? "/dev/null" : base.path + ".in"
        defer {
            for path in [outputPath, errorsPath] + (input == nil ? [] : [inputPath]) {
                try? FileManager.default.removeItem(atPath: path)
            }
        }
        if let input {
            try Data(input.utf8).write(to: URL(fileURLWithPath: inputPath))
        }

        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, inputPath, O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, outputPath, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        posix_spawn_file_actions_addopen(&actions, 2, errorsPath, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        let argv = arguments.map { strdup($0) } + [nil]
        let environmentList = (environment ?? ProcessInfo.processInfo.environment).map { strdup("\($0)=\($1)") }
        let envp = environmentList + [nil]
        defer {
            for pointer in argv + envp { free(pointer) }
        }
        var pid: pid_t = 0
        let spawned =
            program.contains("/")
            ? posix_spawn(&pid, program, &actions, nil, argv, envp)
            : posix_spawnp(&pid, program, &actions, nil, argv, envp)
        guard spawned == 0 else {
            throw EnokiError(.configuration, "could not start \(program): \(String(cString: strerror(spawned)))")
        }
        child.started(pid)
        // Wait without reaping first, so that a cancellation never signals a process id that was reused.
        var info = siginfo_t()
        while waitid(P_PID, id_t(pid), &info, WEXITED | WNOWAIT) == -1 && errno == EINTR {}
        child.exited()
        var status: Int32 = 0
        while waitpid(pid, &status, 0) == -1 && errno == EINTR {}
        let exitStatus = (status & 0x7F) == 0 ? (status >> 8) & 0xFF : 128 + (status & 0x7F)
        let read = { (path: String) in
            (try? String(contentsOfFile: path, encoding: .utf8)) ?? ""
        }
        return Outcome(status: exitStatus, output: read(outputPath), errors: read(errorsPath))
    }
}
