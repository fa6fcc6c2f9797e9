//===----------------------------------------------------------------------===//
// This source file is part of Enoki. Licensed under Apache License v2.0.
//===----------------------------------------------------------------------===//

import EnokiCore
public import Logging

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Writes log lines to standard error as `nameko run` does (`%(message)s`), followed by the line's metadata; or, in
/// the JSON format, one object a line with `time`, `level`, `logger`, `message` and the metadata.
public struct MessageLogHandler: LogHandler {
    public var logLevel: Logger.Level
    public var metadata: Logger.Metadata = [:]
    private let label: String
    private let showsMetadata: Bool
    private let format: LoggingConfiguration.Format

    /// A handler for `label` at `level`.
    ///
    /// - Parameters:
    ///   - label: The logger's label.
    ///   - level: The lowest level it writes.
    ///   - showsMetadata: Whether lines end with their metadata (`key=value …`); a command line that
    ///     only reports what it waits for leaves it out.
    ///   - format: Text, or one JSON object a line.
    public init(
        label: String,
        level: Logger.Level,
        showsMetadata: Bool = true,
        format: LoggingConfiguration.Format = .text
    ) {
        self.label = label
        self.logLevel = level
        self.showsMetadata = showsMetadata
        self.format = format
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { self.metadata[key] }
        set { self.metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        let all = self.metadata.merging(event.metadata ?? [:]) { $1 }
        var line: String
        switch self.format {
        case .text:
            line = "\(event.message)"
            if self.showsMetadata && !all.isEmpty {
                line += " " + all.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " ")
            }
        case .json:
            line = Self.json(event: event, label: self.label, metadata: all)
        }
        line += "\n"
        var bytes = Array(line.utf8)
        bytes.withUnsafeMutableBytes { buffer in
            _ = write(2, buffer.baseAddress, buffer.count)
        }
    }

    /// A line in the JSON format: the metadata first, then `time`, `level`, `logger` and `message`, which win over
    /// metadata of the same names.
    static func json(event: LogEvent, label: String, metadata: Logger.Metadata, now: Double? = nil) -> String {
        var object = JSONObject()
        for (key, value) in metadata {
            object[key] = Self.json(value)
        }
        object["time"] = .string(Self.timestamp(now ?? Self.secondsSinceEpoch()))
        object["level"] = .string(event.level.rawValue)
        object["logger"] = .string(label)
        object["message"] = .string("\(event.message)")
        return JSONWriter.string(.object(object))
    }

    private static func json(_ value: Logger.Metadata.Value) -> JSONValue {
        switch value {
        case .string(let text): .string(text)
        case .stringConvertible(let convertible): .string(convertible.description)
        case .array(let values): .array(values.map(Self.json))
        case .dictionary(let values):
            .object(JSONObject(values.sorted { $0.key < $1.key }.map { ($0.key, Self.json($0.value)) }))
        }
    }

    private static func secondsSinceEpoch() -> Double {
        var now = timespec()
        clock_gettime(CLOCK_REALTIME, &now)
        return Double(now.tv_sec) + Double(now.tv_nsec) / 1e9
    }

    /// ISO 8601 in UTC with milliseconds: `2026-12-04T05:06:07.089Z`.
    static func timestamp(_ seconds: Double) -> String {
        var time = time_t(seconds.rounded(.down))
        var parts = tm()
        gmtime_r(&time, &parts)
        let milliseconds = Int((seconds - seconds.rounded(.down)) * 1000)
        func pad(_ value: Int32, _ width: Int) -> String {
            let text = String(value)
            return String(repeating: "0", count: max(0, width - text.count)) + text
        }
        return "\(pad(parts.tm_year + 1900, 4))-\(pad(parts.tm_mon + 1, 2))-\(pad(parts.tm_mday, 2))T"
            + "\(pad(parts.tm_hour, 2)):\(pad(parts.tm_min, 2)):\(pad(parts.tm_sec, 2))."
            + "\(pad(Int32(milliseconds), 3))Z"
    }
}
