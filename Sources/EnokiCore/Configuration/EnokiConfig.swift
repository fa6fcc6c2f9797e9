//===----------------------------------------------------------------------===//
// This source file is part of Enoki. Licensed under Apache License v2.0.
//===----------------------------------------------------------------------===//

/// A service configuration with Nameko's keys and spelling, as a YAML file gives it (see ``ConfigLoader``).
///
/// The keys Enoki itself reads have typed accessors with Nameko's defaults:
///
/// | Key | Accessor | Default |
/// |---|---|---|
/// | `AMQP_URI` | ``amqpURI`` | `pyamqp://guest:guest@localhost` |
/// | `max_workers` | ``maxWorkers`` | 10 (0 or null also mean 10) |
/// | `parent_calls_tracked` | ``parentCallsTracked`` | 10 |
/// | `rpc_exchange` | ``rpcExchange`` | `nameko-rpc` |
/// | `serializer` | ``serializer`` | `json` |
/// | `ACCEPT` | ``accept`` | `[serializer]` |
/// | `HEARTBEAT` | ``heartbeat`` | 60 |
/// | `PREFETCH_COUNT` | ``prefetchCount`` | twice `max_workers` (an Enoki key; Nameko's is `max_workers`) |
/// | `WEB_SERVER_ADDRESS` | ``webServerAddress`` | `0.0.0.0:8000` |
/// | `AUTO_DELETE_EVENT_EXCHANGES` | ``autoDeleteEventExchanges`` | false |
/// | `DECLARE_EVENT_EXCHANGES` | ``declareEventExchanges`` | true |
/// | `LOGIN_METHOD` | ``loginMethod`` | unset |
/// | `AMQP_SSL` | ``amqpSSL`` | unset |
/// | `GRACEFUL_STOP_TIMEOUT` | ``gracefulStopTimeout`` | 25 seconds (an Enoki key) |
/// | `MAX_MESSAGE_SIZE` | `maxMessageSize` (EnokiAMQP) | 16 MiB (an Enoki key) |
/// | `RPC_TIMEOUT` | read by `RPCProxy` (EnokiAMQP) | 30 seconds; `null` waits for ever (an Enoki key) |
/// | `LOGGING` | ``logging`` | unset |
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

    /// A configuration with just a broker URI, as `nameko run --broker` makes one when there is no file.
    public init(amqpURI: String) {
        self.values = ["AMQP_URI": .string(amqpURI)]
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

    private func int(_ key: String) -> Int? {
        switch self.values[key] {
        case .int(let value): return value
        case .string(let text): return Int(text)
        case .double(let value) where value == value.rounded(): return Int(value)
        default: return nil
        }
    }

    private func string(_ key: String) -> String? {
        switch self.values[key] {
        case .string(let text): return text
        case .int(let value): return String(value)
        default: return nil
        }
    }

    private func bool(_ key: String) -> Bool? {
        switch self.values[key] {
        case .bool(let value): return value
        case .string(let text): return ["true", "yes", "on", "1"].contains(text.lowercased())
        case .int(let value): return value != 0
        default: return nil
        }
    }

    /// `AMQP_URI`, the broker.
    public var amqpURI: String { self.string("AMQP_URI") ?? "pyamqp://guest:guest@localhost" }

    /// `max_workers`: how many workers a container runs at once. 0 or null mean 10, as in Nameko.
    public var maxWorkers: Int {
        let value = self.int("max_workers") ?? 0
        return value > 0 ? value : 10
    }

    /// `parent_calls_tracked`: how many parent calls a call-id stack keeps.
    public var parentCallsTracked: Int { self.int("parent_calls_tracked") ?? WorkerContext.defaultParentCallsTracked }

    /// `rpc_exchange`: the RPC exchange's name.
    public var rpcExchange: String { self.string("rpc_exchange") ?? "nameko-rpc" }

    /// `serializer`: the serializer for publishing. Only `json` is supported.
    public var serializer: String { self.string("serializer") ?? "json" }

    /// `ACCEPT`: the serializer names consumers accept.
    public var accept: [String] {
        self.values["ACCEPT"]?.arrayValue?.compactMap(\.stringValue) ?? [self.serializer]
    }

    /// `HEARTBEAT`: the heartbeat of the consumer connection, in seconds.
    public var heartbeat: Int { self.int("HEARTBEAT") ?? 60 }

    /// `PREFETCH_COUNT`: the prefetch window of each consumer; by default twice `max_workers`.
    ///
    /// Nameko's window is `max_workers`: there a worker holds its message until the broker has confirmed the
    /// worker's reply, so a message never outlives its worker. An Enoki worker hands its reply over and ends;
    /// the message stays unacknowledged, inside the window, until the confirm arrives. A window of twice
    /// `max_workers` leaves room for as many replies awaiting their confirm as there are workers, so that the
    /// confirms' latency does not idle the workers (with a window of `max_workers` it halved the throughput of
    /// a fast method at 100 calls in flight). `max_workers` still bounds how many methods run at once.
    public var prefetchCount: Int {
        let value = self.int("PREFETCH_COUNT") ?? 0
        return value > 0 ? value : 2 * self.maxWorkers
    }

    /// `WEB_SERVER_ADDRESS`: where HTTP entrypoints listen, `[address:]port`.
    public var webServerAddress: String { self.string("WEB_SERVER_ADDRESS") ?? "0.0.0.0:8000" }

    /// `AUTO_DELETE_EVENT_EXCHANGES`: the auto-delete flag of `*.events` exchanges.
    public var autoDeleteEventExchanges: Bool { self.bool("AUTO_DELETE_EVENT_EXCHANGES") ?? false }

    /// `DECLARE_EVENT_EXCHANGES`: whether dispatchers declare their `*.events` exchange.
    public var declareEventExchanges: Bool { self.bool("DECLARE_EVENT_EXCHANGES") ?? true }

    /// `LOGIN_METHOD`: the SASL mechanism (`PLAIN`, `AMQPLAIN`, `EXTERNAL`).
    public var loginMethod: String? { self.string("LOGIN_METHOD") }

    /// `AMQP_SSL`: `true`, or TLS options (`ca_certs`, `certfile`, `keyfile`, `cert_reqs`).
    public var amqpSSL: JSONValue? { self.values["AMQP_SSL"] }

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

    /// `LOGGING`: a Python `logging.config.dictConfig` dictionary; Enoki reads its root level.
    public var logging: JSONValue? { self.values["LOGGING"] }
}
