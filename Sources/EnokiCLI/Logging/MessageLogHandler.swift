//===----------------------------------------------------------------------===//
// This source file is part of Enoki. Licensed under Apache License v2.0.
//===----------------------------------------------------------------------===//

public import Logging

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Writes log lines to standard error as `nameko run` does (`%(message)s`), followed by the line's metadata.
public struct MessageLogHandler: LogHandler {
    public var logLevel: Logger.Level
    public var metadata: Logger.Metadata = [:]
    private let label: String
    private let showsMetadata: Bool

    /// A handler for `label` at `level`.
    ///
    /// - Parameters:
    ///   - label: The logger's label.
    ///   - level: The lowest level it writes.
    ///   - showsMetadata: Whether lines end with their metadata (`key=value …`); a command line that
    ///     only reports what it waits for leaves it out.
    public init(label: String, level: Logger.Level, showsMetadata: Bool = true) {
        self.label = label
        self.logLevel = level
        self.showsMetadata = showsMetadata
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { self.metadata[key] }
        set { self.metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        var line = "\(event.message)"
        let all = self.metadata.merging(event.metadata ?? [:]) { $1 }
        if self.showsMetadata && !all.isEmpty {
            line += " " + all.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " ")
        }
        line += "\n"
        var bytes = Array(line.utf8)
        bytes.withUnsafeMutableBytes { buffer in
            _ = write(2, buffer.baseAddress, buffer.count)
        }
    }
}
