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
    func workerResult(_ worker: WorkerContext, result: Result<any Sendable, any Error>) async {
        self.recorder.record("result")
    }
    func workerTeardown(_ worker: WorkerContext) async { self.recorder.record("teardown") }
}

/// An entrypoint that keeps its context, for the test to spawn workers through.
private final class ManualEntrypoint: Entrypoint {
    typealias Input = Void
    typealias Output = String
    let context = Mutex<EntrypointContext<ManualEntrypoint>?>(nil)
    func setup(_ context: EntrypointContext<ManualEntrypoint>) async throws { self.context.withLock { $0 = context } }
    var entrypointContext: EntrypointContext<ManualEntrypoint> { self.context.withLock { $0! } }
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
    nonisolated(unsafe) static var tasks = Recorder()
    nonisolated(unsafe) static var entrypoint = ManualEntrypoint()
    init(dependencies: WorkerDependencies) throws {}
    static func declare(_ service: inout ServiceDeclaration<Self>) {
        service.entrypoint(Self.entrypoint, method: "work") { (_, _: Void) in
            try await Self.gate.pass()
            // Which task the worker ran in: the caller's task-local value is seen only in the caller's task.
            Self.tasks.record("task \(CallerMark.value ?? "own")")
            return "done"
        }
        service.dependency("recorder", RecordingProvider(recorder: Self.recorder))
    }
}

/// A task-local value the test sets in the calling task.
private enum CallerMark {
    @TaskLocal static var value: String?
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
    private func container(
        maxWorkers: Int
    ) async throws -> (
        ServiceContainer<Lifecycle>, EntrypointContext<ManualEntrypoint>
    ) {
        Lifecycle.recorder = Recorder()
        Lifecycle.gate = Gate()
        Lifecycle.tasks = Recorder()
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
        try await self.workThatDoesNotRunTheMethodRunsNoHook()
        try await self.runAwaitsTheResult()
        try await self.aCallerCancelledBeforeItsWorkerStartedRunsNoWorker()
        try await self.aSlotRunsTheMethodOnce()
        try await self.aFreeSlotRunsTheWorkerInTheCallersTask()
        try await self.workDroppedAtStopIsGivenBackAtOnce()
        try await self.aKillEndsTheStopsWaitForAWorkerThatDoesNotEnd()
    }

    func workThatDoesNotRunTheMethodRunsNoHook() async throws {
        let (container, context) = try await self.container(maxWorkers: 2)
        let results = Recorder()
        let done = Counter()
        // Work whose message cannot be read answers it without running the method.
        context.spawn { _ in
            results.record("refused")
            done.add()
        }
        Lifecycle.gate.release()
        context.spawn { slot in
            if case .success(let value) = await slot.run(()) { results.record(value) }
            done.add()
        }
        while done.count < 2 { try await Task.sleep(for: .milliseconds(5)) }
        #expect(Set(results.all) == ["refused", "done"])
        // One worker ran, with its hooks; the refused work ran none.
        try await Task.sleep(for: .milliseconds(50))
        #expect(Lifecycle.recorder.all == ["inject", "setup", "result", "teardown"])
        #expect(Lifecycle.gate.runs.count == 1)
        await container.stop()
    }

    func runAwaitsTheResult() async throws {
        let (container, context) = try await self.container(maxWorkers: 1)
        Lifecycle.gate.release()
        #expect(try await context.run(()) == "done")
        // The testing toolkit's path reaches the same worker, by input type.
        #expect(try await container.runWorker(method: "work", ManualEntrypoint.self, input: ()) == "done")
        await container.stop()
        // A stopped container takes no work.
        await #expect(throws: EnokiError.self) { try await context.run(()) }
    }

    func aCallerCancelledBeforeItsWorkerStartedRunsNoWorker() async throws {
        let (container, context) = try await self.container(maxWorkers: 1)
        // The first holds the only slot; the second waits for it, and its caller goes away.
        let first = Task { try await context.run(()) }
        while Lifecycle.gate.runs.count < 1 { try await Task.sleep(for: .milliseconds(5)) }
        let second = Task { try await context.run(()) }
        try await Task.sleep(for: .milliseconds(50))
        second.cancel()
        Lifecycle.gate.release()
        await #expect(throws: CancellationError.self) { try await second.value }
        #expect(try await first.value == "done")
        await container.stop()
        #expect(Lifecycle.gate.runs.count == 1)
    }

    func aFreeSlotRunsTheWorkerInTheCallersTask() async throws {
        let (container, context) = try await self.container(maxWorkers: 1)
        // The only slot is free: the worker runs in the caller's task.
        Lifecycle.gate.release()
        _ = try await CallerMark.$value.withValue("caller") { try await context.run(()) }
        #expect(Lifecycle.tasks.all == ["task caller"])
        // The slot is taken: the next caller's worker waits for it and runs in a task of its own.
        Lifecycle.gate = Gate()
        let first = Task { try await context.run(()) }
        while Lifecycle.gate.runs.count < 1 { try await Task.sleep(for: .milliseconds(5)) }
        let second = Task { try await CallerMark.$value.withValue("second caller") { try await context.run(()) } }
        try await Task.sleep(for: .milliseconds(50))
        Lifecycle.gate.release()
        _ = try await first.value
        _ = try await second.value
        #expect(Lifecycle.tasks.all == ["task caller", "task own", "task own"])
        await container.stop()
    }

    func aSlotRunsTheMethodOnce() async throws {
        let (container, context) = try await self.container(maxWorkers: 1)
        Lifecycle.gate.release()
        let results = Recorder()
        let done = Flag()
        context.spawn { slot in
            _ = await slot.run(())
            if case .failure(let error) = await slot.run(()) { results.record("\(error)") }
            done.set()
        }
        while !done.isSet { try await Task.sleep(for: .milliseconds(5)) }
        #expect(results.all.count == 1)
        #expect(results.all.first?.contains("twice") == true)
        #expect(Lifecycle.gate.runs.count == 1)
        await container.stop()
    }

    func workDroppedAtStopIsGivenBackAtOnce() async throws {
        let (container, context) = try await self.container(maxWorkers: 1)
        let givenBack = Counter()
        for _ in 0..<4 {
            context.spawn(giveBack: { givenBack.add() }, work: { slot in _ = await slot.run(()) })
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
        let accepted = context.spawn { _ in }
        #expect(!accepted)
    }

    func aKillEndsTheStopsWaitForAWorkerThatDoesNotEnd() async throws {
        let (container, context) = try await self.container(maxWorkers: 1)
        context.spawn { slot in _ = await slot.run(()) }
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

/// A shared extension that entrypoints of several services register with in `setup`: a web server's route table.
private final class Registry: SharedExtension {
    let names = Mutex<[String]>([])
    /// What each entrypoint saw registered when it started.
    let seenAtStart = Mutex<[[String]]>([])
    func stop() async {}
}

private struct RegisteringEntrypoint: Entrypoint {
    typealias Input = Void
    typealias Output = Void
    func setup(_ context: EntrypointContext<RegisteringEntrypoint>) async throws {
        let registry = context.container.shared.get(Registry.self) { Registry() }
        // Later containers register later: setUp must finish for all before any starts.
        try await Task.sleep(for: .milliseconds(context.container.serviceName == "first" ? 0 : 50))
        registry.names.withLock { $0.append(context.container.serviceName) }
    }
    func start(_ context: EntrypointContext<RegisteringEntrypoint>) async throws {
        let registry = context.container.shared.get(Registry.self) { Registry() }
        let names = registry.names.withLock { $0.sorted() }
        registry.seenAtStart.withLock { $0.append(names) }
    }
}

private struct FirstService: ServiceDefinition {
    static let serviceName = "first"
    init(dependencies: WorkerDependencies) throws {}
    static func declare(_ service: inout ServiceDeclaration<Self>) {
        service.entrypoint(RegisteringEntrypoint(), method: "a") { _, _ in }
    }
}

private struct SecondService: ServiceDefinition {
    static let serviceName = "second"
    init(dependencies: WorkerDependencies) throws {}
    static func declare(_ service: inout ServiceDeclaration<Self>) {
        service.entrypoint(RegisteringEntrypoint(), method: "b") { _, _ in }
    }
}

@Suite(.timeLimit(.minutes(1))) struct RunnerStartTests {
    @Test func everyEntrypointOfTheRunnerIsSetUpBeforeAnyStarts() async throws {
        let runner = try ServiceRunner(
            services: [FirstService.self, SecondService.self],
            config: EnokiConfig(),
            logger: Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() })
        )
        try await runner.start()
        let registry = runner.shared.get(Registry.self) { Registry() }
        #expect(registry.seenAtStart.withLock { $0 } == [["first", "second"], ["first", "second"]])
        await runner.stop()
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
        let release = Flag()
        let finished = Flag()
        let waiter = Task {
            try await operation.value {
                // The run goes on until the test lets it end, whatever happens to its caller.
                while !release.isSet { try? await Task.sleep(for: .milliseconds(5)) }
                finished.set()
                return 1
            }
        }
        try await Task.sleep(for: .milliseconds(20))
        waiter.cancel()
        await #expect(throws: CancellationError.self) { try await waiter.value }
        // The cancelled caller stopped waiting while the run was still going.
        #expect(!finished.isSet)
        release.set()
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
