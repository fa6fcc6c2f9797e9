//===----------------------------------------------------------------------===//
// This source file is part of Enoki. Licensed under Apache License v2.0.
//===----------------------------------------------------------------------===//

import Foundation

/// Latency percentiles in microseconds, printed like the reference tools print them.
public struct LatencySummary: Sendable {
    /// The latencies, in microseconds.
    public var samples: [Double]

    /// A summary of `samples` (microseconds).
    public init(samples: [Double]) {
        self.samples = samples
    }

    /// The `p`th percentile (0 to 100).
    public func percentile(_ p: Double) -> Double {
        guard !self.samples.isEmpty else { return 0 }
        let sorted = self.samples.sorted()
        let index = min(sorted.count - 1, Int((p / 100) * Double(sorted.count)))
        return sorted[index]
    }

    /// ` p50_us=… p90_us=… p99_us=… p999_us=… max_us=… mean_us=…`, as the C tools print it.
    public var description: String {
        let mean = self.samples.isEmpty ? 0 : self.samples.reduce(0, +) / Double(self.samples.count)
        return String(
            format: " p50_us=%.1f p90_us=%.1f p99_us=%.1f p999_us=%.1f max_us=%.1f mean_us=%.1f",
            self.percentile(50),
            self.percentile(90),
            self.percentile(99),
            self.percentile(99.9),
            self.samples.max() ?? 0,
            mean
        )
    }
}

/// A duration in nanoseconds.
public func nanoseconds(_ duration: Duration) -> Double {
    let (seconds, attoseconds) = duration.components
    return Double(seconds) * 1e9 + Double(attoseconds) / 1e9
}
