//===----------------------------------------------------------------------===//
// This source file is part of Enoki. Licensed under Apache License v2.0.
//===----------------------------------------------------------------------===//

public import Foundation
import Synchronization

/// Where the package's built executables are: `ENOKI_BIN` (the test script sets it), or the debug build folder.
public enum TestBinaries {
    /// The folder of the built executables.
    public static var directory: URL {
        if let bin = ProcessInfo.processInfo.environment["ENOKI_BIN"] { return URL(fileURLWithPath: bin) }
        return Broker.repositoryRoot.appendingPathComponent(".build/debug")
    }

    /// The path of a built executable.
    public static func path(_ name: String) -> String {
        self.directory.appendingPathComponent(name).path
    }
}

/// A process the tests start and watch: a service runner, Python or Swift, or a client. Its standard output and
/// error go to a log file that the test reads; a process that crashes ends, and the test sees it (``isRunning``,
/// ``waitFor(_:timeout:)``) instead of crashing with it.
public final class Subprocess: @unchecked Sendable {
    // @unchecked: the Process is only touched by the test that owns it.
    public let process = Process()
    /// The file its output goes to.
    public let logURL: URL
    /// A name for messages.
    public let name: String

    /// Starts a process.
    public init(
        name: String,
        executable: String,
        arguments: [String],
        directory: URL? = nil,
        environment: [String: String] = [:]
    ) throws {
        self.name = name
        self.logURL = FileManager.default.temporaryDirectory.appendingPathComponent(
            "enoki-\(name)-\(UUID().uuidString).log"
        )
        _ = FileManager.default.createFile(atPath: self.logURL.path, contents: nil)
        let log = try FileHandle(forWritingTo: self.logURL)
        self.process.executableURL = URL(fileURLWithPath: executable)
        self.process.arguments = arguments
        if let directory { self.process.currentDirectoryURL = directory }
        var env = ProcessInfo.processInfo.environment
        env.merge(environment) { $1 }
        env["PYTHONUNBUFFERED"] = "1"
        self.process.environment = env
        self.process.standardOutput = log
        self.process.standardError = log
        try self.process.run()
    }

    /// What the process has written so far.
    public var log: String { (try? String(contentsOf: self.logURL, encoding: .utf8)) ?? "" }

    /// Whether the process still runs.
    public var isRunning: Bool { self.process.isRunning }

    /// Waits until the process has written `text`.
    public func waitFor(_ text: String, timeout: Duration = .seconds(30)) async throws {
        try await self.waitUntil(timeout: timeout, "'\(text)'") { $0.contains(text) }
    }

    /// Waits until what the process has written satisfies `condition`.
    public func waitUntil(
        timeout: Duration = .seconds(30),
        _ what: String,
        _ condition: (String) -> Bool
    ) async throws {
        let deadline = ContinuousClock.now + timeout
        // Read once more after the deadline: a busy machine may keep this task waiting past it.
        while !condition(self.log) {
            guard self.process.isRunning else {
                throw SubprocessFailed(
                    "\(self.name) exited (status \(self.process.terminationStatus)) before writing \(what):\n\(self.log)"
                )
            }
            guard ContinuousClock.now < deadline else {
                throw SubprocessFailed("\(self.name) did not write \(what) within \(timeout):\n\(self.log)")
            }
            try await Task.sleep(for: .milliseconds(50))
        }
    }

    /// Sends a signal.
    public func signal(_ signal: Int32) {
        if self.process.isRunning { kill(self.process.processIdentifier, signal) }
    }

    /// Waits for the process to end and returns its exit status.
    public func waitForExit(timeout: Duration = .seconds(30)) async throws -> Int32 {
        let deadline = ContinuousClock.now + timeout
        while self.process.isRunning {
            guard ContinuousClock.now < deadline else {
                throw SubprocessFailed("\(self.name) did not exit within \(timeout):\n\(self.log)")
            }
            try await Task.sleep(for: .milliseconds(50))
        }
        return self.process.terminationStatus
    }

    /// Stops the process (SIGTERM, then SIGKILL) and removes its log.
    public func stop() async {
        self.signal(SIGTERM)
        if (try? await self.waitForExit(timeout: .seconds(10))) == nil {
            self.signal(SIGKILL)
            _ = try? await self.waitForExit(timeout: .seconds(5))
        }
        try? FileManager.default.removeItem(at: self.logURL)
    }
}

/// A test process did not do what was expected of it.
public struct SubprocessFailed: Error, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }
}

/// A count that several tasks add to.
public final class TestCounter: Sendable {
    private let value = Synchronization.Atomic<Int>(0)
    public init() {}
    public func add(_ amount: Int = 1) { self.value.add(amount, ordering: .relaxed) }
    public var count: Int { self.value.load(ordering: .relaxed) }
}
