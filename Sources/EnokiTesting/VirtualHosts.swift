//===----------------------------------------------------------------------===//
// This source file is part of Enoki. Licensed under Apache License v2.0.
//===----------------------------------------------------------------------===//

public import EnokiCore
import Foundation

/// Makes and removes RabbitMQ virtual hosts, so that each test gets a broker of its own (as Nameko's
/// `rabbit_config` fixture does).
///
/// It runs `rabbitmqctl`: the command in `RABBITMQCTL` (which may hold arguments, such as
/// `scripts/broker.sh ctl`), or `rabbitmqctl` from the `PATH`.
public struct VirtualHosts: Sendable {
    /// The command and its leading arguments.
    public var command: [String]

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
    public func create(_ name: String, user: String = "guest") throws {
        try self.run(["add_vhost", name])
        try self.run(["set_permissions", "-p", name, user, ".*", ".*", ".*"])
    }

    /// Removes a virtual host and everything in it.
    public func delete(_ name: String) throws {
        try self.run(["delete_vhost", name])
    }

    /// Runs `rabbitmqctl` with arguments and returns its output.
    @discardableResult
    public func run(_ arguments: [String]) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = self.command + ["-q"] + arguments
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        let output = String(decoding: data, as: UTF8.self)
        guard process.terminationStatus == 0 else {
            throw EnokiError(
                .configuration,
                "\((self.command + arguments).joined(separator: " ")) failed (\(process.terminationStatus)): \(output)"
            )
        }
        return output
    }
}
