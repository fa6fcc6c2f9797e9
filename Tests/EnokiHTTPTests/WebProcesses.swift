//===----------------------------------------------------------------------===//
// This source file is part of Enoki. Licensed under Apache License v2.0.
//===----------------------------------------------------------------------===//

import EnokiTestSupport
import Foundation
import Testing

/// The HTTP servers the tests start as processes of their own: Swift (enoki-examples, EnokiHTTPTestServices) and
/// Python Nameko, each on a port of its own.
enum WebProcesses {
    static let pythonScripts = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent(
        "Python"
    )

    static var python: String {
        ProcessInfo.processInfo.environment["ENOKI_PYTHON"]
            ?? Broker.repositoryRoot.appendingPathComponent(".venv/bin/python").path
    }

    static var brokerURI: String {
        ProcessInfo.processInfo.environment["AMQP_URL"] ?? "amqp://guest:guest@127.0.0.1:5672/"
    }

    /// A config file with these keys.
    static func config(_ keys: [String: String]) throws -> String {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("enoki-web-\(UUID().uuidString).yaml")
        var yaml = keys["AMQP_URI"] == nil ? "AMQP_URI: '\(self.brokerURI)'\n" : ""
        for (key, value) in keys.sorted(by: { $0.key < $1.key }) { yaml += "\(key): \(value)\n" }
        try yaml.write(to: url, atomically: true, encoding: .utf8)
        return url.path
    }

    /// A Swift runner of `services` on a port the system picks; returns the process and its port.
    static func swift(
        _ executable: String,
        _ services: [String],
        config keys: [String: String] = [:],
        environment: [String: String] = [:],
        serves http: Bool = true
    ) async throws -> (Subprocess, Int) {
        let path = TestBinaries.path(executable)
        guard FileManager.default.isExecutableFile(atPath: path) else {
            throw RawHTTPError(description: "no \(path); build it with swift build --build-tests")
        }
        var keys = keys
        if keys["WEB_SERVER_ADDRESS"] == nil { keys["WEB_SERVER_ADDRESS"] = "'127.0.0.1:0'" }
        let process = try Subprocess(
            name: executable,
            executable: path,
            arguments: ["run"] + services + ["--config", try self.config(keys)],
            environment: environment
        )
        try await process.waitFor("services started")
        guard http else { return (process, 0) }
        let marker = "web server listening on http://127.0.0.1:"
        guard let line = process.log.split(separator: "\n").first(where: { $0.contains(marker) }),
            let port = Int(line.split(separator: ":").last ?? "")
        else {
            await process.stop()
            throw RawHTTPError(description: "\(executable) did not say its port:\n\(process.log)")
        }
        return (process, port)
    }

    /// `nameko run seed_http:{service}` on a free port; returns the process and its port.
    static func nameko(_ className: String) async throws -> (Subprocess, Int) {
        guard FileManager.default.isExecutableFile(atPath: self.python) else {
            throw RawHTTPError(description: "no Python test peer at \(self.python); make it with scripts/python-env.sh")
        }
        let port = try self.freePort()
        let nameko = URL(fileURLWithPath: self.python).deletingLastPathComponent().appendingPathComponent("nameko").path
        let process = try Subprocess(
            name: "nameko-http",
            executable: nameko,
            arguments: [
                "run", "seed_http:\(className)", "--config",
                try self.config(["WEB_SERVER_ADDRESS": "'127.0.0.1:\(port)'"]),
            ],
            directory: self.pythonScripts
        )
        // The server listens once the container has started: poll until it answers.
        let deadline = ContinuousClock.now + .seconds(30)
        while ContinuousClock.now < deadline {
            if let connection = try? await RawConnection.open(port: port) {
                await connection.close()
                return (process, port)
            }
            guard process.isRunning else { break }
            try await Task.sleep(for: .milliseconds(100))
        }
        await process.stop()
        throw RawHTTPError(description: "nameko did not listen on \(port):\n\(process.log)")
    }

    /// A port nothing listens on now.
    static func freePort() throws -> Int {
        try FreePort.pick()
    }
}
