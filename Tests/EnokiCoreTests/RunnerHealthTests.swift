//===----------------------------------------------------------------------===//
// This source file is part of Enoki. Licensed under Apache License v2.0.
//===----------------------------------------------------------------------===//

import EnokiCore
import Logging
import Synchronization
import Testing

/// Readiness and liveness with no transport: the runner's phase and its checks decide.
@Suite struct RunnerHealthTests {
    final class Switch: Sendable {
        private let value = Atomic<Bool>(false)
        func set(_ on: Bool) { self.value.store(on, ordering: .relaxed) }
        var isOn: Bool { self.value.load(ordering: .relaxed) }
    }

    @Test func readyOnlyOnceStartedWithEveryCheckPassingAndNotStopping() async throws {
        let shared = SharedExtensions()
        let health = RunnerHealth.of(shared)
        let routes = OperationalRoutes.of(shared)
        let broker = Switch()
        health.register("amqp") {
            RunnerHealth.Status(ready: broker.isOn, detail: broker.isOn ? "connected" : "no connection")
        }
        func status(_ path: String) async throws -> (Int, JSONValue) {
            let response = try #require(await routes.respond(to: path))
            #expect(response.contentType == "application/json")
            return (response.status, try JSONParser.parse(response.body))
        }

        // Starting: live, not ready.
        #expect(try await status(RunnerHealth.livePath).0 == 200)
        let starting = try await status(RunnerHealth.readyPath)
        #expect(starting.0 == 503)
        #expect(starting.1["phase"] == "starting")

        // Started, but the broker is away.
        health.enter(.started)
        let away = try await status(RunnerHealth.readyPath)
        #expect(away.0 == 503)
        #expect(away.1["checks"]?["amqp"]?["detail"] == "no connection")
        #expect(away.1["live"] == true)

        broker.set(true)
        let ready = try await status(RunnerHealth.readyPath)
        #expect(ready.0 == 200)
        #expect(ready.1["ready"] == true)
        #expect(health.isReady)

        // Stopping: no longer ready, still live.
        await shared.stopAll()
        #expect(health.phase == .stopping)
        #expect(try await status(RunnerHealth.readyPath).0 == 503)
        #expect(try await status(RunnerHealth.livePath).0 == 200)
    }

    @Test func aRunnerIsReadyOnceItsContainersStarted() async throws {
        let runner = ServiceRunner(
            containers: [],
            shared: SharedExtensions(),
            config: EnokiConfig(),
            logger: .init(label: "t")
        )
        #expect(runner.health.phase == .starting)
        try await runner.start()
        #expect(runner.health.isReady)
        await runner.stop()
        #expect(!runner.health.isReady)
    }
}
