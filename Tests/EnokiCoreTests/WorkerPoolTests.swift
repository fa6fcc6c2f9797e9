//===----------------------------------------------------------------------===//
// This source file is part of Enoki. Licensed under Apache License v2.0.
//===----------------------------------------------------------------------===//

import Synchronization
import Testing

@testable import EnokiCore

/// The pool of a container's workers (`max_workers`), without a service around it.
@Suite struct WorkerPoolTests {
    /// Jobs that wait until the test lets them finish, and what they saw.
    final class Jobs: Sendable {
        private let state = Mutex<(running: Int, peak: Int, started: [Int], done: [Int], givenBack: [Int])>(
            (0, 0, [], [], [])
        )
        private let released = Atomic<Int>(0)

        var running: Int { self.state.withLock { $0.running } }
        var peak: Int { self.state.withLock { $0.peak } }
        var started: [Int] { self.state.withLock { $0.started } }
        var done: [Int] { self.state.withLock { $0.done } }
        var givenBack: [Int] { self.state.withLock { $0.givenBack } }

        /// Lets `count` more jobs finish.
        func release(_ count: Int) { self.released.add(count, ordering: .releasing) }

        /// Takes one of the released permits to finish, if one is left.
        private func takePermit() -> Bool {
            var permits = self.released.load(ordering: .acquiring)
            while permits > 0 {
                let (exchanged, original) = self.released.compareExchange(
                    expected: permits,
                    desired: permits - 1,
                    ordering: .acquiringAndReleasing
                )
                if exchanged { return true }
                permits = original
            }
            return false
        }

        func job(_ number: Int) -> WorkerJob {
            WorkerJob(
                giveBack: { self.state.withLock { $0.givenBack.append(number) } },
                run: {
                    self.state.withLock {
                        $0.running += 1
                        $0.started.append(number)
                        $0.peak = max($0.peak, $0.running)
                    }
                    while !self.takePermit(), !Task.isCancelled {
                        try? await Task.sleep(for: .milliseconds(2))
                    }
                    self.state.withLock {
                        $0.running -= 1
                        $0.done.append(number)
                    }
                }
            )
        }
    }

    func eventually(_ condition: () -> Bool) async throws {
        for _ in 0..<1000 where !condition() {
            try await Task.sleep(for: .milliseconds(2))
        }
        #expect(condition())
    }

    @Test func noMoreThanTheLimitRunAtOnceAndWaitingWorkStartsInOrder() async throws {
        let pool = WorkerPool(limit: 2)
        let jobs = Jobs()
        for number in 1...5 {
            #expect(pool.submit(jobs.job(number)))
        }
        try await self.eventually { jobs.running == 2 }
        #expect(pool.activeCount == 5)
        // Work that waited for a slot starts in the order it came, as slots free up one by one.
        for next in 3...5 {
            jobs.release(1)
            try await self.eventually { jobs.started.count == next }
            #expect(jobs.started.last == next)
            #expect(jobs.running == 2)
        }
        jobs.release(2)
        await pool.waitUntilIdle()
        #expect(jobs.peak == 2)
        #expect(jobs.done.count == 5)
        #expect(pool.activeCount == 0)
    }

    @Test func aStoppingPoolGivesBackWhatHasNotStartedAndTakesNothingNew() async throws {
        let pool = WorkerPool(limit: 1)
        let jobs = Jobs()
        for number in 1...3 {
            _ = pool.submit(jobs.job(number))
        }
        try await self.eventually { jobs.running == 1 }
        #expect(pool.stopAccepting() == 2)
        #expect(jobs.givenBack == [2, 3])
        #expect(!pool.submit(jobs.job(4)))
        #expect(pool.acquireSlot() == nil)
        jobs.release(1)
        await pool.waitUntilIdle()
        #expect(jobs.done == [1])
    }

    @Test func aSlotInTheCallersTaskCountsAgainstTheLimit() async throws {
        let pool = WorkerPool(limit: 1)
        let jobs = Jobs()
        let slot = try #require(pool.acquireSlot())
        #expect(pool.acquireSlot() == nil)
        _ = pool.submit(jobs.job(1))
        try await Task.sleep(for: .milliseconds(20))
        #expect(jobs.running == 0)
        pool.releaseSlot(slot)
        try await self.eventually { jobs.running == 1 }
        jobs.release(1)
        await pool.waitUntilIdle()
        #expect(jobs.done == [1])
    }

    @Test func killingCancelsRunningWorkersAndEndsTheWait() async throws {
        let pool = WorkerPool(limit: 3)
        let jobs = Jobs()
        for number in 1...3 {
            _ = pool.submit(jobs.job(number))
        }
        try await self.eventually { jobs.running == 3 }
        pool.cancelAll()
        await pool.waitUntilIdle()
        // The jobs stop when cancelled, though nothing released them.
        try await self.eventually { jobs.done.count == 3 }
    }
}

/// The resources a runner's containers share.
@Suite struct SharedExtensionsTests {
    final class Resource: SharedExtension {
        let name: String
        let log: Log
        init(_ name: String, log: Log) {
            self.name = name
            self.log = log
        }
        func stop() async { self.log.entries.withLock { $0.append("stop \(self.name)") } }
        func kill() async { self.log.entries.withLock { $0.append("kill \(self.name)") } }
    }

    final class First: SharedExtension {
        let resource: Resource
        init(_ resource: Resource) { self.resource = resource }
        func stop() async { await self.resource.stop() }
        func kill() async { await self.resource.kill() }
    }

    final class Second: SharedExtension {
        let resource: Resource
        init(_ resource: Resource) { self.resource = resource }
        func stop() async { await self.resource.stop() }
    }

    final class Log: Sendable {
        let entries = Mutex<[String]>([])
    }

    @Test func anExtensionIsMadeOnceAndTheLastMadeStopsFirst() async {
        let log = Log()
        let shared = SharedExtensions()
        var makes = 0
        let first = shared.get(First.self) {
            makes += 1
            return First(Resource("first", log: log))
        }
        let again = shared.get(First.self) {
            makes += 1
            return First(Resource("other", log: log))
        }
        #expect(first === again)
        #expect(makes == 1)
        _ = shared.get(Second.self) { Second(Resource("second", log: log)) }
        #expect(shared.existing(Second.self) != nil)
        await shared.stopAll()
        #expect(log.entries.withLock { $0 } == ["stop second", "stop first"])
        #expect(shared.existing(First.self) == nil)
    }

    @Test func killingKillsAndAnExtensionWithoutAKillOfItsOwnStops() async {
        let log = Log()
        let shared = SharedExtensions()
        _ = shared.get(First.self) { First(Resource("first", log: log)) }
        _ = shared.get(Second.self) { Second(Resource("second", log: log)) }
        await shared.killAll()
        #expect(log.entries.withLock { $0 } == ["stop second", "kill first"])
        // Nothing is stopped twice.
        await shared.stopAll()
        #expect(log.entries.withLock { $0 }.count == 2)
    }
}
