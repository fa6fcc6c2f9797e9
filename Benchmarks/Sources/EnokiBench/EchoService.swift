//===----------------------------------------------------------------------===//
// This source file is part of Enoki. Licensed under Apache License v2.0.
//===----------------------------------------------------------------------===//

import Enoki
import Synchronization

/// The service the benchmarks drive, twin of `bench/nameko/echo.py`:
///
/// ```python
/// class Echo:
///     name = "echo"
///
///     @rpc
///     def echo(self, x):
///         return x
///
///     @event_handler("bench_source", "ping")
///     def ping(self, payload):
///         ...  # counts the events it has seen
///
///     @rpc
///     def events_seen(self):
///         return ...
/// ```
///
/// Any client that speaks Nameko's wire can drive it: `enoki-bench run echo --broker amqp://…`.
@Service("echo")
struct EchoService {
    /// Events handled since the process started.
    static let seen = Atomic<Int>(0)

    /// Returns its argument.
    @RPC func echo(_ x: JSONValue) -> JSONValue {
        x
    }

    /// Counts a `bench_source.ping` event (a service-pool handler).
    @EventHandler("bench_source", "ping")
    func ping(_ payload: JSONValue) {
        Self.seen.add(1, ordering: .relaxed)
    }

    /// How many events ``ping(_:)`` has handled.
    @RPC func eventsSeen() -> Int {
        Self.seen.load(ordering: .relaxed)
    }
}
