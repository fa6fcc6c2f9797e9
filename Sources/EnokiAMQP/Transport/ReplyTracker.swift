//===----------------------------------------------------------------------===//
// This source file is part of Enoki. Licensed under Apache License v2.0.
//===----------------------------------------------------------------------===//

import Synchronization

/// Counts the replies a container's workers handed over and the broker has not confirmed yet, so that a graceful
/// stop waits for them: a request whose reply went out is acknowledged before the connection closes, and is not
/// delivered (and run) again.
final class ReplyTracker: Sendable {
    private struct State {
        var inFlight = 0
        var waiters: [CheckedContinuation<Void, Never>] = []
    }

    private let state = Mutex(State())

    /// How many replies await their confirm.
    var inFlight: Int { self.state.withLock { $0.inFlight } }

    /// A worker handed a reply over; its request is settled when the broker confirms it.
    func started() {
        self.state.withLock { $0.inFlight += 1 }
    }

    /// The broker confirmed a reply (and its request was settled), or the reply failed.
    func finished() {
        let waiters = self.state.withLock { state -> [CheckedContinuation<Void, Never>] in
            state.inFlight -= 1
            guard state.inFlight == 0 else { return [] }
            defer { state.waiters = [] }
            return state.waiters
        }
        for waiter in waiters {
            waiter.resume()
        }
    }

    /// Waits until no reply awaits its confirm. A connection that drops fails the replies, which ends the wait
    /// too.
    func waitUntilIdle() async {
        await withCheckedContinuation { continuation in
            let done = self.state.withLock { state -> Bool in
                if state.inFlight == 0 { return true }
                state.waiters.append(continuation)
                return false
            }
            if done { continuation.resume() }
        }
    }
}
