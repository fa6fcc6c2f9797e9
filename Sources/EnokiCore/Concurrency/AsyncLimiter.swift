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
        var waiting: [(id: UInt64, continuation: CheckedContinuation<Void, any Error>)] = []
        var nextID: UInt64 = 0
    }

    private let limit: Int
    private let state = Mutex(State())

    /// A limiter that lets `limit` bodies (at least one) run at a time.
    package init(limit: Int) {
        self.limit = max(limit, 1)
    }

    /// Runs `body` once fewer than the limit are running.
    ///
    /// - Throws: What `body` throws, or `CancellationError` when the task is cancelled while it waits its turn (it
    ///   then gives its place up at once).
    package func run<Result: Sendable>(_ body: () async throws -> Result) async throws -> Result {
        try await self.acquire()
        defer { self.release() }
        return try await body()
    }

    private func acquire() async throws {
        let id = self.state.withLock { state -> UInt64 in
            state.nextID += 1
            return state.nextID
        }
        try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
                let admitted = self.state.withLock { state -> Bool? in
                    if Task.isCancelled { return nil }
                    if state.running < self.limit {
                        state.running += 1
                        return true
                    }
                    state.waiting.append((id, continuation))
                    return false
                }
                switch admitted {
                case true?: continuation.resume()
                case nil: continuation.resume(throwing: CancellationError())
                case false?: break
                }
            }
        } onCancel: {
            let waiter = self.state.withLock { state -> CheckedContinuation<Void, any Error>? in
                guard let index = state.waiting.firstIndex(where: { $0.id == id }) else { return nil }
                return state.waiting.remove(at: index).continuation
            }
            waiter?.resume(throwing: CancellationError())
        }
    }

    private func release() {
        let next = self.state.withLock { state -> CheckedContinuation<Void, any Error>? in
            guard !state.waiting.isEmpty else {
                state.running -= 1
                return nil
            }
            // The turn passes straight to the next in line.
            return state.waiting.removeFirst().continuation
        }
        next?.resume()
    }
}
