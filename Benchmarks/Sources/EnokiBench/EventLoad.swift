//===----------------------------------------------------------------------===//
// This source file is part of Enoki. Licensed under Apache License v2.0.
//===----------------------------------------------------------------------===//

import Enoki
import EnokiBenchSupport
import Foundation
import Synchronization

/// Dispatches N `bench_source.ping` events with a ``ClusterEventDispatcher`` and measures the time until the
/// `echo` service's handler has seen them all (it asks `echo.events_seen()` every few milliseconds).
enum EventLoad {
    static func run(_ options: BenchOptions) async throws {
        let count = options.int("n", 5000)
        let window = options.int("w", 100)
        let config = EnokiConfig(amqpURI: benchBrokerURL())
        let client = try ClusterRPCClient(config: config)
        let dispatcher = try ClusterEventDispatcher(config: config)
        let echo = client.service(options.string("S", "echo"))
        let before: Int = try await echo.events_seen()
        // Connect before the clock starts.
        try await dispatcher.dispatch("bench_source", "warmup", json: .null)

        let clock = ContinuousClock()
        let start = clock.now
        try await withThrowingTaskGroup(of: Void.self) { group in
            let next = NextIndex(limit: count)
            for _ in 0..<min(window, count) {
                group.addTask {
                    while let index = next.take() {
                        try await dispatcher.dispatch("bench_source", "ping", json: ["i": .int(index)])
                    }
                }
            }
            try await group.waitForAll()
        }
        let dispatched = clock.now
        var seen = 0
        while seen < count, clock.now - start < .seconds(options.int("T", 120)) {
            let total: Int = try await echo.events_seen()
            seen = total - before
            if seen < count {
                try await Task.sleep(for: .milliseconds(5))
            }
        }
        let elapsed = nanoseconds(clock.now - start) / 1e9
        await dispatcher.close()
        await client.close()
        print(
            String(
                format: "RESULT bench=enoki_events n=%d window=%d | rate=%.1f secs=%.3f dispatch_secs=%.3f seen=%d",
                count,
                window,
                Double(seen) / elapsed,
                elapsed,
                nanoseconds(dispatched - start) / 1e9,
                seen
            )
        )
        if seen < count {
            throw EnokiError(.timeout, "the handler saw \(seen) of \(count) events")
        }
    }
}

/// Hands out 0, 1, 2, … up to a limit to any number of tasks.
final class NextIndex: Sendable {
    private let state: Mutex<Int>
    private let limit: Int

    init(limit: Int) {
        self.state = Mutex(0)
        self.limit = limit
    }

    func take() -> Int? {
        self.state.withLock { next in
            guard next < self.limit else { return nil }
            defer { next += 1 }
            return next
        }
    }
}
