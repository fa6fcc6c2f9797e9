//===----------------------------------------------------------------------===//
// This source file is part of Enoki. Licensed under Apache License v2.0.
//===----------------------------------------------------------------------===//

import Testing

@testable import EnokiAMQP

/// The count of replies awaiting their confirm, which a graceful stop waits for. No broker.
@Suite struct ReplyTrackerTests {
    @Test func waitingWithNothingInFlightReturnsAtOnce() async {
        let tracker = ReplyTracker()
        await tracker.waitUntilIdle()
        #expect(tracker.inFlight == 0)
    }

    @Test func aWaitEndsWhenTheLastReplyIsSettledAndNotBefore() async throws {
        let tracker = ReplyTracker()
        tracker.started()
        tracker.started()
        try await confirmation("the wait ends", expectedCount: 1) { ended in
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask {
                    await tracker.waitUntilIdle()
                    ended()
                }
                group.addTask {
                    tracker.finished()
                    try await Task.sleep(for: .milliseconds(50))
                    // One reply still awaits its confirm: the waiter has not been released.
                    #expect(tracker.inFlight == 1)
                    tracker.finished()
                }
                try await group.waitForAll()
            }
        }
        #expect(tracker.inFlight == 0)
    }
}
