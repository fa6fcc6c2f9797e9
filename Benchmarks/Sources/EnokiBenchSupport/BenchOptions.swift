//===----------------------------------------------------------------------===//
// This source file is part of Enoki. Licensed under Apache License v2.0.
//===----------------------------------------------------------------------===//

public import EnokiAMQPClient
import Foundation

/// Command-line options of the form `-x VALUE`, as the rabbitmq-c reference tools take them.
public struct BenchOptions: Sendable {
    private var values: [String: String] = [:]
    private var flags: Set<String> = []

    /// Parses `arguments`; the names in `known` are flags that take no value.
    public init(_ arguments: ArraySlice<String>, flags known: Set<String> = []) {
        var iterator = arguments.makeIterator()
        while let argument = iterator.next() {
            guard argument.hasPrefix("-") else { continue }
            let name = String(argument.dropFirst())
            if known.contains(name) {
                self.flags.insert(name)
            } else if let value = iterator.next() {
                self.values[name] = value
            }
        }
    }

    /// An integer option.
    public func int(_ name: String, _ fallback: Int) -> Int { self.values[name].flatMap(Int.init) ?? fallback }
    /// A number option.
    public func double(_ name: String, _ fallback: Double) -> Double {
        self.values[name].flatMap(Double.init) ?? fallback
    }
    /// A text option.
    public func string(_ name: String, _ fallback: String) -> String { self.values[name] ?? fallback }
    /// A comma-separated list of integers.
    public func ints(_ name: String, _ fallback: [Int]) -> [Int] {
        self.values[name].map { $0.split(separator: ",").compactMap { Int($0) } } ?? fallback
    }
    /// Whether a flag is set.
    public func flag(_ name: String) -> Bool { self.flags.contains(name) }
}

/// The broker's URL: `AMQP_URL`, or one made of the rabbitmq-c tools' `AMQP_HOST`/`AMQP_PORT`/… variables.
public func benchBrokerURL() -> String {
    let environment = ProcessInfo.processInfo.environment
    if let url = environment["AMQP_URL"] {
        return url
    }
    let host = environment["AMQP_HOST"] ?? "127.0.0.1"
    let port = environment["AMQP_PORT"] ?? "5672"
    let user = environment["AMQP_USER"] ?? "guest"
    let password = environment["AMQP_PASS"] ?? "guest"
    let vhost = (environment["AMQP_VHOST"] ?? "/").addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? ""
    return "amqp://\(user):\(password)@\(host):\(port)/\(vhost)"
}

/// The broker to measure against, as the client's configuration.
public func benchConfiguration() throws -> AMQPConnection.Configuration {
    try AMQPConnection.Configuration(url: benchBrokerURL())
}
