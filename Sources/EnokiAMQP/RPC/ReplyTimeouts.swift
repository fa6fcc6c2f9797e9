//===----------------------------------------------------------------------===//
// This source file is part of Enoki. Licensed under Apache License v2.0.
//===----------------------------------------------------------------------===//

import NIOCore
import NIOPosix
import Synchronization

/// Fails awaited replies whose time is up, in one sweep every 25 ms on an event loop while any reply is awaited.
///
/// Arming and cancelling a timeout is an insertion into a table under a lock. A task scheduled on an event loop
/// for each call would wake that loop's thread twice per call (to schedule and to cancel), which costs more than
/// the call's own work when calls are many and short.
final class ReplyTimeouts: Sendable {
    /// The timeouts of the process.
    static let shared = ReplyTimeouts()

    /// How often the sweep runs, and so how late a timeout may fire.
    static let interval = TimeAmount.milliseconds(25)

    /// An armed timeout.
    struct Timer: Sendable {
        fileprivate let id: UInt64
        fileprivate let owner: ReplyTimeouts

        /// Disarms the timeout (the reply came).
        func cancel() {
            self.owner.disarm(self.id)
        }
    }

    private struct Entry {
        var deadline: ContinuousClock.Instant
        var slot: ReplySlot
        var error: @Sendable () -> any Error
    }

    private struct State {
        var entries: [UInt64: Entry] = [:]
        var nextID: UInt64 = 0
        var sweeping = false
    }

    private let state = Mutex(State())
    private let loop: any EventLoop

    init(loop: any EventLoop = MultiThreadedEventLoopGroup.singleton.next()) {
        self.loop = loop
    }

    /// Fails `slot` with `error()` once `timeout` has passed.
    func arm(_ slot: ReplySlot, after timeout: Duration, error: @escaping @Sendable () -> any Error) -> Timer {
        let deadline = ContinuousClock.now + timeout
        let (id, startSweeping) = self.state.withLock { state -> (UInt64, Bool) in
            state.nextID += 1
            state.entries[state.nextID] = Entry(deadline: deadline, slot: slot, error: error)
            defer { state.sweeping = true }
            return (state.nextID, !state.sweeping)
        }
        if startSweeping {
            self.scheduleSweep()
        }
        return Timer(id: id, owner: self)
    }

    private func disarm(_ id: UInt64) {
        _ = self.state.withLock { $0.entries.removeValue(forKey: id) }
    }

    private func scheduleSweep() {
        self.loop.scheduleTask(in: Self.interval) { self.sweep() }
    }

    private func sweep() {
        let now = ContinuousClock.now
        let (expired, again) = self.state.withLock { state -> ([Entry], Bool) in
            var expired: [Entry] = []
            for (id, entry) in state.entries where entry.deadline <= now {
                expired.append(entry)
                state.entries.removeValue(forKey: id)
            }
            state.sweeping = !state.entries.isEmpty
            return (expired, state.sweeping)
        }
        for entry in expired {
            entry.slot.complete(.failure(entry.error()))
        }
        if again {
            self.scheduleSweep()
        }
    }
}
