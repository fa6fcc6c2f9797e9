//===----------------------------------------------------------------------===//
// This source file is part of Enoki. Licensed under Apache License v2.0.
//===----------------------------------------------------------------------===//

import Synchronization

/// The broker's answer to one publish, completed on the event loop and awaited from any task.
///
/// Lighter than an `EventLoopPromise`: awaiting a box that is already complete returns at once, without a trip
/// through the event loop, which matters when thousands of confirms are in flight.
final class ConfirmationBox: Sendable {
    typealias Callback = @Sendable (Result<PublishOutcome, AMQPError>) -> Void

    private enum State {
        case pending([CheckedContinuation<PublishOutcome, any Error>], [Callback])
        case done(Result<PublishOutcome, AMQPError>)
    }

    private let state = Mutex(State.pending([], []))

    func succeed(_ outcome: PublishOutcome) {
        self.complete(.success(outcome))
    }

    func fail(_ error: AMQPError) {
        self.complete(.failure(error))
    }

    private func complete(_ result: Result<PublishOutcome, AMQPError>) {
        let (waiters, callbacks) = self.state.withLock {
            state -> ([CheckedContinuation<PublishOutcome, any Error>], [Callback]) in
            guard case .pending(let waiters, let callbacks) = state else { return ([], []) }
            state = .done(result)
            return (waiters, callbacks)
        }
        for callback in callbacks {
            callback(result)
        }
        for waiter in waiters {
            waiter.resume(with: result.mapError { $0 as any Error })
        }
    }

    /// The outcome, when the broker has answered.
    var result: Result<PublishOutcome, AMQPError>? {
        self.state.withLock { state in
            if case .done(let result) = state { return result }
            return nil
        }
    }

    /// Calls `callback` with the outcome: at once when it is known, otherwise on the event loop when it is.
    func whenComplete(_ callback: @escaping Callback) {
        let result = self.state.withLock { state -> Result<PublishOutcome, AMQPError>? in
            switch state {
            case .pending(let waiters, var callbacks):
                callbacks.append(callback)
                state = .pending(waiters, callbacks)
                return nil
            case .done(let result):
                return result
            }
        }
        if let result {
            callback(result)
        }
    }

    func get() async throws(AMQPError) -> PublishOutcome {
        if let result = self.result {
            return try result.get()
        }
        do {
            return try await withCheckedThrowingContinuation { continuation in
                let result = self.state.withLock { state -> Result<PublishOutcome, AMQPError>? in
                    switch state {
                    case .pending(var waiters, let callbacks):
                        waiters.append(continuation)
                        state = .pending(waiters, callbacks)
                        return nil
                    case .done(let result):
                        return result
                    }
                }
                if let result {
                    continuation.resume(with: result.mapError { $0 as any Error })
                }
            }
        } catch {
            throw error as! AMQPError
        }
    }
}
