//===----------------------------------------------------------------------===//
// This source file is part of Enoki. Licensed under Apache License v2.0.
//===----------------------------------------------------------------------===//

import Synchronization

/// Lets a bounded number of commands run at a time in this process; the others wait their turn, first come first
/// served.
///
/// Each `rabbitmqctl` starts an Erlang VM: about a CPU-second of work, and one of eleven distribution ports. A test
/// run that makes a virtual host for each of dozens of tests at once would start dozens of them together, and on a
/// small machine they starve the broker and the tests' own event loops for seconds.
final class CommandLimiter: Sendable {
    /// The limiter for `rabbitmqctl`: as many at a time as a two-core machine runs without starving the broker.
    static let rabbitmqctl = CommandLimiter(limit: 2)

    private struct State {
        var running = 0
        var waiting: [CheckedContinuation<Void, Never>] = []
    }

    private let limit: Int
    private let state = Mutex(State())

    init(limit: Int) {
        self.limit = max(limit, 1)
    }

    /// Runs `body` once fewer than the limit are running.
    func run<Result: Sendable>(_ body: () async throws -> Result) async throws -> Result {
        await self.acquire()
        defer { self.release() }
        return try await body()
    }

    private func acquire() async {
        await withCheckedContinuation { continuation in
            let admitted = self.state.withLock { state -> Bool in
                if state.running < self.limit {
                    state.running += 1
                    return true
                }
                state.waiting.append(continuation)
                return false
            }
            if admitted {
                continuation.resume()
            }
        }
    }

    private func release() {
        let next = self.state.withLock { state -> CheckedContinuation<Void, Never>? in
            guard !state.waiting.isEmpty else {
                state.running -= 1
                return nil
            }
            // The slot passes straight to the next in line.
            return state.waiting.removeFirst()
        }
        next?.resume()
    }
}
