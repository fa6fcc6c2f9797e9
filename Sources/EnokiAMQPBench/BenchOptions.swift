//===----------------------------------------------------------------------===//
// This source file is part of Enoki. Licensed under Apache License v2.0.
//===----------------------------------------------------------------------===//

import EnokiAMQPClient
import Foundation

/// Command-line options of the form `-x VALUE`, as the rabbitmq-c reference tools take them.
struct BenchOptions {
    private var values: [String: String] = [:]
    private var flags: Set<String> = []

    init(_ arguments: ArraySlice<String>, flags known: Set<String> = []) {
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

    func int(_ name: String, _ fallback: Int) -> Int { self.values[name].flatMap(Int.init) ?? fallback }
    func double(_ name: String, _ fallback: Double) -> Double { self.values[name].flatMap(Double.init) ?? fallback }
    func string(_ name: String, _ fallback: String) -> String { self.values[name] ?? fallback }
    func ints(_ name: String, _ fallback: [Int]) -> [Int] {
        self.values[name].map { $0.split(separator: ",").compactMap { Int($0) } } ?? fallback
    }
    func flag(_ name: String) -> Bool { self.flags.contains(name) }
}

/// The broker to measure against: `AMQP_URL`, or the rabbitmq-c tools' `AMQP_HOST`/`AMQP_PORT`/… variables.
func benchConfiguration() throws -> AMQPConnection.Configuration {
    let environment = ProcessInfo.processInfo.environment
    if let url = environment["AMQP_URL"] {
        return try AMQPConnection.Configuration(url: url)
    }
    return AMQPConnection.Configuration(
        host: environment["AMQP_HOST"] ?? "127.0.0.1",
        port: environment["AMQP_PORT"].flatMap(Int.init) ?? 5672,
        virtualHost: environment["AMQP_VHOST"] ?? "/",
        username: environment["AMQP_USER"] ?? "guest",
        password: environment["AMQP_PASS"] ?? "guest"
    )
}

/// Latency percentiles in microseconds, printed like the reference tools print them.
struct LatencySummary {
    var samples: [Double]

    func percentile(_ p: Double) -> Double {
        guard !self.samples.isEmpty else { return 0 }
        let sorted = self.samples.sorted()
        let index = min(sorted.count - 1, Int((p / 100) * Double(sorted.count)))
        return sorted[index]
    }

    var description: String {
        let mean = self.samples.isEmpty ? 0 : self.samples.reduce(0, +) / Double(self.samples.count)
        return String(
            format: " p50_us=%.1f p90_us=%.1f p99_us=%.1f p999_us=%.1f max_us=%.1f mean_us=%.1f",
            self.percentile(50),
            self.percentile(90),
            self.percentile(99),
            self.percentile(99.9),
            self.samples.max() ?? 0,
            mean
        )
    }
}

func nanoseconds(_ duration: Duration) -> Double {
    let (seconds, attoseconds) = duration.components
    return Double(seconds) * 1e9 + Double(attoseconds) / 1e9
}
