//===----------------------------------------------------------------------===//
// This source file is part of Enoki. Licensed under Apache License v2.0.
//===----------------------------------------------------------------------===//

import EnokiAMQPProtocol
import Synchronization

/// What the facades can read about a connection without a trip to its event loop. The handler writes it.
final class ConnectionStatus: Sendable {
    private struct State {
        var closeError: AMQPError?
        var closedAt: ContinuousClock.Instant?
        var closeWaiters: [CheckedContinuation<AMQPError, Never>] = []
        var blocked: String?
        var blockedListeners: [AsyncStream<AMQPConnection.BlockedState>.Continuation] = []
        var writabilityWaiters: [UInt64: CheckedContinuation<Void, Never>] = [:]
        var nextWaiter: UInt64 = 0
    }

    private let state = Mutex(State())

    var isOpen: Bool { self.state.withLock { $0.closeError == nil } }

    var closeError: AMQPError? { self.state.withLock { $0.closeError } }

    var blockedReason: String? { self.state.withLock { $0.blocked } }
    /// Open, and not blocked by the broker: one look at the state.
    var isOpenAndUnblocked: Bool { self.state.withLock { $0.closeError == nil && $0.blocked == nil } }

    /// When the connection was found closed, on its event loop.
    var closedAt: ContinuousClock.Instant? { self.state.withLock { $0.closedAt } }

    func markClosed(_ error: AMQPError) {
        let (waiters, listeners) = self.state.withLock {
            state -> ([CheckedContinuation<AMQPError, Never>], [AsyncStream<AMQPConnection.BlockedState>.Continuation])
            in
            guard state.closeError == nil else { return ([], []) }
            state.closeError = error
            state.closedAt = .now
            defer {
                state.closeWaiters = []
                state.blockedListeners = []
            }
            return (state.closeWaiters, state.blockedListeners)
        }
        self.resumeWritabilityWaiters()
        for waiter in waiters {
            waiter.resume(returning: error)
        }
        for listener in listeners {
            listener.finish()
        }
    }

    func waitUntilClosed() async -> AMQPError {
        await withCheckedContinuation { continuation in
            let error = self.state.withLock { state -> AMQPError? in
                if let error = state.closeError { return error }
                state.closeWaiters.append(continuation)
                return nil
            }
            if let error {
                continuation.resume(returning: error)
            }
        }
    }

    /// Suspends while the socket's send buffer is over its high-water mark, so that publishers slow down to
    /// what the broker takes; returns early when the connection closes or the task is cancelled (the caller checks
    /// which).
    func waitUntilWritable(_ isWritable: () -> Bool) async {
        while !isWritable(), self.isOpen, !Task.isCancelled {
            let id = self.state.withLock { state -> UInt64 in
                state.nextWaiter += 1
                return state.nextWaiter
            }
            await withTaskCancellationHandler {
                await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                    let resumeNow = self.state.withLock { state -> Bool in
                        if state.closeError != nil || Task.isCancelled { return true }
                        state.writabilityWaiters[id] = continuation
                        return false
                    }
                    if resumeNow {
                        continuation.resume()
                    } else if isWritable() {
                        self.resumeWritabilityWaiters()
                    }
                }
            } onCancel: {
                let waiter = self.state.withLock { $0.writabilityWaiters.removeValue(forKey: id) }
                waiter?.resume()
            }
        }
    }

    func resumeWritabilityWaiters() {
        let waiters = self.state.withLock { state in
            defer { state.writabilityWaiters = [:] }
            return state.writabilityWaiters.values
        }
        for waiter in waiters {
            waiter.resume()
        }
    }

    func setBlocked(_ reason: String?) {
        let listeners = self.state.withLock { state in
            state.blocked = reason
            return state.blockedListeners
        }
        let value = reason.map { AMQPConnection.BlockedState.blocked(reason: $0) } ?? .unblocked
        for listener in listeners {
            listener.yield(value)
        }
    }

    func blockedStates() -> AsyncStream<AMQPConnection.BlockedState> {
        let (stream, continuation) = AsyncStream.makeStream(
            of: AMQPConnection.BlockedState.self,
            bufferingPolicy: .bufferingNewest(8)
        )
        let closed = self.state.withLock { state -> Bool in
            if state.closeError != nil { return true }
            state.blockedListeners.append(continuation)
            return false
        }
        if closed {
            continuation.finish()
        }
        return stream
    }
}

/// What the facades can read about a channel. The handler writes it.
final class ChannelStatus: Sendable {
    private struct State {
        var closeError: AMQPError?
        var closeWaiters: [CheckedContinuation<AMQPError, Never>] = []
        var returns: AsyncStream<AMQPReturnedMessage>.Continuation?
    }

    private let state = Mutex(State())
    let returns: AsyncStream<AMQPReturnedMessage>

    init() {
        let (stream, continuation) = AsyncStream.makeStream(
            of: AMQPReturnedMessage.self,
            bufferingPolicy: .bufferingNewest(100)
        )
        self.returns = stream
        self.state.withLock { $0.returns = continuation }
    }

    var isOpen: Bool { self.state.withLock { $0.closeError == nil } }

    var closeError: AMQPError? { self.state.withLock { $0.closeError } }

    func markClosed(_ error: AMQPError) {
        let (waiters, returns) = self.state.withLock {
            state -> ([CheckedContinuation<AMQPError, Never>], AsyncStream<AMQPReturnedMessage>.Continuation?) in
            guard state.closeError == nil else { return ([], nil) }
            state.closeError = error
            defer {
                state.closeWaiters = []
                state.returns = nil
            }
            return (state.closeWaiters, state.returns)
        }
        for waiter in waiters {
            waiter.resume(returning: error)
        }
        returns?.finish()
    }

    func yieldReturn(_ message: AMQPReturnedMessage) {
        let returns = self.state.withLock { $0.returns }
        returns?.yield(message)
    }

    func waitUntilClosed() async -> AMQPError {
        await withCheckedContinuation { continuation in
            let error = self.state.withLock { state -> AMQPError? in
                if let error = state.closeError { return error }
                state.closeWaiters.append(continuation)
                return nil
            }
            if let error {
                continuation.resume(returning: error)
            }
        }
    }
}
