//===----------------------------------------------------------------------===//
// This source file is part of Enoki. Licensed under Apache License v2.0.
//===----------------------------------------------------------------------===//

import EnokiCore
import Synchronization
import Testing

@Suite struct AsyncLimiterTests {
    final class Counts: Sendable {
        let state = Mutex((running: 0, most: 0, done: 0))
    }

    @Test func neverRunsMoreThanItsLimitAndRunsEveryone() async throws {
        let limiter = AsyncLimiter(limit: 2)
        let counts = Counts()
        try await withThrowingTaskGroup(of: Void.self) { group in
            for _ in 0..<10 {
                group.addTask {
                    try await limiter.run {
                        counts.state.withLock {
                            $0.running += 1
                            $0.most = max($0.most, $0.running)
                        }
                        try await Task.sleep(for: .milliseconds(20))
                        counts.state.withLock {
                            $0.running -= 1
                            $0.done += 1
                        }
                    }
                }
            }
            try await group.waitForAll()
        }
        let final = counts.state.withLock { $0 }
        #expect(final.most == 2)
        #expect(final.done == 10)
        #expect(final.running == 0)
    }

    @Test func aFailureFreesItsTurn() async throws {
        let limiter = AsyncLimiter(limit: 1)
        struct Failed: Error {}
        await #expect(throws: Failed.self) { try await limiter.run { throw Failed() } }
        #expect(try await limiter.run { 42 } == 42)
    }
}
