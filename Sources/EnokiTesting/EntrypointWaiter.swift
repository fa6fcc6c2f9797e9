//===----------------------------------------------------------------------===//
// This source file is part of Enoki. Licensed under Apache License v2.0.
//===----------------------------------------------------------------------===//

public import EnokiCore
import Synchronization

/// Waits until an entrypoint of a running service has fired and its worker has finished, and gives its
/// arguments and result (Nameko's `entrypoint_waiter`).
///
/// Make the waiter before doing what fires the entrypoint; only workers that finish after it was made count.
///
/// ```swift
/// let waiter = EntrypointWaiter(cluster.container(ServiceB.self), "handle_event")
/// try await dispatch(…)
/// let record = try await waiter.wait(timeout: .seconds(5))
/// #expect(record.payload == "payload")
/// ```
public final class EntrypointWaiter<Service: ServiceDefinition>: Sendable {
    /// The waiter did not see the entrypoint fire in time.
    public struct Timeout: Error, CustomStringConvertible {
        /// The method waited for.
        public var methodName: String
        /// How long the waiter waited.
        public var timeout: Duration
        public var description: String { "entrypoint \(self.methodName) did not fire within \(self.timeout)" }
    }

    private struct State {
        var records: [ServiceContainer<Service>.WorkerRecord] = []
        var waiter: CheckedContinuation<ServiceContainer<Service>.WorkerRecord, any Error>?
        /// Why the current wait ended without a record (timeout or cancellation).
        var ended: (any Error)?
    }

    /// The method waited for.
    public let methodName: String
    private let container: ServiceContainer<Service>
    private let predicate: @Sendable (ServiceContainer<Service>.WorkerRecord) -> Bool
    private let state = Mutex(State())
    private let token = Mutex<UInt64?>(nil)

    /// Starts watching `methodName`; `matching` decides which workers count (all, by default).
    ///
    /// - Precondition: The service has an entrypoint for `methodName`.
    public init(
        _ container: ServiceContainer<Service>,
        _ methodName: String,
        matching predicate: @escaping @Sendable (ServiceContainer<Service>.WorkerRecord) -> Bool = { _ in true }
    ) {
        precondition(
            container.methodNames.contains(methodName),
            "\(Service.serviceName) has no entrypoint \(methodName)"
        )
        self.container = container
        self.methodName = methodName
        self.predicate = predicate
        let id = container.observeWorkers { [weak self] record in
            self?.observed(record)
        }
        self.token.withLock { $0 = id }
    }

    deinit {
        if let id = self.token.withLock({ $0 }) {
            self.container.removeObserver(id)
        }
    }

    private func observed(_ record: ServiceContainer<Service>.WorkerRecord) {
        guard record.context.methodName == self.methodName, self.predicate(record) else { return }
        let waiter = self.state.withLock {
            state -> CheckedContinuation<ServiceContainer<Service>.WorkerRecord, any Error>? in
            if let waiter = state.waiter {
                state.waiter = nil
                return waiter
            }
            state.records.append(record)
            return nil
        }
        waiter?.resume(returning: record)
    }

    /// The next matching worker, waiting up to `timeout` for it.
    ///
    /// - Throws: ``Timeout``, or `CancellationError` when the waiting task is cancelled.
    public func wait(timeout: Duration = .seconds(30)) async throws -> ServiceContainer<Service>.WorkerRecord {
        let methodName = self.methodName
        self.state.withLock { $0.ended = nil }
        return try await withThrowingTaskGroup(of: ServiceContainer<Service>.WorkerRecord.self) { group in
            group.addTask {
                try await withCheckedThrowingContinuation { continuation in
                    let ready = self.state.withLock {
                        state -> Result<ServiceContainer<Service>.WorkerRecord, any Error>? in
                        if !state.records.isEmpty { return .success(state.records.removeFirst()) }
                        if let ended = state.ended { return .failure(ended) }
                        state.waiter = continuation
                        return nil
                    }
                    if let ready { continuation.resume(with: ready) }
                }
            }
            group.addTask {
                let slept: Void? = try? await Task.sleep(for: timeout)
                let error: any Error =
                    slept == nil ? CancellationError() : Timeout(methodName: methodName, timeout: timeout)
                let waiter = self.state.withLock { state in
                    defer { state.waiter = nil }
                    state.ended = error
                    return state.waiter
                }
                waiter?.resume(throwing: error)
                throw error
            }
            let first = try await group.next()!
            group.cancelAll()
            return first
        }
    }

    /// The next matching worker's result, or its error.
    public func result(timeout: Duration = .seconds(30)) async throws -> JSONValue {
        try await self.wait(timeout: timeout).json()
    }
}
