//===----------------------------------------------------------------------===//
// This source file is part of Enoki. Licensed under Apache License v2.0.
//===----------------------------------------------------------------------===//

import EnokiCore
import Synchronization
import Testing

/// A value a spawner has in its task, such as ServiceLifecycle's graceful shutdown.
enum SpawnerValue {
    @TaskLocal static var name: String? = nil
}

/// The background tasks of an owner: tracked while they run, cancelled and waited for when it closes.
@Suite struct TaskScopeTests {
    @Test func aTaskRunsAndIsForgottenWhenItEnds() async throws {
        let scope = TaskScope()
        let (ran, finish) = AsyncStream.makeStream(of: Int.self)
        #expect(scope.spawn { finish.yield(1) })
        var iterator = ran.makeAsyncIterator()
        #expect(await iterator.next() == 1)
        var checks = 0
        while scope.count > 0, checks < 200 {
            checks += 1
            try await Task.sleep(for: .milliseconds(5))
        }
        #expect(scope.count == 0)
    }

    @Test func closeCancelsTheRunningTasksAndWaitsForThem() async throws {
        let scope = TaskScope()
        let ended = Mutex<[String]>([])
        let (started, starting) = AsyncStream.makeStream(of: Void.self)
        for name in ["retry", "watch"] {
            scope.spawn {
                starting.yield()
                do {
                    try await Task.sleep(for: .seconds(60))
                    ended.withLock { $0.append("\(name) slept") }
                } catch {
                    ended.withLock { $0.append("\(name) cancelled") }
                }
            }
        }
        var iterator = started.makeAsyncIterator()
        _ = await iterator.next()
        _ = await iterator.next()
        #expect(scope.count == 2)
        await scope.close()
        // Both ended before close returned, by cancellation, not after their sleep.
        #expect(ended.withLock { $0.sorted() } == ["retry cancelled", "watch cancelled"])
        #expect(scope.isClosed)
    }

    @Test func aClosedScopeRunsNothing() async {
        let scope = TaskScope()
        await scope.close()
        let ran = Mutex(false)
        #expect(!scope.spawn { ran.withLock { $0 = true } })
        try? await Task.sleep(for: .milliseconds(20))
        #expect(!ran.withLock { $0 })
        #expect(scope.count == 0)
    }

    @Test func aTaskInheritsNothingFromItsSpawner() async {
        let scope = TaskScope()
        let (seen, report) = AsyncStream.makeStream(of: String.self)
        SpawnerValue.$name.withValue("shutting down") {
            scope.spawn { report.yield(SpawnerValue.name ?? "nothing") }
        }
        var iterator = seen.makeAsyncIterator()
        // A graceful shutdown under way where a connection's task was spawned must not reach that connection.
        #expect(await iterator.next() == "nothing")
        await scope.close()
    }
}
