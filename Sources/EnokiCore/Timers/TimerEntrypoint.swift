//===----------------------------------------------------------------------===//
// This source file is part of Enoki. Licensed under Apache License v2.0.
//===----------------------------------------------------------------------===//

import Synchronization

/// Runs a method every `interval` (Nameko's `@timer(interval, eager=False)`, nameko-wire §8).
///
/// - The schedule is tied to the moment the timer starts: run *n* is due at `start + n × interval`, with *n* from
///   1, or from 0 when `eager` (a first run at once).
/// - Runs never overlap: the timer waits for each run to finish before it plans the next one.
/// - **A run that overruns is caught up**, as Nameko does: every due time that passed during the run gives one
///   more run, started at once, one after another, until the schedule is back on time. Missed runs are neither
///   skipped nor merged. (A method that always takes longer than its interval therefore runs back to back.)
/// - Stopping cuts the wait short; a run in progress is waited for.
/// - A run that throws is logged, and the timer goes on.
/// - Runs have no arguments, empty context data and a call-id stack of their own.
///
/// The timer is not cluster-aware: every running instance of the service fires it. It follows the runner's
/// ``TimerClock`` (tests install a clock they drive).
public final class TimerEntrypoint: Entrypoint {
    /// A run takes nothing.
    public typealias Input = Void
    /// A run gives back nothing.
    public typealias Output = Void

    /// The time between runs.
    public let interval: Duration
    /// Whether the first run happens at once rather than after one interval.
    public let eager: Bool
    private let task = Mutex<Task<Void, Never>?>(nil)

    /// A timer.
    ///
    /// - Precondition: `interval` is positive.
    public init(interval: Duration, eager: Bool = false) {
        precondition(interval > .zero, "a timer's interval must be positive")
        self.interval = interval
        self.eager = eager
    }

    public func input(args: [JSONValue], kwargs: JSONObject) throws {}

    /// A timer, with its interval in seconds and whether it runs at once.
    public func describe(method: String) -> EntrypointDescription? {
        let seconds = Double(self.interval.components.seconds) + Double(self.interval.components.attoseconds) / 1e18
        return EntrypointDescription(
            kind: "timer",
            method: method,
            details: ["interval": .double(seconds), "eager": .bool(self.eager)]
        )
    }

    public func start(_ context: EntrypointContext<TimerEntrypoint>) async throws {
        let clock = TimerClock.of(context.container).clock
        // The timer's loop is the entrypoint's own: stop cancels it and waits for it, kill cancels it.
        let task = Task { await self.run(context, clock: clock) }
        self.task.withLock { $0 = task }
    }

    public func stop() async {
        guard let task = self.task.withLock({ $0 }) else { return }
        task.cancel()
        await task.value
    }

    public func kill() async {
        self.task.withLock { $0 }?.cancel()
    }

    private func run<C: Clock<Duration>>(_ context: EntrypointContext<TimerEntrypoint>, clock: C) async {
        let start = clock.now
        var run = self.eager ? 0 : 1
        while !Task.isCancelled {
            let due = start.advanced(by: self.interval * run)
            do {
                try await clock.sleep(until: due, tolerance: nil)
            } catch {
                return
            }
            if Task.isCancelled { return }
            let accepted = await Self.tick(context)
            if !accepted { return }
            run += 1
        }
    }

    /// Runs the method in a worker of its own task and waits for it to finish; `false` when the container takes
    /// no more work. Stopping the timer cancels the timer's task, not the run in progress, which is waited for. A
    /// run that throws has been logged by the container; the timer goes on.
    private static func tick(_ context: EntrypointContext<TimerEntrypoint>) async -> Bool {
        await withCheckedContinuation { continuation in
            let accepted = context.spawn(
                giveBack: { continuation.resume(returning: false) },
                work: { slot in
                    _ = await slot.run(())
                    continuation.resume(returning: true)
                }
            )
            if !accepted {
                continuation.resume(returning: false)
            }
        }
    }
}

extension ServiceDeclaration {
    /// Declares a method that runs every `interval`, or at once and then every `interval` when `eager`.
    ///
    /// ```swift
    /// service.timer("ping", interval: .seconds(1)) { service in service.ping() }
    /// ```
    public mutating func timer(
        _ name: String,
        interval: Duration,
        eager: Bool = false,
        perform: @escaping @Sendable (Service) async throws -> Void
    ) {
        self.entrypoint(TimerEntrypoint(interval: interval, eager: eager), method: name) { service, _ in
            try await perform(service)
        }
    }

    /// Declares a method that runs every `interval` seconds (fractions allowed), as Nameko's `@timer(interval)`.
    public mutating func timer(
        _ name: String,
        interval seconds: Double,
        eager: Bool = false,
        perform: @escaping @Sendable (Service) async throws -> Void
    ) {
        self.timer(name, interval: .seconds(seconds), eager: eager, perform: perform)
    }
}
