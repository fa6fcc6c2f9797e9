//===----------------------------------------------------------------------===//
// This source file is part of Enoki. Licensed under Apache License v2.0.
//===----------------------------------------------------------------------===//

import Synchronization
public import Tracing

/// What an entrypoint gets from its container: the container's context, and two ways to run workers of its
/// method.
///
/// - ``run(_:contextData:parentStack:trace:)`` waits for a free worker slot, runs the method and returns what it gave
///   back: for entrypoints whose callers can wait in a task of their own (an HTTP request, a timer).
/// - ``spawn(giveBack:work:)`` never waits, so that an entrypoint called on an event loop (a delivery from the
///   broker) can hand its message over as it came: the work runs in the worker's own task, off the event loop,
///   at most `max_workers` at a time; it reads the message there, runs the method through the ``WorkerSlot`` it
///   is given, and answers (replies, acknowledges).
///
/// Either way the worker gets a new service instance with its dependencies and runs with its ``WorkerContext`` as
/// ``WorkerContext/current``; after the entrypoint has handled the result, the dependencies' `workerResult` and
/// `workerTeardown` hooks run and the testing toolkit's observers hear of it.
public struct EntrypointContext<E: Entrypoint>: Sendable {
    /// What the context holds, in one box: a context is copied into every piece of work, and a copy then costs one
    /// reference count rather than one per field.
    final class Storage: Sendable {
        let container: ContainerContext
        let methodName: String
        let entrypoint: E
        let runtime: WorkerRuntime
        let invoke: WorkerRuntime.Invoke<E>
        let metrics: EntrypointMetrics
        let spanKind: SpanKind

        init(
            container: ContainerContext,
            methodName: String,
            entrypoint: E,
            runtime: WorkerRuntime,
            invoke: @escaping WorkerRuntime.Invoke<E>
        ) {
            self.container = container
            self.methodName = methodName
            self.entrypoint = entrypoint
            self.runtime = runtime
            self.invoke = invoke
            let kind = entrypoint.describe(method: methodName)?.kind ?? "discovery"
            self.metrics = container.metrics.entrypoint(kind: kind, method: methodName)
            switch kind {
            case "rpc", "http", "discovery": self.spanKind = .server
            case "event_handler", "consume": self.spanKind = .consumer
            default: self.spanKind = .internal
            }
        }
    }

    let storage: Storage

    /// The container.
    public var container: ContainerContext { self.storage.container }
    /// The method the entrypoint runs, by its wire name.
    public var methodName: String { self.storage.methodName }
    var entrypoint: E { self.storage.entrypoint }
    var runtime: WorkerRuntime { self.storage.runtime }
    var invoke: WorkerRuntime.Invoke<E> { self.storage.invoke }
    /// The entrypoint's counts and durations.
    public var metrics: EntrypointMetrics { self.storage.metrics }
    /// The kind of its workers' spans: a server's for requests, a consumer's for messages.
    var spanKind: SpanKind { self.storage.spanKind }

    init(
        container: ContainerContext,
        methodName: String,
        entrypoint: E,
        runtime: WorkerRuntime,
        invoke: @escaping WorkerRuntime.Invoke<E>
    ) {
        self.storage = Storage(
            container: container,
            methodName: methodName,
            entrypoint: entrypoint,
            runtime: runtime,
            invoke: invoke
        )
    }

    /// Counts a message or request the entrypoint refused before any worker ran (it could not be read, or its
    /// arguments did not fit), as ``WorkerOutcome/refused``.
    public func refused() {
        self.metrics.count(.refused)
    }

    /// Runs the method in a worker as soon as the container has a free slot, and returns what it gave back.
    ///
    /// When a slot is free, the worker runs in the calling task itself (no hop to a task of its own: an HTTP
    /// request's task serves it), and the dependencies' result and teardown hooks run before this returns; the
    /// calling task must not be an event loop's. Otherwise the work waits for a slot in order, and runs in a task
    /// of its own. A caller cancelled before its worker started gets `CancellationError` and no worker runs; a
    /// worker that runs in the calling task is cancelled with it, and one in a task of its own runs to its end.
    ///
    /// - Parameters:
    ///   - input: The worker's input.
    ///   - contextData: The context data that came with the request.
    ///   - parentStack: The call-id stack that came with the request.
    ///   - trace: The trace context that came with the request (its HTTP `traceparent`, say); when `nil`, the one
    ///     the tracer reads from `contextData`.
    /// - Throws: The method's error; ``EnokiError`` with code ``EnokiError/Code-swift.struct/containerStopped``
    ///   when the container is stopping and takes no new work; `CancellationError` when cancelled before the
    ///   worker started.
    public func run(
        _ input: E.Input,
        contextData: JSONObject = [:],
        parentStack: [String] = [],
        trace: ServiceContext? = nil
    ) async throws
        -> E.Output
    {
        if let slot = self.runtime.pool.acquireSlot() {
            defer { self.runtime.pool.releaseSlot(slot) }
            if Task.isCancelled { throw CancellationError() }
            let run = WorkerRuntime.Run()
            let result = await WorkerSlot(context: self, run: run).run(
                input,
                contextData: contextData,
                parentStack: parentStack,
                trace: trace
            )
            if let record = run.take() {
                await self.runtime.finish(record)
            }
            return try result.get()
        }
        let cancelled = CancelFlag()
        let methodName = self.methodName
        let serviceName = self.container.serviceName
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<E.Output, any Error>) in
                let accepted = self.spawn(
                    giveBack: {
                        continuation.resume(throwing: EnokiError.stopped(serviceName, methodName))
                    },
                    work: { slot in
                        if cancelled.isSet {
                            continuation.resume(throwing: CancellationError())
                            return
                        }
                        continuation.resume(
                            with: await slot.run(
                                input,
                                contextData: contextData,
                                parentStack: parentStack,
                                trace: trace
                            )
                        )
                    }
                )
                if !accepted {
                    continuation.resume(throwing: EnokiError.stopped(serviceName, methodName))
                }
            }
        } onCancel: {
            cancelled.set()
        }
    }

    /// Hands work to a worker: it runs in a task of its own as soon as the container has a free slot, in order,
    /// and never on the caller's thread, so that an entrypoint may call this from an event loop.
    ///
    /// The work reads its input (parse the body, bind the arguments; when that fails it answers the error itself
    /// and does not run the method: no dependency is made and no hook or observer hears of it, as in Nameko,
    /// where such a message is refused before any worker), calls ``WorkerSlot/run(_:contextData:parentStack:trace:)``
    /// once, and handles the result (reply, acknowledge). Work that is no longer worth doing when its turn comes
    /// (its message came on a channel that has closed since) returns without running the method.
    ///
    /// - Parameters:
    ///   - giveBack: Gives the work back at once (requeues its message) when a stopping container drops it before
    ///     it started.
    ///   - work: The work.
    /// - Returns: `false` when the container is stopping and takes no new work; the caller should give the work
    ///   back (requeue the message).
    @discardableResult
    public func spawn(
        giveBack: @escaping @Sendable () -> Void = {},
        work: @escaping @Sendable (WorkerSlot<E>) async -> Void
    ) -> Bool {
        self.runtime.submit(giveBack: giveBack) { run in
            await work(WorkerSlot(context: self, run: run))
        }
    }

    /// How many workers of the container are running or waiting for a slot.
    public var activeWorkers: Int { self.runtime.pool.activeCount }
}

/// The worker slot that work handed to ``EntrypointContext/spawn(giveBack:work:)`` runs in.
public struct WorkerSlot<E: Entrypoint>: Sendable {
    let context: EntrypointContext<E>
    let run: WorkerRuntime.Run

    /// Runs the method once in this slot: makes the worker's context, its dependencies and its service instance,
    /// runs the method, and returns its result or error.
    ///
    /// The dependencies' `workerResult` and `workerTeardown` hooks run once the work has handled the result (when
    /// the work returns). A second call is an error.
    ///
    /// - Parameters:
    ///   - input: The worker's input.
    ///   - contextData: The context data that came with the message.
    ///   - parentStack: The call-id stack that came with the message.
    ///   - trace: The trace context that came with the message; when `nil`, the one the tracer reads from
    ///     `contextData`.
    public func run(
        _ input: E.Input,
        contextData: JSONObject = [:],
        parentStack: [String] = [],
        trace: ServiceContext? = nil
    ) async -> Result<
        E.Output, any Error
    > {
        let storage = self.context.storage
        return await storage.runtime.execute(
            self.run,
            methodName: storage.methodName,
            entrypoint: storage.entrypoint,
            metrics: storage.metrics,
            spanKind: storage.spanKind,
            input: input,
            contextData: contextData,
            parentStack: parentStack,
            trace: trace,
            invoke: storage.invoke
        )
    }

    /// The context of the entrypoint the slot belongs to.
    public var entrypointContext: EntrypointContext<E> { self.context }
}

/// Set once, read from any thread.
final class CancelFlag: Sendable {
    private let value = Atomic<Bool>(false)

    func set() { self.value.store(true, ordering: .releasing) }

    var isSet: Bool { self.value.load(ordering: .acquiring) }
}

extension EnokiError {
    static func stopped(_ serviceName: String, _ methodName: String) -> EnokiError {
        EnokiError(.containerStopped, "\(serviceName) is stopping and takes no more work (\(methodName))")
    }
}
