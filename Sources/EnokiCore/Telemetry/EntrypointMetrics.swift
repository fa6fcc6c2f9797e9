//===----------------------------------------------------------------------===//
// This source file is part of Enoki. Licensed under Apache License v2.0.
//===----------------------------------------------------------------------===//

import CoreMetrics

/// The metrics of one entrypoint of one service: a count per ``WorkerOutcome`` and the duration of its workers.
///
/// Made once, when the container binds the entrypoint, so that a worker only increments and records.
public struct EntrypointMetrics: Sendable {
    private let counters: [Counter]
    private let duration: Timer

    init(service: String, kind: String, method: String, factory: any MetricsFactory) {
        let labels = [("service", service), ("entrypoint", method), ("kind", kind)]
        self.counters = WorkerOutcome.allCases.map { outcome in
            Counter(
                label: ServiceMetrics.Name.workerCalls,
                dimensions: labels + [("outcome", outcome.rawValue)],
                factory: factory
            )
        }
        self.duration = Timer(label: ServiceMetrics.Name.workerDuration, dimensions: labels, factory: factory)
    }

    /// Counts one piece of work that ended so.
    public func count(_ outcome: WorkerOutcome) {
        self.counters[Self.index(of: outcome)].increment()
    }

    /// Counts a worker that ran for `duration` and ended so.
    public func record(_ outcome: WorkerOutcome, duration: Duration) {
        self.count(outcome)
        self.duration.recordNanoseconds(Self.nanoseconds(duration))
    }

    private static func index(of outcome: WorkerOutcome) -> Int {
        switch outcome {
        case .success: 0
        case .expectedError: 1
        case .error: 2
        case .refused: 3
        }
    }

    static func nanoseconds(_ duration: Duration) -> Int64 {
        let (seconds, attoseconds) = duration.components
        return seconds * 1_000_000_000 + attoseconds / 1_000_000_000
    }
}
