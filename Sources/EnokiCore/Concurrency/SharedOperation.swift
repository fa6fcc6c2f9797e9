//===----------------------------------------------------------------------===//
// This source file is part of Enoki. Licensed under Apache License v2.0.
//===----------------------------------------------------------------------===//

import Synchronization

/// An operation that runs at most once at a time for any number of callers, such as connecting a client or
/// opening a shared channel, and whose value is kept once it succeeded.
///
/// The first caller starts the operation in a task that belongs to this object, not to the caller: every caller
/// waits for its result, and each wait can be cancelled on its own (a caller whose deadline passes stops waiting
/// at once, while the operation goes on for the others). When the operation fails, every waiting caller gets the
/// error and the next caller starts it again; once it succeeded, callers get its value at once until
/// ``reset(ifValue:)``.
///
/// A ``SharedExtension`` that several entrypoints start (a web server that binds once) starts through one: every
/// entrypoint calls `start` in its own `start(_:)`, the first binds, the others wait for it.
public final class SharedOperation<Value: Sendable>: Sendable {
    private enum State {
        case idle
        case running([UInt64: CheckedContinuation<Value, any Error>])
        case done(Value)
    }

    private enum Next {
        case resume(Result<Value, any Error>)
        case start
        case wait
    }

    private let state = Mutex(State.idle)
    private let nextWaiter = Atomic<UInt64>(0)

    /// An operation, not started yet.
    public init() {}

    /// The value of the operation's last success, if it is kept.
    public var currentValue: Value? {
        self.state.withLock { state in
            if case .done(let value) = state { return value }
            return nil
        }
    }

    /// The operation's value: at once when it succeeded before, otherwise once the run under way ends; when none
    /// is under way, `operation` runs now.
    ///
    /// - Throws: The operation's error, or `CancellationError` when the calling task is cancelled first.
    public func value(_ operation: @escaping @Sendable () async throws -> Value) async throws -> Value {
        if let value = self.currentValue {
            return value
        }
        let id = self.nextWaiter.wrappingAdd(1, ordering: .relaxed).newValue
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Value, any Error>) in
                let next = self.state.withLock { state -> Next in
                    if Task.isCancelled { return .resume(.failure(CancellationError())) }
                    switch state {
                    case .done(let value):
                        return .resume(.success(value))
                    case .running(var waiters):
                        waiters[id] = continuation
                        state = .running(waiters)
                        return .wait
                    case .idle:
                        state = .running([id: continuation])
                        return .start
                    }
                }
                switch next {
                case .resume(let result):
                    continuation.resume(with: result)
                case .wait:
                    break
                case .start:
                    // The run belongs to this object: it ends on its own, and a cancelled caller does not end it.
                    Task { await self.run(operation) }
                }
            }
        } onCancel: {
            let waiter = self.state.withLock { state -> CheckedContinuation<Value, any Error>? in
                guard case .running(var waiters) = state, let waiter = waiters.removeValue(forKey: id) else {
                    return nil
                }
                state = .running(waiters)
                return waiter
            }
            waiter?.resume(throwing: CancellationError())
        }
    }

    private func run(_ operation: @Sendable () async throws -> Value) async {
        let result: Result<Value, any Error>
        do {
            result = .success(try await operation())
        } catch {
            result = .failure(error)
        }
        let waiters = self.state.withLock { state -> [CheckedContinuation<Value, any Error>] in
            guard case .running(let waiters) = state else { return [] }
            switch result {
            case .success(let value): state = .done(value)
            case .failure: state = .idle
            }
            return Array(waiters.values)
        }
        for waiter in waiters {
            waiter.resume(with: result)
        }
    }

    /// Forgets the kept value when `isStale` says it is no longer good (a closed channel), so that the next caller
    /// runs the operation again.
    public func reset(ifValue isStale: (Value) -> Bool) {
        self.state.withLock { state in
            if case .done(let value) = state, isStale(value) {
                state = .idle
            }
        }
    }
}
