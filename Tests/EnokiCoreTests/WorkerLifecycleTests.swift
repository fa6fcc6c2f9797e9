//===----------------------------------------------------------------------===//
// This source file is part of Enoki. Licensed under Apache License v2.0.
//===----------------------------------------------------------------------===//

import EnokiCore
import Logging
import Synchronization
import Testing

/// What the dependency's hooks saw.
private final class Recorder: Sendable {
    let events = Mutex<[String]>([])
    func record(_ event: String) { self.events.withLock { $0.append(event) } }
    var all: [String] { self.events.withLock { $0 } }
}

private struct RecordingProvider: DependencyProvider {
    let recorder: Recorder
    func dependency(for worker: WorkerContext) async throws -> Recorder {
        self.recorder.record("inject")
        return self.recorder
    }
    func workerSetup(_ worker: WorkerContext) async { self.recorder.record("setup") }
    func workerResult(_ worker: WorkerContext, result: Result<JSONValue, any Error>) async {
        self.recorder.record("result")
    }
    func workerTeardown(_ worker: WorkerContext) async { self.recorder.record("teardown") }
}

/// An entrypoint that keeps its context, for the test to spawn workers through.
private final class ManualEntrypoint: Entrypoint {
    let context = Mutex<EntrypointContext?>(nil)
    func setup(_ context: EntrypointContext) async throws { self.context.withLock { $0 = context } }
    func start(_ context: EntrypointContext) async throws {}
    var entrypointContext: EntrypointContext { self.context.withLock { $0! } }
}

/// The method waits while `gate` is closed, and counts its runs.
private final class Gate: Sendable {
    private let open = Atomic<Bool>(false)
    let runs = Counter()
    func release() { self.open.store(true, ordering: .releasing) }
    func pass() async throws {
        self.runs.add()
        while !self.open.load(ordering: .acquiring) {
            try await Task.sleep(for: .milliseconds(5))
        }
    }
}

private struct Lifecycle: ServiceDefinition {
    static let serviceName = "lifecycle"
    nonisolated(unsafe) static var recorder = Recorder()
    nonisolated(unsafe) static var gate = Gate()
    nonisolated(unsafe) static var entrypoint = ManualEntrypoint()
    init(dependencies: WorkerDependencies) throws {}
    static func declare(_ service: inout ServiceDeclaration<Self>) {
        service.entrypoint(Self.entrypoint, method: "work") { _, _ in
            try await Self.gate.pass()
            return "done"
        }
        service.dependency("recorder", RecordingProvider(recorder: Self.recorder))
    }
}

/// A count several tasks add to.
private final class Counter: Sendable {
    private let value = Atomic<Int>(0)
    func add(_ amount: Int = 1) { self.value.add(amount, ordering: .relaxed) }
    var count: Int { self.value.load(ordering: .relaxed) }
}

/// A flag several tasks read.
private final class Flag: Sendable {
    private let value = Atomic<Bool>(false)
    func set() { self.value.store(true, ordering: .relaxed) }
    var isSet: Bool { self.value.load(ordering: .relaxed) }
}

/// The container's worker path with no broker: an entrypoint of its own hands work over as a transport's would.
@Suite(.timeLimit(.minutes(1))) struct WorkerLifecycleTests {
    /// A fresh container with `max_workers`.
    private func container(maxWorkers: Int) async throws -> (ServiceContainer<Lifecycle>, EntrypointContext) {
        Lifecycle.recorder = Recorder()
        Lifecycle.gate = Gate()
        Lifecycle.entrypoint = ManualEntrypoint()
        let container = try ServiceContainer<Lifecycle>(
            config: ["max_workers": .int(maxWorkers)],
            shared: SharedExtensions(),
            logger: Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() })
        )
        try await container.start()
        return (container, Lifecycle.entrypoint.entrypointContext)
    }

    struct Unreadable: Error {}

    @Test func lifecycle() async throws {
        try await self.inputThatCannotBeReadRunsNoWorkerAndNoHook()
        try await self.staleWorkIsSkipped()
        try await self.workDroppedAtStopIsGivenBackAtOnce()
        try await self.aKillEndsTheStopsWaitForAWorkerThatDoesNotEnd()
    }

    func inputThatCannotBeReadRunsNoWorkerAndNoHook() async throws {
        let (container, context) = try await self.container(maxWorkers: 2)
        let results = Recorder()
        let done = Counter()
        context.spawnWorker(
            reading: { throw Unreadable() },
            handleResult: { _, result in
                if case .failure(let error) = result { results.record("\(type(of: error))") }
                done.add()
            }
        )
        Lifecycle.gate.release()
        context.spawnWorker(
            reading: { WorkerInput(arguments: BoundArguments(signature: Signature("work"), values: [])) },
            handleResult: { _, result in
                if case .success(let value) = result { results.record("\(value)") }
                done.add()
            }
        )
        while done.count < 2 { try await Task.sleep(for: .milliseconds(5)) }
        #expect(Set(results.all) == ["Unreadable", "\"done\""])
        // One worker ran, with its hooks; the unreadable input ran none.
        try await Task.sleep(for: .milliseconds(50))
        #expect(Lifecycle.recorder.all == ["inject", "setup", "result", "teardown"])
        #expect(Lifecycle.gate.runs.count == 1)
        await container.stop()
    }

    func staleWorkIsSkipped() async throws {
        let (container, context) = try await self.container(maxWorkers: 1)
        let handled = Counter()
        let stale = Flag()
        let input = WorkerInput(arguments: BoundArguments(signature: Signature("work"), values: []))
        // The first blocks the only slot; the second waits, and its channel closes meanwhile.
        context.spawnWorker(reading: { input }, handleResult: { _, _ in handled.add() })
        context.spawnWorker(reading: { input }, isStale: { stale.isSet }, handleResult: { _, _ in handled.add(10) })
        while Lifecycle.gate.runs.count < 1 { try await Task.sleep(for: .milliseconds(5)) }
        stale.set()
        Lifecycle.gate.release()
        await container.stop()
        #expect(handled.count == 1)
        #expect(Lifecycle.gate.runs.count == 1)
    }

    func workDroppedAtStopIsGivenBackAtOnce() async throws {
        let (container, context) = try await self.container(maxWorkers: 1)
        let givenBack = Counter()
        let input = WorkerInput(arguments: BoundArguments(signature: Signature("work"), values: []))
        for _ in 0..<4 {
            context.spawnWorker(reading: { input }, giveBack: { givenBack.add() }, handleResult: { _, _ in })
        }
        while Lifecycle.gate.runs.count < 1 { try await Task.sleep(for: .milliseconds(5)) }
        let stopping = Task { await container.stop() }
        // Given back while the running worker still holds its slot, not when the stop ends.
        while givenBack.count < 3 { try await Task.sleep(for: .milliseconds(5)) }
        #expect(Lifecycle.gate.runs.count == 1)
        Lifecycle.gate.release()
        await stopping.value
        #expect(givenBack.count == 3)
        // A stopped container takes no work, and says so.
        let accepted = context.spawnWorker(reading: { input }, handleResult: { _, _ in })
        #expect(!accepted)
    }

    func aKillEndsTheStopsWaitForAWorkerThatDoesNotEnd() async throws {
        let (container, context) = try await self.container(maxWorkers: 1)
        let input = WorkerInput(arguments: BoundArguments(signature: Signature("work"), values: []))
        context.spawnWorker(reading: { input }, handleResult: { _, _ in })
        while Lifecycle.gate.runs.count < 1 { try await Task.sleep(for: .milliseconds(5)) }
        let runner = ServiceRunner(
            containers: [container],
            shared: SharedExtensions(),
            config: EnokiConfig(),
            logger: Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() })
        )
        // The worker's gate never opens: the stop gives up after its time and kills.
        let inTime = await runner.stop(within: .milliseconds(300))
        #expect(!inTime)
        Lifecycle.gate.release()
    }
}

/// One operation for many callers.
@Suite(.timeLimit(.minutes(1))) struct SharedOperationTests {
    @Test func callersShareOneRunAndItsValue() async throws {
        let operation = SharedOperation<Int>()
        let runs = Counter()
        let values = try await withThrowingTaskGroup(of: Int.self) { group in
            for _ in 0..<20 {
                group.addTask {
                    try await operation.value {
                        runs.add()
                        try await Task.sleep(for: .milliseconds(50))
                        return 7
                    }
                }
            }
            return try await group.reduce(into: [Int]()) { $0.append($1) }
        }
        #expect(values == Array(repeating: 7, count: 20))
        #expect(runs.count == 1)
        #expect(operation.currentValue == 7)
        operation.reset { $0 == 7 }
        #expect(operation.currentValue == nil)
    }

    @Test func aCancelledCallerStopsWaitingAndTheRunGoesOn() async throws {
        let operation = SharedOperation<Int>()
        let waiter = Task {
            try await operation.value {
                try await Task.sleep(for: .milliseconds(300))
                return 1
            }
        }
        try await Task.sleep(for: .milliseconds(20))
        let cancelled = ContinuousClock.now
        waiter.cancel()
        await #expect(throws: CancellationError.self) { try await waiter.value }
        #expect(ContinuousClock.now - cancelled < .milliseconds(200))
        // The run was not cancelled with its first caller: a later caller gets its value.
        #expect(try await operation.value { 2 } == 1)
    }

    @Test func aFailureReachesEveryWaiterAndTheNextCallerTriesAgain() async throws {
        struct Failed: Error {}
        let operation = SharedOperation<Int>()
        await #expect(throws: Failed.self) { try await operation.value { throw Failed() } }
        #expect(try await operation.value { 3 } == 3)
    }

    @Test func aLimiterTurnGivenUpByACancelledWaiter() async throws {
        let limiter = AsyncLimiter(limit: 1)
        let holder = Task { try await limiter.run { try await Task.sleep(for: .milliseconds(300)) } }
        try await Task.sleep(for: .milliseconds(20))
        let waiter = Task { try await limiter.run { 1 } }
        try await Task.sleep(for: .milliseconds(20))
        waiter.cancel()
        await #expect(throws: CancellationError.self) { try await waiter.value }
        try await holder.value
        #expect(try await limiter.run { 2 } == 2)
    }
}
