//===----------------------------------------------------------------------===//
// This source file is part of Enoki. Licensed under Apache License v2.0.
//===----------------------------------------------------------------------===//

import EnokiCore
import EnokiTestSupport
import EnokiTesting
import Foundation
import Testing

/// Where things are: the repository, the Python test peer (`ENOKI_PYTHON`, made by scripts/python-env.sh) and
/// the built executables (`ENOKI_BIN`, by default the debug build folder).
enum Paths {
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()
    static let pythonScripts = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent(
        "Python"
    )

    static var python: String {
        ProcessInfo.processInfo.environment["ENOKI_PYTHON"]
            ?? repository.appendingPathComponent(".venv/bin/python").path
    }

    static var bin: URL { TestBinaries.directory }

    static func checkPython() throws {
        guard FileManager.default.isExecutableFile(atPath: self.python) else {
            throw PeerError("no Python test peer at \(self.python); make it with scripts/python-env.sh")
        }
    }

    /// A config file with `AMQP_URI` and extra keys (their values as YAML writes them).
    static func configFile(uri: String, _ config: [String: String]) throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("enoki-\(UUID().uuidString).yaml")
        var yaml = "AMQP_URI: '\(uri)'\n"
        for (key, value) in config { yaml += "\(key): \(value)\n" }
        try yaml.write(to: url, atomically: true, encoding: .utf8)
        return url
    }
}

struct PeerError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

/// Python Nameko 2.14.1 as a test peer.
enum PythonPeer {
    /// Starts `nameko run {module}` against `uri`, with extra config keys.
    static func services(
        uri: String,
        module: String = "interop_services",
        config: [String: String] = [:]
    ) async throws -> Subprocess {
        try Paths.checkPython()
        let configURL = try Paths.configFile(uri: uri, config)
        let nameko = URL(fileURLWithPath: Paths.python).deletingLastPathComponent().appendingPathComponent("nameko")
            .path
        let process = try Subprocess(
            name: "nameko",
            executable: nameko,
            arguments: ["run", module, "--config", configURL.path],
            directory: Paths.pythonScripts
        )
        try await process.waitFor("Connected to")
        // One line per container: wait for both.
        try await Task.sleep(for: .milliseconds(300))
        return process
    }

    /// Runs calls from a Python `ClusterRpcProxy` and returns what each gave: `{"result": …}` or
    /// `{"error": {"class", "module", "args", "str"}}`.
    static func call(uri: String, _ calls: [JSONValue]) async throws -> [JSONValue] {
        let output = try await self.run(["interop_client.py", uri, JSONWriter.string(.array(calls))])
        guard let line = output.split(separator: "\n").last,
            case .array(let results) = try JSONParser.parse(String(line))
        else {
            throw PeerError("unexpected output of interop_client.py:\n\(output)")
        }
        return results
    }

    /// One call.
    static func call(
        uri: String,
        service: String,
        method: String,
        args: [JSONValue] = [],
        kwargs: JSONObject = [:],
        timeout: Double? = nil,
        context: JSONObject? = nil
    ) async throws -> JSONValue {
        var call: JSONObject = [
            "service": .string(service), "method": .string(method), "args": .array(args), "kwargs": .object(kwargs),
        ]
        if let timeout { call["timeout"] = .double(timeout) }
        if let context { call["context"] = .object(context) }
        return try await self.call(uri: uri, [.object(call)])[0]
    }

    /// Runs a Python script from the test folder and returns its standard output.
    static func run(_ arguments: [String], stdin: String? = nil) async throws -> String {
        try Paths.checkPython()
        let outcome = try await ChildProcess.run(
            [Paths.python] + arguments,
            input: stdin,
            directory: Paths.pythonScripts.path
        )
        guard outcome.status == 0 else {
            throw PeerError("python \(arguments.joined(separator: " ")) failed:\n\(outcome.errors)")
        }
        return outcome.output
    }
}

/// The Swift services of the interoperability tests, as a separate process (enoki-interop-services).
enum SwiftPeer {
    static func services(uri: String, names: [String] = [], config: [String: String]? = nil) async throws -> Subprocess
    {
        let executable = Paths.bin.appendingPathComponent("EnokiInteropServices").path
        guard FileManager.default.isExecutableFile(atPath: executable) else {
            throw PeerError("no \(executable); build it with swift build --build-tests")
        }
        var arguments = ["run"] + names
        if let config {
            arguments += ["--config", try Paths.configFile(uri: uri, config).path]
        } else {
            arguments += ["--broker", uri]
        }
        let process = try Subprocess(name: "swift-services", executable: executable, arguments: arguments)
        // Logged once every entrypoint consumes: a request sent earlier could find no queue to route to.
        try await process.waitFor("services started")
        return process
    }
}

extension JSONValue {
    /// The result of a Python call, or `nil` when it raised.
    var pythonResult: JSONValue? { self["result"] }
    /// The class of the exception a Python call raised.
    var pythonErrorClass: String? { self["error"]?["class"]?.stringValue }
    /// The text of the exception a Python call raised.
    var pythonErrorText: String? { self["error"]?["str"]?.stringValue }
}

/// The processes a test starts, stopped when the test ends, whether it passes or fails.
final class Peers: @unchecked Sendable {
    // @unchecked: used by one test at a time.
    private var processes: [Subprocess] = []

    func python(
        uri: String,
        module: String = "interop_services",
        config: [String: String] = [:]
    ) async throws -> Subprocess {
        let process = try await PythonPeer.services(uri: uri, module: module, config: config)
        self.processes.append(process)
        return process
    }

    func swift(uri: String, names: [String] = [], config: [String: String]? = nil) async throws -> Subprocess {
        let process = try await SwiftPeer.services(uri: uri, names: names, config: config)
        self.processes.append(process)
        return process
    }

    /// Starts `enoki-examples run {names}`: the seeds' services in Swift, with extra config keys when given.
    func examples(uri: String, names: [String], config: [String: String]? = nil) async throws -> Subprocess {
        var arguments = ["run"] + names
        if let config {
            arguments += ["--config", try Paths.configFile(uri: uri, config).path]
        } else {
            arguments += ["--broker", uri]
        }
        let process = try Subprocess(
            name: "enoki-examples",
            executable: TestBinaries.path("enoki-examples"),
            arguments: arguments
        )
        self.processes.append(process)
        try await process.waitFor("services started")
        return process
    }

    func stopAll() async {
        for process in self.processes {
            await process.stop()
        }
        self.processes = []
    }
}

/// Runs `body` in a fresh virtual host with a set of peer processes, and stops them all afterwards.
func withPeers<Result: Sendable>(
    _ body: (Peers, String, String) async throws -> Result
) async throws -> Result {
    try await TestCluster.withVirtualHost { vhost, uri in
        let peers = Peers()
        do {
            let result = try await body(peers, vhost, uri)
            await peers.stopAll()
            return result
        } catch {
            await peers.stopAll()
            throw error
        }
    }
}
