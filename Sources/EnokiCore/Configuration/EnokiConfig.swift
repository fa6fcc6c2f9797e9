//===----------------------------------------------------------------------===//
// This source file is part of Enoki. Licensed under Apache License v2.0.
//===----------------------------------------------------------------------===//

/// A service configuration with Nameko's keys and spelling, as a YAML file gives it (see ``ConfigLoader``).
///
/// The keys the framework core reads have typed accessors with Nameko's defaults:
///
/// | Key | Accessor | Default |
/// |---|---|---|
/// | `max_workers` | ``maxWorkers`` | 10 (0 or null also mean 10) |
/// | `parent_calls_tracked` | ``parentCallsTracked`` | 10 |
/// | `WEB_SERVER_ADDRESS` | ``webServerAddress`` | `0.0.0.0:8000` |
/// | `GRACEFUL_STOP_TIMEOUT` | ``gracefulStopTimeout`` | 25 seconds (an Enoki key) |
/// | `LOGGING` | ``logging`` | unset |
///
/// The broker's keys (`AMQP_URI`, `rpc_exchange`, `serializer`, `HEARTBEAT`, `PREFETCH_COUNT`, `LOGIN_METHOD`,
/// `AMQP_SSL`, `MAX_MESSAGE_SIZE`, `RPC_TIMEOUT`, the event exchange flags) are read by the AMQP module, which adds
/// their accessors to this type.
///
/// Any other key is available to services through ``value(_:as:)`` or the subscript, typed on Enoki's side by the
/// `Decodable` the service asks for.
public struct EnokiConfig: Sendable, Hashable, ExpressibleByDictionaryLiteral {
    /// The whole configuration as JSON-like values.
    public var values: JSONObject

    /// A configuration from values.
    public init(_ values: JSONObject = [:]) {
        self.values = values
    }

    /// A configuration from a dictionary literal: `["max_workers": 2]`.
    public init(dictionaryLiteral elements: (String, JSONValue)...) {
        self.values = JSONObject(elements)
    }

    /// The raw value of a key.
    public subscript(key: String) -> JSONValue? {
        get { self.values[key] }
        set { self.values[key] = newValue }
    }

    /// The value of a key decoded into a Swift type.
    ///
    /// - Returns: `nil` when the key is missing or null.
    /// - Throws: ``EnokiError`` (``EnokiError/Code-swift.struct/configuration``) naming the key when its value has
    ///   another type.
    public func value<T: Decodable>(_ key: String, as type: T.Type = T.self) throws -> T? {
        guard let raw = self.values[key], !raw.isNull else { return nil }
        do {
            return try JSONValueDecoder().decode(T.self, from: raw)
        } catch let error as JSONValueDecodingError {
            throw EnokiError(.configuration, "config key \(key) \(error)")
        }
    }

    /// The value of a key read as Nameko reads it (numbers and flags may be written as strings).
    package func int(_ key: String) -> Int? {
        switch self.values[key] {
        case .int(let value): return value
        case .string(let text): return Int(text)
        case .double(let value) where value == value.rounded(): return Int(value)
        default: return nil
        }
    }

    /// The value of a key read as Nameko reads it (numbers and flags may be written as strings).
    package func string(_ key: String) -> String? {
        switch self.values[key] {
        case .string(let text): return text
        case .int(let value): return String(value)
        default: return nil
        }
    }

    /// The value of a key read as Nameko reads it (numbers and flags may be written as strings).
    package func bool(_ key: String) -> Bool? {
        switch self.values[key] {
        case .bool(let value): return value
        case .string(let text): return ["true", "yes", "on", "1"].contains(text.lowercased())
        case .int(let value): return value != 0
        default: return nil
        }
    }

    /// `max_workers`: how many workers a container runs at once. 0 or null mean 10, as in Nameko.
    public var maxWorkers: Int {
        let value = self.int("max_workers") ?? 0
        return value > 0 ? value : 10
    }

    /// `parent_calls_tracked`: how many parent calls a call-id stack keeps.
    public var parentCallsTracked: Int { self.int("parent_calls_tracked") ?? WorkerContext.defaultParentCallsTracked }

    /// `WEB_SERVER_ADDRESS`: where HTTP entrypoints listen, `[address:]port`.
    public var webServerAddress: String { self.string("WEB_SERVER_ADDRESS") ?? "0.0.0.0:8000" }

    /// `GRACEFUL_STOP_TIMEOUT` (an Enoki key): how long, in seconds, a graceful stop (SIGTERM, a first SIGINT) may
    /// take before the services are killed; 25 by default, inside the 30 seconds a container orchestrator such as
    /// Kubernetes waits before it kills the process itself.
    public var gracefulStopTimeout: Duration {
        switch self.values["GRACEFUL_STOP_TIMEOUT"] {
        case .int(let seconds)? where seconds > 0:
            return .seconds(min(seconds, 86_400))
        case .double(let seconds)? where seconds.isFinite && seconds > 0:
            return .milliseconds(Int64(min(seconds, 86_400) * 1000))
        default:
            return .seconds(25)
        }
    }

    /// `LOGGING`: a Python `logging.config.dictConfig` dictionary; Enoki reads the levels of its root and named loggers.
    public var logging: JSONValue? { self.values["LOGGING"] }
}
