//===----------------------------------------------------------------------===//
// This source file is part of Enoki. Licensed under Apache License v2.0.
//===----------------------------------------------------------------------===//

import NIOCore
import Synchronization

/// Carries tasks from any thread to the connection handler on its event loop.
///
/// Tasks enqueued while a drain is already scheduled ride along with it, so that a burst of publishes or acks
/// from many tasks costs one event-loop wake-up and one socket write, not one of each per message.
final class HandlerTaskQueue: Sendable {
    private struct State {
        var tasks: [HandlerTask] = []
        var spare: [HandlerTask] = []
        var scheduled = false
        var waiters: [CheckedContinuation<Void, Never>] = []
    }

    /// Above this many waiting tasks, publishers wait for the event loop to catch up.
    static let backlogLimit = 2048

    private let state = Mutex(State())
    let eventLoop: any EventLoop
    private let handler: NIOLoopBound<AMQPConnectionHandler>

    init(handler: NIOLoopBound<AMQPConnectionHandler>, eventLoop: any EventLoop) {
        self.handler = handler
        self.eventLoop = eventLoop
    }

    /// Adds a task; returns whether the queue is backlogged, in which case the caller should
    /// ``waitForBacklog()`` before adding more.
    @discardableResult
    func enqueue(_ task: HandlerTask) -> Bool {
        let (schedule, backlogged) = self.state.withLock { state -> (Bool, Bool) in
            state.tasks.append(task)
            let backlogged = state.tasks.count >= Self.backlogLimit
            if state.scheduled { return (false, backlogged) }
            state.scheduled = true
            return (true, backlogged)
        }
        if schedule {
            self.eventLoop.execute {
                self.drain()
            }
        }
        return backlogged
    }

    /// Waits until the event loop has taken the waiting tasks.
    func waitForBacklog() async {
        await withCheckedContinuation { continuation in
            let wait = self.state.withLock { state -> Bool in
                guard state.tasks.count >= Self.backlogLimit else { return false }
                state.waiters.append(continuation)
                return true
            }
            if !wait {
                continuation.resume()
            }
        }
    }

    private func drain() {
        var (batch, waiters) = self.state.withLock { state -> ([HandlerTask], [CheckedContinuation<Void, Never>]) in
            var batch = state.spare
            swap(&batch, &state.tasks)
            state.scheduled = false
            defer { state.waiters = [] }
            return (batch, state.waiters)
        }
        for waiter in waiters {
            waiter.resume()
        }
        waiters = []
        self.handler.value.run(tasks: batch)
        batch.removeAll(keepingCapacity: true)
        self.state.withLock { state in
            if state.spare.capacity < batch.capacity {
                state.spare = batch
            }
        }
    }
}
