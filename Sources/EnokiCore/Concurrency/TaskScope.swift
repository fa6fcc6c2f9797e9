//===----------------------------------------------------------------------===//
// This source file is part of Enoki. Licensed under Apache License v2.0.
//===----------------------------------------------------------------------===//

import Synchronization

/// The background work of one owner (a transport, a connection's watcher): tasks it starts from callbacks that
/// cannot wait (a confirm's callback on the event loop, a channel that closed), which end with it.
///
/// Each task is tracked from the moment it is spawned until it returns; ``close()`` refuses new ones, cancels the
/// running ones and waits for them, so that nothing the owner started outlives the owner's stop or kill.
///
/// ```swift
/// let tasks = TaskScope()
/// tasks.spawn { await reconnect() }      // from a callback
/// await tasks.close()                    // in the owner's stop: cancelled, and waited for
/// ```
public final class TaskScope: Sendable {
    private struct State {
        var tasks: [Int: Task<Void, Never>] = [:]
        var nextID = 0
        var closed = false
    }

    private let state = Mutex(State())

    /// An open scope, with no task.
    public init() {}

    /// How many tasks are running.
    public var count: Int { self.state.withLock { $0.tasks.count } }

    /// Whether ``close()`` was called.
    public var isClosed: Bool { self.state.withLock { $0.closed } }

    /// Runs `operation` in a task of the scope.
    ///
    /// - Returns: `false`, without running it, when the scope is closed: the caller then does what the task would
    ///   have done on cancellation.
    @discardableResult
    public func spawn(_ operation: @escaping @Sendable () async -> Void) -> Bool {
        self.state.withLock { state in
            guard !state.closed else { return false }
            state.nextID += 1
            let id = state.nextID
            // Made under the lock: the task's own removal, which takes the lock, always follows its insertion.
            // Detached: the work is the owner's, not the spawner's, so it inherits none of the spawner's task-local
            // values, among them a graceful shutdown in progress, which would close a connection that the stop
            // still needs to send the last replies.
            state.tasks[id] = Task.detached {
                await operation()
                _ = self.state.withLock { $0.tasks.removeValue(forKey: id) }
            }
            return true
        }
    }

    /// Refuses new tasks, cancels the running ones and waits until every one of them has returned.
    public func close() async {
        let tasks = self.state.withLock { state in
            state.closed = true
            return Array(state.tasks.values)
        }
        for task in tasks { task.cancel() }
        for task in tasks { await task.value }
    }
}
