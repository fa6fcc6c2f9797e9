//===----------------------------------------------------------------------===//
// This source file is part of Enoki. Licensed under Apache License v2.0.
//===----------------------------------------------------------------------===//

public import Logging
import Synchronization

/// Keeps what services log, so that a test can check what a user would read in the log.
///
/// ```swift
/// let logs = LogCapture()
/// try await TestCluster.run(services: [.service(Handlers.self)], logger: logs.logger) { cluster in
///     …
///     let line = try await logs.first(containing: "Can't decode message body")
///     #expect(line.metadata["queue"] == "evt-src-thing--handlers.on_thing")
/// }
/// ```
public final class LogCapture: Sendable {
    /// One log line.
    public struct Line: Sendable, CustomStringConvertible {
        /// Its level.
        public var level: Logger.Level
        /// Its message.
        public var message: String
        /// Its metadata, rendered as text.
        public var metadata: [String: String]

        public var description: String {
            let metadata = self.metadata.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }
            return "\(self.level) \(self.message) \(metadata.joined(separator: " "))"
        }
    }

    /// Why ``first(containing:timeout:)`` gave up.
    public struct NotLogged: Error, CustomStringConvertible {
        /// The text looked for.
        public var text: String
        /// What was logged instead.
        public var lines: [Line]

        public var description: String {
            "nothing logged contains '\(self.text)'; the log has:\n"
                + self.lines.map(\.description).joined(separator: "\n")
        }
    }

    private let storage = Mutex<[Line]>([])

    /// An empty capture.
    public init() {}

    /// A logger that writes here, at `level` and above.
    public func logger(level: Logger.Level = .debug) -> Logger {
        var logger = Logger(label: "enoki.test") { _ in Handler(capture: self) }
        logger.logLevel = level
        return logger
    }

    /// A logger that writes here, at debug level and above.
    public var logger: Logger { self.logger() }

    /// Everything logged so far.
    public var lines: [Line] { self.storage.withLock { $0 } }

    /// The first line whose message contains `text`, waiting up to `timeout` for it.
    public func first(containing text: String, timeout: Duration = .seconds(20)) async throws -> Line {
        let deadline = ContinuousClock.now + timeout
        while true {
            if let line = self.lines.first(where: { $0.message.contains(text) }) {
                return line
            }
            guard ContinuousClock.now < deadline else {
                throw NotLogged(text: text, lines: self.lines)
            }
            try await Task.sleep(for: .milliseconds(20))
        }
    }

    fileprivate func append(_ line: Line) {
        self.storage.withLock { $0.append(line) }
    }

    private struct Handler: LogHandler {
        let capture: LogCapture
        var metadata: Logger.Metadata = [:]
        var logLevel: Logger.Level = .debug

        subscript(metadataKey key: String) -> Logger.Metadata.Value? {
            get { self.metadata[key] }
            set { self.metadata[key] = newValue }
        }

        func log(event: LogEvent) {
            var all = self.metadata
            if let extra = event.metadata { all.merge(extra) { $1 } }
            self.capture.append(
                Line(
                    level: event.level,
                    message: event.message.description,
                    metadata: all.mapValues { "\($0)" }
                )
            )
        }
    }
}
