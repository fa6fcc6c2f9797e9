//===----------------------------------------------------------------------===//
// This source file is part of Enoki. Licensed under Apache License v2.0.
//===----------------------------------------------------------------------===//

import Logging
import Synchronization
import Tracing

/// What runs the workers of one container, for every entrypoint alike: the pool that holds them to
/// `max_workers`, the dependency providers and their hooks, and the observers of finished workers.
final class WorkerRuntime: Sendable {
    /// Makes the service instance and runs the method on it.
    typealias Invoke<E: Entrypoint> = @Sendable (WorkerDependencies, E.Input) async throws -> E.Output

    /// One run of one job: the worker it ran, once it did, so that the hooks run after the entrypoint has
    /// handled the result.
    final class Run: Sendable {
        private let record = Mutex<WorkerRecord?>(nil)
        private let used = Atomic<Bool>(false)

        /// Claims the run; `false` when the method already ran in it.
        func claim() -> Bool { !self.used.exchange(true, ordering: .acquiringAndReleasing) }

        func finish(_ record: WorkerRecord) { self.record.withLock { $0 = record } }

        func take() -> WorkerRecord? { self.record.withLock { $0.take() } }
    }

    let serviceName: String
    let logger: Logger
    let parentCallsTracked: Int
    let tracing: WorkerTracing
    let dependencies: [AnyDependencyProvider]
    let pool: WorkerPool
    private let observers = Mutex<[UInt64: @Sendable (WorkerRecord) -> Void]>([:])
    /// How many observers there are, so that a worker with none to tell takes no lock.
    private let observerCount = Atomic<Int>(0)
    private let observerCounter = Atomic<UInt64>(0)

    init(context: ContainerContext, dependencies: [AnyDependencyProvider]) {
        self.serviceName = context.serviceName
        self.logger = context.logger
        self.parentCallsTracked = context.parentCallsTracked
        self.tracing = context.tracing
        self.dependencies = dependencies
        self.pool = WorkerPool(limit: context.maxWorkers, metrics: context.metrics)
    }

    /// Queues work for a worker; `false` when the pool takes no more.
    func submit(giveBack: @escaping @Sendable () -> Void, _ work: @escaping @Sendable (Run) async -> Void) -> Bool {
        self.pool.submit(
            WorkerJob(giveBack: giveBack) {
                let run = Run()
                await work(run)
                if let record = run.take() {
                    await self.finish(record)
                }
            }
        )
    }

    /// Runs the method in a worker: context, dependencies, `workerSetup`, the service instance, the method.
    func execute<E: Entrypoint>(
        _ run: Run,
        methodName: String,
        entrypoint: E,
        metrics: EntrypointMetrics,
        spanKind: SpanKind,
        input: E.Input,
        contextData: JSONObject,
        parentStack: [String],
        trace: ServiceContext?,
        invoke: Invoke<E>
    ) async -> Result<E.Output, any Error> {
        guard run.claim() else {
            return .failure(EnokiError(.serviceDefinition, "a worker slot of \(methodName) ran its method twice"))
        }
        let worker = WorkerContext(
            serviceName: self.serviceName,
            methodName: methodName,
            parentStack: parentStack,
            data: contextData,
            parentCallsTracked: self.parentCallsTracked,
            logger: self.logger
        )
        let started = ContinuousClock.now
        // With no tracer bootstrapped there is no span, and no trace context to bind.
        let span: (any Span)? =
            self.tracing.isEnabled
            ? self.tracing.tracer.startSpan(
                "\(self.serviceName).\(methodName)",
                context: trace ?? self.tracing.extract(from: contextData),
                ofKind: spanKind
            ) : nil
        let recording = span?.isRecording ?? false
        if let span, recording {
            span.attributes["enoki.service"] = self.serviceName
            span.attributes["enoki.entrypoint"] = methodName
            span.attributes["enoki.call_id"] = worker.callID
        }
        var result: Result<E.Output, any Error>
        do {
            var resolved: [String: any Sendable] = [:]
            for provider in self.dependencies {
                resolved[provider.name] = try await provider.dependency(for: worker)
            }
            for provider in self.dependencies {
                await provider.base.workerSetup(worker)
            }
            let dependencies = WorkerDependencies(worker: worker, values: resolved)
            func method() async -> Result<E.Output, any Error> {
                await WorkerContext.$current.withValue(worker) {
                    do {
                        return .success(try await invoke(dependencies, input))
                    } catch {
                        return .failure(error)
                    }
                }
            }
            if let span {
                result = await ServiceContext.$current.withValue(span.context) { await method() }
            } else {
                result = await method()
            }
        } catch {
            result = .failure(error)
        }
        let outcome: WorkerOutcome
        switch result {
        case .success: outcome = .success
        case .failure(let error): outcome = entrypoint.isExpected(error) ? .expectedError : .error
        }
        metrics.record(outcome, duration: ContinuousClock.now - started)
        if let span, recording, case .failure(let error) = result {
            span.recordError(error)
            if outcome == .error { span.setStatus(SpanStatus(code: .error)) }
        }
        let failed: (any Error)? =
            if case .failure(let error) = result, !(error is CancellationError) { error } else { nil }
        // The arguments are shown only where something looks at them: a failure's log line, a recording span.
        let arguments = failed != nil || recording ? Self.shown(entrypoint.shownArguments(input)) : nil
        if let span, recording {
            span.attributes["enoki.outcome"] = outcome.rawValue
            if let arguments { span.attributes["enoki.call_args"] = arguments }
        }
        span?.end()
        if let error = failed {
            var metadata: Logger.Metadata = ["worker": "\(worker.callID)", "error": "\(error)"]
            if let arguments { metadata["call_args"] = .string(arguments) }
            if outcome == .expectedError {
                worker.logger.warning("(expected) error handling worker", metadata: metadata)
            } else if error is RemoteError {
                worker.logger.info("worker raised", metadata: metadata)
            } else {
                worker.logger.error("error handling worker", metadata: metadata)
            }
        }
        run.finish(WorkerRecord(context: worker, input: input, result: result.map { $0 }))
        return result
    }

    /// The longest argument text a log line or a span shows; the rest is cut.
    static let shownArgumentsLimit = 1024

    /// Arguments as JSON text, cut at ``shownArgumentsLimit`` characters.
    static func shown(_ arguments: JSONObject?) -> String? {
        guard let arguments else { return nil }
        let text = JSONWriter.string(.object(arguments))
        guard text.count > Self.shownArgumentsLimit else { return text }
        return String(text.prefix(Self.shownArgumentsLimit)) + "…"
    }

    /// The hooks that run after the entrypoint has handled a worker's result, then the observers.
    func finish(_ record: WorkerRecord) async {
        for provider in self.dependencies {
            await provider.base.workerResult(record.context, result: record.result)
        }
        for provider in self.dependencies {
            await provider.base.workerTeardown(record.context)
        }
        guard self.observerCount.load(ordering: .acquiring) > 0 else { return }
        let observers = self.observers.withLock { Array($0.values) }
        for observer in observers {
            observer(record)
        }
    }

    /// Adds an observer; returns a token to remove it with.
    func observe(_ observer: @escaping @Sendable (WorkerRecord) -> Void) -> UInt64 {
        let id = self.observerCounter.wrappingAdd(1, ordering: .relaxed).newValue
        self.observers.withLock { observers in
            observers[id] = observer
            self.observerCount.store(observers.count, ordering: .releasing)
        }
        return id
    }

    /// Removes an observer.
    func removeObserver(_ id: UInt64) {
        self.observers.withLock { observers in
            observers.removeValue(forKey: id)
            self.observerCount.store(observers.count, ordering: .releasing)
        }
    }
}
