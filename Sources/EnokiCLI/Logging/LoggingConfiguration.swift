//===----------------------------------------------------------------------===//
// This source file is part of Enoki. Licensed under Apache License v2.0.
//===----------------------------------------------------------------------===//

public import EnokiCore
public import Logging

/// The levels and the format of a runner's logs, from the config's `LOGGING` (the common cases of Python's
/// `logging.config.dictConfig`, as Nameko reads it) and `LOG_FORMAT`.
///
/// ```yaml
/// LOGGING:
///   version: 1
///   root:
///     level: WARNING
///   loggers:
///     enoki:            # the framework's own lines
///       level: INFO
///     orders.audit:     # Logger(label: "orders.audit") and its children ("orders.audit.db")
///       level: DEBUG
/// LOG_FORMAT: json      # one JSON object a line; `text` (the default) is Nameko's `%(message)s`
/// ```
///
/// A logger's level is that of the nearest logger configured on its dotted path (`orders.audit.db`, then
/// `orders.audit`, then `orders`), else the root's, else `INFO`; `NOTSET` passes to the parent, as in Python.
/// `LOGGING: {level: DEBUG}` is read as the root's level. Handlers, formatters and filters are Python's and are
/// ignored: lines go to standard error.
public struct LoggingConfiguration: Sendable, Equatable {
    /// How lines are written.
    public enum Format: String, Sendable {
        /// The message, then the metadata as `key=value` (Nameko's `%(message)s`).
        case text
        /// One JSON object a line: `time`, `level`, `logger`, `message` and the metadata, for log collectors.
        case json
    }

    /// The root's level.
    public var rootLevel: Logger.Level
    /// The levels of named loggers.
    public var levels: [String: Logger.Level]
    /// The format.
    public var format: Format

    /// A configuration.
    public init(rootLevel: Logger.Level = .info, levels: [String: Logger.Level] = [:], format: Format = .text) {
        self.rootLevel = rootLevel
        self.levels = levels
        self.format = format
    }

    /// The configuration the config asks for.
    ///
    /// - Throws: ``ShellError`` for a level Python's logging does not know, or a `LOG_FORMAT` other than `text` or
    ///   `json`.
    public init(config: EnokiConfig) throws {
        self.init()
        if let format = config["LOG_FORMAT"] {
            guard let text = format.stringValue, let chosen = Format(rawValue: text.lowercased()) else {
                throw ShellError(.error, "LOG_FORMAT must be text or json, not \(format)")
            }
            self.format = chosen
        }
        guard let logging = config.logging else { return }
        guard case .object(let dictionary) = logging else {
            throw ShellError(.error, "LOGGING must be a mapping, as logging.config.dictConfig takes")
        }
        if let level = try Self.level(dictionary["root"]?["level"] ?? dictionary["level"], at: "root") {
            self.rootLevel = level
        }
        if case .object(let loggers)? = dictionary["loggers"] {
            for (name, logger) in loggers {
                if let level = try Self.level(logger["level"], at: name) {
                    self.levels[name] = level
                }
            }
        }
    }

    /// The level of the logger with this label.
    public func level(for label: String) -> Logger.Level {
        var name = Substring(label)
        while true {
            if let level = self.levels[String(name)] { return level }
            guard let dot = name.lastIndex(of: ".") else { return self.rootLevel }
            name = name[..<dot]
        }
    }

    /// Python's level names and numbers as swift-log's levels; `nil` for `NOTSET` or no level.
    static func level(_ value: JSONValue?, at logger: String) throws -> Logger.Level? {
        switch value {
        case nil, .null?:
            return nil
        case .string(let name)?:
            switch name.uppercased() {
            case "NOTSET": return nil
            case "DEBUG": return .debug
            case "INFO": return .info
            case "WARNING", "WARN": return .warning
            case "ERROR": return .error
            case "CRITICAL", "FATAL": return .critical
            default: break
            }
            if let number = Int(name) { return try Self.level(.int(number), at: logger) }
        case .int(let number)?:
            switch number {
            case 0: return nil
            case 1...10: return .debug
            case 11...20: return .info
            case 21...30: return .warning
            case 31...40: return .error
            case 41...: return .critical
            default: break
            }
        default:
            break
        }
        throw ShellError(
            .error,
            "LOGGING: the level of \(logger) must be DEBUG, INFO, WARNING, ERROR, CRITICAL or NOTSET, not \(value!)"
        )
    }
}
