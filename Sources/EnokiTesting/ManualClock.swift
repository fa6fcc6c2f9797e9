//===----------------------------------------------------------------------===//
// This source file is part of Enoki. Licensed under Apache License v2.0.
//===----------------------------------------------------------------------===//

import Synchronization

/// A clock that moves only when the test moves it, for testing timers without waiting.
///
/// Install it for a test's containers (``TestCluster/run(services:config:clock:virtualHosts:logger:telemetry:_:)`` takes one, as
/// does `TimerClock.install(_:in:)`), wait until what the test drives is asleep with ``waitForSleepers(_:)``,
/// and move time with ``advance(by:)`` or ``advanceToNextDeadline()``.
///
/// ```swift
/// let clock = ManualClock()
/// try await TestCluster.run(services: [.service(Heartbeat.self)], clock: clock) { cluster in
///     await clock.waitForSleepers()
///     clock.advance(by: .seconds(1))          // the timer fires
/// }
/// ```
public final class ManualClock: Clock, Sendable {
    /// A point on a manual clock: the time since the clock was made.
    public struct Instant: InstantProtocol, CustomStringConvertible {
        /// The time since the clock was made.
        public var offset: Duration

        /// The instant `offset` after the clock was made.
        public init(offset: Duration) {
            self.offset = offset
        }

        public func advanced(by duration: Duration) -> Instant {
            Instant(offset: self.offset + duration)
        }

        public func duration(to other: Instant) -> Duration {
            other.offset - self.offset
        }

        public static func < (lhs: Instant, rhs: Instant) -> Bool {
            lhs.offset < rhs.offset
        }

        public var description: String { "\(self.offset)" }
    }

    private struct Sleeper {
        var deadline: Instant
        var continuation: CheckedContinuation<Void, any Error>
    }

    private struct State {
        var now = Instant(offset: .zero)
        var sleepers: [UInt64: Sleeper] = [:]
        var nextID: UInt64 = 0
        var sleeperWaiters: [(count: Int, continuation: CheckedContinuation<Void, Never>)] = []
    }

    private let state = Mutex(State())

    /// A clock at offset zero.
    public init() {}

    public var now: Instant { self.state.withLock { $0.now } }

    public var minimumResolution: Duration { .zero }

    /// How many tasks sleep on the clock.
    public var sleeperCount: Int { self.state.withLock { $0.sleepers.count } }

    /// The earliest deadline of a sleeping task.
    public var nextDeadline: Instant? { self.state.withLock { $0.sleepers.values.map(\.deadline).min() } }

    public func sleep(until deadline: Instant, tolerance: Duration? = nil) async throws {
        try Task.checkCancellation()
        let id = self.state.withLock { state -> UInt64 in
            state.nextID += 1
            return state.nextID
        }
        try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
                let (immediate, waiters) = self.state.withLock {
                    state -> (Bool, [CheckedContinuation<Void, Never>]) in
                    if deadline <= state.now { return (true, []) }
                    state.sleepers[id] = Sleeper(deadline: deadline, continuation: continuation)
                    return (false, Self.takeSatisfiedWaiters(&state))
                }
                if immediate { continuation.resume() }
                for waiter in waiters { waiter.resume() }
                // A cancellation that came before the sleeper was registered found nothing to wake.
                if !immediate && Task.isCancelled {
                    let sleeper = self.state.withLock { $0.sleepers.removeValue(forKey: id) }
                    sleeper?.continuation.resume(throwing: CancellationError())
                }
            }
        } onCancel: {
            let sleeper = self.state.withLock { $0.sleepers.removeValue(forKey: id) }
            sleeper?.continuation.resume(throwing: CancellationError())
        }
    }

    /// Moves the clock forward and wakes every task whose deadline has come, earliest first.
    public func advance(by duration: Duration) {
        let target = self.now.advanced(by: duration)
        self.advance(to: target)
    }

    /// Moves the clock to `instant` (never backwards) and wakes every task whose deadline has come, earliest first.
    public func advance(to instant: Instant) {
        let woken = self.state.withLock { state -> [CheckedContinuation<Void, any Error>] in
            if instant > state.now { state.now = instant }
            let due = state.sleepers.filter { $0.value.deadline <= state.now }.sorted {
                $0.value.deadline < $1.value.deadline
            }
            for (id, _) in due { state.sleepers[id] = nil }
            return due.map(\.value.continuation)
        }
        for continuation in woken { continuation.resume() }
    }

    /// Moves the clock to the earliest deadline of a sleeping task and wakes it; returns that instant, or `nil`
    /// when nothing sleeps.
    @discardableResult
    public func advanceToNextDeadline() -> Instant? {
        guard let deadline = self.nextDeadline else { return nil }
        self.advance(to: deadline)
        return deadline
    }

    /// Waits until at least `count` tasks sleep on the clock.
    public func waitForSleepers(_ count: Int = 1) async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let ready = self.state.withLock { state -> Bool in
                if state.sleepers.count >= count { return true }
                state.sleeperWaiters.append((count, continuation))
                return false
            }
            if ready { continuation.resume() }
        }
    }

    private static func takeSatisfiedWaiters(_ state: inout State) -> [CheckedContinuation<Void, Never>] {
        let count = state.sleepers.count
        let ready = state.sleeperWaiters.filter { $0.count <= count }.map(\.continuation)
        state.sleeperWaiters.removeAll { $0.count <= count }
        return ready
    }
}
