//===----------------------------------------------------------------------===//
// This source file is part of Enoki. Licensed under Apache License v2.0.
//===----------------------------------------------------------------------===//

import CoreMetrics
import DequeModule
import Synchronization

/// One piece of work for a worker (``EntrypointContext/spawn(giveBack:work:)``): what to run in the worker's task,
/// and how to give the work back when a stopping container drops it before it started.
struct WorkerJob: Sendable {
    var giveBack: @Sendable () -> Void
    var run: @Sendable () async -> Void
}

/// Runs a container's workers, at most `limit` at a time (`max_workers`), shared by all its entrypoints.
///
/// Submitting never blocks, so an entrypoint may submit from an event loop: work beyond the limit waits in
/// order for a free slot. Each worker runs in its own task on Swift's default executor, never on an event loop.
/// The pool tracks its tasks: a graceful stop waits for them, a kill cancels them.
final class WorkerPool: Sendable {
    private struct State {
        var limit: Int
        var running = 0
        var accepting = true
        var pending = Deque<WorkerJob>()
        var tasks: [UInt64: Task<Void, Never>] = [:]
        var finishedEarly: Set<UInt64> = []
        var nextID: UInt64 = 0
        var idleWaiters: [CheckedContinuation<Void, Never>] = []
        /// Killed: nobody waits for the workers any more.
        var abandoned = false
    }

    private let state: Mutex<State>
    private let busy: Gauge
    private let waiting: Gauge

    init(limit: Int, metrics: ServiceMetrics? = nil) {
        let limit = max(limit, 1)
        self.state = Mutex(State(limit: limit))
        let metrics = metrics ?? ServiceMetrics(serviceName: "", factory: NOOPMetricsHandler.instance)
        self.busy = metrics.gauge(ServiceMetrics.Name.workersBusy)
        self.waiting = metrics.gauge(ServiceMetrics.Name.workersWaiting)
        metrics.gauge(ServiceMetrics.Name.workersMax).record(limit)
        self.busy.record(0)
        self.waiting.record(0)
    }

    /// Reports how many workers run and wait; called with the lock held, so that the gauges move in order.
    private func report(_ state: borrowing State) {
        self.busy.record(state.running)
        self.waiting.record(state.pending.count)
    }

    /// Starts the job now if a slot is free, or queues it; `false` when the pool no longer accepts work.
    func submit(_ job: WorkerJob) -> Bool {
        let start = self.state.withLock { state -> UInt64?? in
            guard state.accepting else { return .none }
            defer { self.report(state) }
            if state.running < state.limit {
                state.running += 1
                state.nextID += 1
                return .some(state.nextID)
            }
            state.pending.append(job)
            return .some(nil)
        }
        switch start {
        case .none:
            return false
        case .some(.none):
            return true
        case .some(.some(let id)):
            self.start(job, id: id)
            return true
        }
    }

    private func start(_ job: WorkerJob, id: UInt64) {
        let task = Task(executorPreference: globalConcurrentExecutor) {
            await job.run()
            self.finished(id)
        }
        self.state.withLock { state in
            if state.finishedEarly.remove(id) == nil {
                state.tasks[id] = task
            }
        }
    }

    /// Takes a slot for a worker that runs in the caller's own task, when one is free and no work waits for one;
    /// `nil` otherwise. The caller gives it back with ``releaseSlot(_:)``.
    func acquireSlot() -> UInt64? {
        self.state.withLock { state in
            guard state.accepting, state.running < state.limit, state.pending.isEmpty else { return nil }
            state.running += 1
            self.report(state)
            state.nextID += 1
            return state.nextID
        }
    }

    /// Gives back a slot ``acquireSlot()`` took.
    func releaseSlot(_ id: UInt64) {
        self.finished(id, inCallersTask: true)
    }

    private func finished(_ id: UInt64, inCallersTask: Bool = false) {
        let (next, waiters) = self.state.withLock {
            state -> ((WorkerJob, UInt64)?, [CheckedContinuation<Void, Never>]) in
            if !inCallersTask, state.tasks.removeValue(forKey: id) == nil {
                state.finishedEarly.insert(id)
            }
            defer { self.report(state) }
            if state.accepting, let job = state.pending.popFirst() {
                state.nextID += 1
                return ((job, state.nextID), [])
            }
            state.running -= 1
            guard state.running == 0 else { return (nil, []) }
            defer { state.idleWaiters = [] }
            return (nil, state.idleWaiters)
        }
        if let (job, nextID) = next {
            self.start(job, id: nextID)
        }
        for waiter in waiters {
            waiter.resume()
        }
    }

    /// How many workers run or wait.
    var activeCount: Int { self.state.withLock { $0.running + $0.pending.count } }

    /// Takes no more work; queued work that has not started is dropped and given back at once (its messages go
    /// back to their queues, for another instance).
    ///
    /// - Returns: How many jobs were dropped.
    @discardableResult
    func stopAccepting() -> Int {
        let dropped = self.state.withLock { state in
            state.accepting = false
            defer {
                state.pending.removeAll()
                self.report(state)
            }
            return Array(state.pending)
        }
        for job in dropped {
            job.giveBack()
        }
        return dropped.count
    }

    /// Waits until no worker runs, or until the pool is killed (``cancelAll()``).
    func waitUntilIdle() async {
        await withCheckedContinuation { continuation in
            let idle = self.state.withLock { state -> Bool in
                if state.running == 0 || state.abandoned { return true }
                state.idleWaiters.append(continuation)
                return false
            }
            if idle { continuation.resume() }
        }
    }

    /// Cancels every running worker, and ends every wait for them: a worker that does not stop when cancelled
    /// is left to itself.
    func cancelAll() {
        let (tasks, waiters) = self.state.withLock { state in
            state.abandoned = true
            defer { state.idleWaiters = [] }
            return (Array(state.tasks.values), state.idleWaiters)
        }
        for task in tasks {
            task.cancel()
        }
        for waiter in waiters {
            waiter.resume()
        }
    }
}
