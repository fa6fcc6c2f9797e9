//===----------------------------------------------------------------------===//
// This source file is part of Enoki. Licensed under Apache License v2.0.
//===----------------------------------------------------------------------===//

import Enoki
import EnokiTesting
import MetricsTestKit
import Testing

struct NightlyFailed: Error {}

@Service("metered_timer")
struct MeteredTimer {
    @Dependency(ConstantProvider(TickLog())) var log: TickLog

    @Timer(interval: 60)
    func nightly() throws {
        if self.log.append("run") == 2 { throw NightlyFailed() }
    }
}

/// A timer's runs are counted by outcome under its kind, with no broker.
@Suite(.timeLimit(.minutes(1))) struct TimerMetricsTests {
    @Test func eachRunIsCountedAndTimed() async throws {
        let metrics = TestMetrics()
        let clock = ManualClock()
        try await TestRunner.run(
            services: [.service(MeteredTimer.self)],
            clock: clock,
            telemetry: Telemetry(metricsFactory: metrics)
        ) { services in
            let waiter = services.waiter(MeteredTimer.self, "nightly")
            for _ in 0..<3 {
                clock.advance(by: .seconds(60))
                _ = try await waiter.wait()
            }
        }
        func count(_ outcome: String) -> Int64 {
            metrics.counterTotal(
                label: ServiceMetrics.Name.workerCalls,
                dimensions: [
                    ("service", "metered_timer"), ("entrypoint", "nightly"), ("kind", "timer"), ("outcome", outcome),
                ]
            )
        }
        #expect(count("success") == 2)
        #expect(count("error") == 1)
        #expect(
            try metrics.expectTimer(
                ServiceMetrics.Name.workerDuration,
                [("service", "metered_timer"), ("entrypoint", "nightly"), ("kind", "timer")]
            ).values.count == 3
        )
    }
}
