//===----------------------------------------------------------------------===//
// This source file is part of Enoki. Licensed under Apache License v2.0.
//===----------------------------------------------------------------------===//

/// A closed-loop load: a fixed number of calls in flight, each replaced by the next as soon as it ends, for a
/// warm-up that is not measured and then a measured duration.
public struct ClosedLoad: Sendable {
    /// What a load measured.
    public struct Result: Sendable {
        /// Calls that ended inside the measured window.
        public var measured = 0
        /// Latencies (microseconds) of the calls that both began and ended inside the window.
        public var latencies: [Double] = []
        /// Calls that failed or came back wrong.
        public var failed = 0
        /// Calls made in all.
        public var total = 0
    }

    /// Calls in flight.
    public var inFlight: Int
    /// Measured seconds.
    public var duration: Double
    /// Unmeasured seconds first.
    public var warmup: Double

    /// A load of `inFlight` calls for `warmup` and then `duration` seconds.
    public init(inFlight: Int, duration: Double, warmup: Double) {
        self.inFlight = inFlight
        self.duration = duration
        self.warmup = warmup
    }

    /// Runs the load; `call` makes one call and says whether its answer was right.
    ///
    /// - Parameters:
    ///   - executor: Where the calling tasks run; `nil` for the default executor.
    ///   - call: One call; given the call's number.
    public func run(
        on executor: (any TaskExecutor)? = nil,
        _ call: @escaping @Sendable (UInt64) async throws -> Bool
    ) async throws -> Result {
        let clock = ContinuousClock()
        let measureFrom = clock.now + .milliseconds(Int64(self.warmup * 1000))
        let measureTo = measureFrom + .milliseconds(Int64(self.duration * 1000))
        let inFlight = UInt64(self.inFlight)
        return try await withThrowingTaskGroup(of: Result.self) { group in
            for lane in 0..<inFlight {
                group.addTask(executorPreference: executor) {
                    var result = Result()
                    var number = lane
                    while clock.now < measureTo {
                        let sent = clock.now
                        let right = try await call(number)
                        number += inFlight
                        result.total += 1
                        guard right else {
                            result.failed += 1
                            continue
                        }
                        let received = clock.now
                        if received >= measureFrom && received <= measureTo {
                            result.measured += 1
                            if sent >= measureFrom {
                                result.latencies.append(nanoseconds(received - sent) / 1000)
                            }
                        }
                    }
                    return result
                }
            }
            var total = Result()
            for try await lane in group {
                total.measured += lane.measured
                total.latencies += lane.latencies
                total.failed += lane.failed
                total.total += lane.total
            }
            return total
        }
    }
}
