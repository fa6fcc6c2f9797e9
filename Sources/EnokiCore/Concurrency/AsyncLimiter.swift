//===----------------------------------------------------------------------===//
// This source file is part of Enoki. Licensed under Apache License v2.0.
//===----------------------------------------------------------------------===//

import Synchronization

/// Lets a bounded number of bodies run at a time; the others wait their turn, first come first served, without
/// holding a thread.
///
/// With a limit of one it is an async lock (the transport opens its publisher channel under one); the testing
/// toolkit runs `rabbitmqctl` two at a time with it.
package final class AsyncLimiter: Sendable {
    private struct State {
        var running = 0
        var waiting: [CheckedContinuation<Void, Never>] = []
    }

    private let limit: Int
    private let state = Mutex(State())

    /// A limiter that lets `limit` bodies (at least one) run at a time.
    package init(limit: Int) {
        self.limit = max(limit, 1)
    }

    /// Runs `body` once fewer than the limit are running.
    package func run<Result: Sendable>(_ body: () async throws -> Result) async throws -> Result {
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
            // The turn passes straight to the next in line.
            return state.waiting.removeFirst()
        }
        next?.resume()
    }
}
