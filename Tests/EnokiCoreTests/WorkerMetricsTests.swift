//===----------------------------------------------------------------------===//
// This source file is part of Enoki. Licensed under Apache License v2.0.
//===----------------------------------------------------------------------===//

import EnokiCore
import Logging
import MetricsTestKit
import Synchronization
import Testing

private struct Declined: Error {}
private struct Broken: Error {}

/// An entrypoint that expects `Declined`, as Nameko's `expected_exceptions=Declined` would.
private final class ExpectingEntrypoint: Entrypoint {
    typealias Input = String
    typealias Output = String
    let context = Mutex<EntrypointContext<ExpectingEntrypoint>?>(nil)
    func setup(_ context: EntrypointContext<ExpectingEntrypoint>) async throws {
        self.context.withLock { $0 = context }
    }
    func isExpected(_ error: any Error) -> Bool { error is Declined }
    func describe(method: String) -> EntrypointDescription? { EntrypointDescription(kind: "expecting", method: method) }
}

private struct Metered: ServiceDefinition {
    static let serviceName = "metered_core"
    nonisolated(unsafe) static var entrypoint = ExpectingEntrypoint()
    init(dependencies: WorkerDependencies) throws {}
    static func declare(_ service: inout ServiceDeclaration<Self>) {
        service.entrypoint(Self.entrypoint, method: "decide") { (_, input: String) in
            switch input {
            case "decline": throw Declined()
            case "break": throw Broken()
            default: return input
            }
        }
    }
}

/// The worker path's metrics with no broker: every outcome, the durations and the pool's gauges.
@Suite(.serialized) struct WorkerMetricsTests {
    @Test func eachOutcomeIsCountedUnderItsEntrypoint() async throws {
        Metered.entrypoint = ExpectingEntrypoint()
        let metrics = TestMetrics()
        let container = try ServiceContainer<Metered>(
            config: ["max_workers": 3],
            shared: SharedExtensions(),
            logger: Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() }),
            telemetry: Telemetry(metricsFactory: metrics)
        )
        try await container.setUp()
        let context = Metered.entrypoint.context.withLock { $0! }
        #expect(try await context.run("yes") == "yes")
        #expect(try await context.run("again") == "again")
        await #expect(throws: Declined.self) { try await context.run("decline") }
        await #expect(throws: Broken.self) { try await context.run("break") }
        context.refused()

        func count(_ outcome: WorkerOutcome) -> Int64 {
            metrics.counterTotal(
                label: ServiceMetrics.Name.workerCalls,
                dimensions: [
                    ("service", "metered_core"), ("entrypoint", "decide"), ("kind", "expecting"),
                    ("outcome", outcome.rawValue),
                ]
            )
        }
        #expect(count(.success) == 2)
        #expect(count(.expectedError) == 1)
        #expect(count(.error) == 1)
        #expect(count(.refused) == 1)
        let durations = try metrics.expectTimer(
            ServiceMetrics.Name.workerDuration,
            [("service", "metered_core"), ("entrypoint", "decide"), ("kind", "expecting")]
        )
        // A refusal runs no worker, so it has no duration.
        #expect(durations.values.count == 4)
        #expect(try metrics.expectGauge(ServiceMetrics.Name.workersMax, [("service", "metered_core")]).lastValue == 3)
        let busy = try metrics.expectGauge(ServiceMetrics.Name.workersBusy, [("service", "metered_core")])
        #expect(busy.values.contains(1))
        #expect(busy.lastValue == 0)
        await container.stop()
    }

    @Test func workWaitingForASlotIsReported() async throws {
        Metered.entrypoint = ExpectingEntrypoint()
        let metrics = TestMetrics()
        let container = try ServiceContainer<Metered>(
            config: ["max_workers": 1],
            shared: SharedExtensions(),
            logger: Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() }),
            telemetry: Telemetry(metricsFactory: metrics)
        )
        try await container.setUp()
        let context = Metered.entrypoint.context.withLock { $0! }
        let release = AsyncStream<Void>.makeStream()
        // The first work holds the only slot until released; two more wait.
        context.spawn { slot in
            for await _ in release.stream { break }
            _ = await slot.run("first")
        }
        context.spawn { slot in _ = await slot.run("second") }
        context.spawn { slot in _ = await slot.run("third") }
        let waiting = try metrics.expectGauge(ServiceMetrics.Name.workersWaiting, [("service", "metered_core")])
        #expect(waiting.lastValue == 2)
        release.continuation.yield()
        let deadline = ContinuousClock.now + .seconds(10)
        func done() -> Int64 {
            metrics.counterTotal(
                label: ServiceMetrics.Name.workerCalls,
                dimensions: [("entrypoint", "decide"), ("outcome", "success")]
            )
        }
        while done() < 3, ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(5))
        }
        #expect(done() == 3)
        #expect(waiting.lastValue == 0)
        await container.stop()
    }
}
