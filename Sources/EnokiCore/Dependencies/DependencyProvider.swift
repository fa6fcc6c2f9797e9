//===----------------------------------------------------------------------===//
// This source file is part of Enoki. Licensed under Apache License v2.0.
//===----------------------------------------------------------------------===//

/// Gives each worker a dependency (an RPC proxy, an event dispatcher, a database session, …), with the lifecycle
/// of Nameko's dependency providers.
///
/// The container calls ``setup(_:)`` and then ``start()`` when it starts, ``stop()`` when it stops gracefully
/// (after its workers have finished) and ``kill()`` when it is killed. For each worker it calls
/// ``dependency(for:)`` and injects the result into the new service instance, then ``workerSetup(_:)``; after the
/// worker's method has run and its entrypoint has handled the result (sent the reply, acked the message), it calls
/// ``workerResult(_:result:)`` and then ``workerTeardown(_:)``.
///
/// Every method but ``dependency(for:)`` has an empty default. Providers are shared by all workers of a
/// container and must be safe to call concurrently.
///
/// ```swift
/// struct Clock: DependencyProvider {
///     func dependency(for worker: WorkerContext) async throws -> ContinuousClock.Instant { .now }
/// }
/// ```
public protocol DependencyProvider: Sendable {
    /// What a worker gets.
    associatedtype Dependency: Sendable

    /// Prepares the provider when its container starts (declare queues, open pools, read config).
    func setup(_ container: ContainerContext) async throws
    /// Starts the provider, after every extension of the container is set up.
    func start() async throws
    /// Stops the provider after the container's workers have finished.
    func stop() async
    /// Stops the provider at once, when the container is killed.
    func kill() async
    /// The value injected into a worker's service instance.
    func dependency(for worker: WorkerContext) async throws -> Dependency
    /// Runs after injection, before the worker's method.
    func workerSetup(_ worker: WorkerContext) async
    /// Runs with the worker's result or error, after its entrypoint has handled it. The result is of the
    /// entrypoint's `Output` type: a ``JSONValue`` for RPC, a response for HTTP.
    func workerResult(_ worker: WorkerContext, result: Result<any Sendable, any Error>) async
    /// Runs last for each worker.
    func workerTeardown(_ worker: WorkerContext) async
}

extension DependencyProvider {
    public func setup(_ container: ContainerContext) async throws {}
    public func start() async throws {}
    public func stop() async {}
    public func kill() async {}
    public func workerSetup(_ worker: WorkerContext) async {}
    public func workerResult(_ worker: WorkerContext, result: Result<any Sendable, any Error>) async {}
    public func workerTeardown(_ worker: WorkerContext) async {}
}

/// The dependencies resolved for one worker, by the name they were declared with.
public struct WorkerDependencies: Sendable {
    private let values: [String: any Sendable]
    /// The worker they were resolved for.
    public let worker: WorkerContext

    /// Dependencies for a worker.
    public init(worker: WorkerContext, values: [String: any Sendable]) {
        self.worker = worker
        self.values = values
    }

    /// The dependency declared under `name`.
    ///
    /// - Throws: ``EnokiError`` with code ``EnokiError/Code-swift.struct/dependency`` when there is none by that
    ///   name or it has another type: a mismatch between the service's declaration and its properties.
    public func resolve<T>(_ name: String, as type: T.Type = T.self) throws -> T {
        guard let value = self.values[name] else {
            throw EnokiError(.dependency, "no dependency named '\(name)' is declared for \(self.worker.serviceName)")
        }
        guard let typed = value as? T else {
            throw EnokiError(
                .dependency,
                "dependency '\(name)' of \(self.worker.serviceName) is a \(Swift.type(of: value)), not a \(T.self)"
            )
        }
        return typed
    }
}

/// A type-erased provider, as the container keeps them.
struct AnyDependencyProvider: Sendable {
    let name: String
    let base: any DependencyProvider

    func dependency(for worker: WorkerContext) async throws -> any Sendable {
        try await Self.open(self.base, worker)
    }

    private static func open<P: DependencyProvider>(_ provider: P, _ worker: WorkerContext) async throws -> any Sendable
    {
        try await provider.dependency(for: worker)
    }
}
