//===----------------------------------------------------------------------===//
// This source file is part of Enoki. Licensed under Apache License v2.0.
//===----------------------------------------------------------------------===//

public import EnokiAMQPClient
import EnokiTesting
public import Foundation
import NIOCore

/// The real RabbitMQ broker the integration tests talk to, over loopback.
///
/// The broker's URL comes from `AMQP_URL` (default `amqp://guest:guest@127.0.0.1:5672/`). There is no fallback
/// and no skipping: when no broker answers, the tests fail and say how to start one (`scripts/broker.sh start`,
/// which the test command runs first).
public enum Broker {
    /// The broker's URL.
    public static var url: String {
        ProcessInfo.processInfo.environment["AMQP_URL"] ?? "amqp://guest:guest@127.0.0.1:5672/"
    }

    /// The URL of the broker's TLS listener.
    public static var tlsURL: String {
        ProcessInfo.processInfo.environment["AMQPS_URL"] ?? "amqps://guest:guest@localhost:5671/"
    }

    /// The certificate authority that signed the TLS listener's certificate (made by `scripts/broker.sh`).
    public static var tlsCertificateAuthority: String {
        ProcessInfo.processInfo.environment["ENOKI_TLS_CA"]
            ?? (ProcessInfo.processInfo.environment["ENOKI_BROKER_DIR"] ?? "/tmp/enoki-broker") + "/tls/ca.pem"
    }

    /// The repository's root, for its scripts.
    public static var repositoryRoot: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
    }

    /// A configuration for the test broker, with a connection name tests can find it by.
    public static func configuration(name: String? = nil, heartbeat: UInt16 = 60) throws -> AMQPConnection.Configuration
    {
        var configuration = try AMQPConnection.Configuration(url: self.url)
        configuration.connectionName = name
        configuration.heartbeat = heartbeat
        configuration.connectTimeout = .seconds(10)
        return configuration
    }

    /// Connects to the test broker, failing with a message that says how to start one.
    public static func connect(name: String? = nil, heartbeat: UInt16 = 60) async throws -> AMQPConnection {
        do {
            return try await AMQPConnection.connect(configuration: self.configuration(name: name, heartbeat: heartbeat))
        } catch let error as AMQPError where error.code == .connectionFailed {
            throw BrokerUnavailable(error: error)
        }
    }

    /// A name no other test uses.
    public static func uniqueName(_ prefix: String = "test") -> String {
        "\(prefix)-\(UUID().uuidString.prefix(8).lowercased())"
    }

    /// Runs `rabbitmqctl` against the test broker and returns its output.
    @discardableResult
    public static func ctl(_ arguments: String...) async throws -> String {
        try await self.ctl(arguments)
    }

    /// Runs `rabbitmqctl` against the test broker and returns its output, taking turns with every other
    /// `rabbitmqctl` of the process and holding no thread of the concurrency pool (``VirtualHosts/run(_:)``).
    @discardableResult
    public static func ctl(_ arguments: [String]) async throws -> String {
        let script = self.repositoryRoot.appendingPathComponent("scripts/broker.sh").path
        return try await VirtualHosts(command: [script, "ctl"]).run(arguments)
    }

    /// Forces the broker to close the connections with the given `connection_name` (in one virtual host, or in
    /// any), as an operator would with `rabbitmqctl close_connection`.
    public static func closeConnections(
        named name: String,
        virtualHost: String? = nil,
        reason: String = "closed by the test"
    ) async throws {
        let listing = try await self.ctl("list_connections", "pid", "vhost", "client_properties")
        let pids = listing.split(separator: "\n").compactMap { line -> String? in
            let columns = line.split(separator: "\t", maxSplits: 2)
            guard columns.count == 3, columns[2].contains("\"\(name)\"") else { return nil }
            guard virtualHost == nil || columns[1] == virtualHost! else { return nil }
            return String(columns[0])
        }
        guard !pids.isEmpty else {
            throw CommandFailed(command: "find connection \(name)", output: listing)
        }
        for pid in pids {
            try await self.ctl("close_connection", pid, reason)
        }
    }

    /// Runs `body` while the broker's memory alarm is raised: the broker stops reading from every connection
    /// that publishes, on every virtual host, until the alarm is lifted, which this does however `body` ends.
    /// Only for suites that run alone (`RunAloneTests`).
    public static func withMemoryAlarm<Result: Sendable>(_ body: () async throws -> Result) async throws -> Result {
        try await self.ctl("set_vm_memory_high_watermark", "0.000001")
        let result: Result
        do {
            result = try await body()
        } catch {
            try? await self.liftMemoryAlarm()
            throw error
        }
        try await self.liftMemoryAlarm()
        return result
    }

    private static func liftMemoryAlarm() async throws {
        try await self.ctl("set_vm_memory_high_watermark", "0.4")
        var checks = 0
        while checks < 100, try await self.ctl("eval", "rabbit_alarm:get_alarms().").contains("memory") {
            checks += 1
            try await Task.sleep(for: .milliseconds(100))
        }
    }

    /// The `list_queues` row of a queue: name, durable, auto_delete, exclusive, arguments.
    public static func queueInfo(_ name: String, vhost: String = "/") async throws -> String? {
        let listing = try await self.ctl(
            "list_queues",
            "-p",
            vhost,
            "name",
            "durable",
            "auto_delete",
            "exclusive",
            "arguments"
        )
        return listing.split(separator: "\n").first { $0.split(separator: "\t").first.map(String.init) == name }
            .map(String.init)
    }
}

/// No broker answered.
public struct BrokerUnavailable: Error, CustomStringConvertible {
    public let error: AMQPError
    public var description: String {
        "no RabbitMQ broker at \(Broker.url): \(error.message). Start one with scripts/broker.sh start"
    }
}

/// A command the tests ran failed.
public struct CommandFailed: Error, CustomStringConvertible {
    public let command: String
    public let output: String
    public var description: String { "\(self.command) failed: \(self.output)" }
}
