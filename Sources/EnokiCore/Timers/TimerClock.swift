//===----------------------------------------------------------------------===//
// This source file is part of Enoki. Licensed under Apache License v2.0.
//===----------------------------------------------------------------------===//

/// The clock the timers of a runner's containers follow: the continuous clock, unless a test installs another
/// with ``install(_:in:)`` before the containers start.
public final class TimerClock: SharedExtension {
    /// The clock.
    public let clock: any Clock<Duration>

    /// A timer clock over `clock`.
    public init(_ clock: any Clock<Duration>) {
        self.clock = clock
    }

    /// The clock of a runner: the one installed, or the continuous clock.
    public static func of(_ context: ContainerContext) -> TimerClock {
        context.shared.get(TimerClock.self) { TimerClock(ContinuousClock()) }
    }

    /// Makes the timers of the containers that share `shared` follow `clock`.
    @discardableResult
    public static func install(_ clock: any Clock<Duration>, in shared: SharedExtensions) -> TimerClock {
        shared.get(TimerClock.self) { TimerClock(clock) }
    }

    public func stop() async {}
}
