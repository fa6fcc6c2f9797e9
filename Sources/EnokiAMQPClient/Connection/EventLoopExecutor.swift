//===----------------------------------------------------------------------===//
// This source file is part of Enoki. Licensed under Apache License v2.0.
//===----------------------------------------------------------------------===//

import NIOCore

/// A task executor that runs jobs on a connection's event loop.
///
/// Code that only moves messages along (route a reply to its caller, echo a request, count deliveries) can run
/// where the connection reads its socket, and save two thread switches per message:
///
/// ```swift
/// await withTaskExecutorPreference(connection.executor) {
///     for try await delivery in consumer { … }
/// }
/// ```
///
/// Such code shares the thread with the connection's I/O and heartbeats: it must never block and never run
/// long. Anything else belongs on the default executor.
public final class EventLoopExecutor: TaskExecutor, @unchecked Sendable {
    // @unchecked: the only stored property is the event loop, which is Sendable and immutable here.
    private let eventLoop: any EventLoop

    init(eventLoop: any EventLoop) {
        self.eventLoop = eventLoop
    }

    public func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        self.eventLoop.execute {
            job.runSynchronously(on: self.asUnownedTaskExecutor())
        }
    }
}

extension AMQPConnection {
    /// An executor on the connection's event loop, for tasks that only move messages along; see
    /// ``EventLoopExecutor``.
    public var executor: EventLoopExecutor {
        EventLoopExecutor(eventLoop: self.queue.eventLoop)
    }
}
