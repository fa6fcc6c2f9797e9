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
    }

    private let state = Mutex(State())
    let eventLoop: any EventLoop
    private let handler: NIOLoopBound<AMQPConnectionHandler>

    init(handler: NIOLoopBound<AMQPConnectionHandler>, eventLoop: any EventLoop) {
        self.handler = handler
        self.eventLoop = eventLoop
    }

    func enqueue(_ task: HandlerTask) {
        let schedule = self.state.withLock { state -> Bool in
            state.tasks.append(task)
            if state.scheduled { return false }
            state.scheduled = true
            return true
        }
        if schedule {
            self.eventLoop.execute {
                self.drain()
            }
        }
    }

    private func drain() {
        var batch = self.state.withLock { state -> [HandlerTask] in
            var batch = state.spare
            swap(&batch, &state.tasks)
            state.scheduled = false
            return batch
        }
        self.handler.value.run(tasks: batch)
        batch.removeAll(keepingCapacity: true)
        self.state.withLock { state in
            if state.spare.capacity < batch.capacity {
                state.spare = batch
            }
        }
    }
}
