//===----------------------------------------------------------------------===//
// This source file is part of Enoki. Licensed under Apache License v2.0.
//===----------------------------------------------------------------------===//

import Synchronization

/// What a one-way test double (an event dispatcher's, a publisher's) records: every item it was given, in order,
/// and the error it throws when the test says so.
///
/// ```swift
/// let events = doubles.events("dispatch")
/// try await worker.dispatchingMethod(["a": 1])
/// #expect(events.items.map(\.eventType) == ["event_type"])
/// ```
public final class CallRecorder<Item: Sendable>: Sendable {
    private let state = Mutex<(items: [Item], failure: (any Error)?)>(([], nil))

    /// A recorder.
    public init() {}

    /// What was recorded so far, in order.
    public var items: [Item] { self.state.withLock { $0.items } }

    /// Makes every later call fail with `error` (`nil`: succeed again). Failed calls are recorded too.
    public func fail(with error: (any Error)?) {
        self.state.withLock { $0.failure = error }
    }

    /// Records an item, then throws the configured error, if any.
    public func record(_ item: Item) throws {
        let failure = self.state.withLock { state in
            state.items.append(item)
            return state.failure
        }
        if let failure {
            throw failure
        }
    }
}
