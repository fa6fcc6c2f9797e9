//===----------------------------------------------------------------------===//
// This source file is part of Enoki. Licensed under Apache License v2.0.
//===----------------------------------------------------------------------===//

import EnokiCore
import Foundation

/// Makes and removes RabbitMQ virtual hosts, so that each test gets a broker of its own (as Nameko's
/// `rabbit_config` fixture does).
///
/// It runs `rabbitmqctl`: the command in `RABBITMQCTL` (which may hold arguments, such as
/// `scripts/broker.sh ctl`), or `rabbitmqctl` from the `PATH`.
public struct VirtualHosts: Sendable {
    /// The command and its leading arguments.
    public var command: [String]

    /// Each `rabbitmqctl` starts an Erlang VM: about a CPU-second of work, and one of eleven distribution ports.
    /// Dozens started together (a virtual host for each of many tests) starve the broker and the tests' own event
    /// loops for seconds on a small machine; two at a time do not.
    private static let turns = AsyncLimiter(limit: 2)

    /// Uses `RABBITMQCTL`, or `rabbitmqctl`.
    public init() {
        let configured = ProcessInfo.processInfo.environment["RABBITMQCTL"]
        self.command = configured.map { $0.split(separator: " ").map(String.init) } ?? ["rabbitmqctl"]
    }

    /// Uses the given command.
    public init(command: [String]) {
        self.command = command
    }

    /// Makes a virtual host and gives `user` every permission on it.
    public func create(_ name: String, user: String = "guest") async throws {
        try await self.run(["add_vhost", name])
        try await self.run(["set_permissions", "-p", name, user, ".*", ".*", ".*"])
    }

    /// Removes a virtual host and everything in it.
    public func delete(_ name: String) async throws {
        try await self.run(["delete_vhost", name])
    }

    /// Runs `rabbitmqctl` with arguments and returns its output, without holding a thread of the concurrency pool
    /// while it runs (``ChildProcess``). At most two run at a time in a process: each starts an Erlang VM, and
    /// many at once starve the broker.
    @discardableResult
    public func run(_ arguments: [String]) async throws -> String {
        let command = self.command + ["-q"] + arguments
        let outcome = try await Self.turns.run { try await ChildProcess.run(command) }
        guard outcome.status == 0 else {
            throw EnokiError(
                .configuration,
                "\((self.command + arguments).joined(separator: " ")) failed (\(outcome.status)): "
                    + outcome.output + outcome.errors
            )
        }
        return outcome.output
    }
}
