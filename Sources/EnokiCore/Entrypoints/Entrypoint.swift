//===----------------------------------------------------------------------===//
// This source file is part of Enoki. Licensed under Apache License v2.0.
//===----------------------------------------------------------------------===//

/// Starts workers of a service in answer to something outside it: an RPC request, an event, a timer tick, an
/// HTTP request, a message on a queue.
///
/// The container calls ``setup(_:)`` when it starts (declare queues, bind ports), then ``start(_:)`` once every
/// extension is set up, ``stop()`` when it stops gracefully (stop taking new work; running workers finish), and
/// ``kill()`` when it is killed. To run the service's method, an entrypoint calls
/// ``EntrypointContext/spawnWorker(arguments:contextData:parentStack:handleResult:)``.
public protocol Entrypoint: Sendable {
    /// Prepares the entrypoint.
    func setup(_ context: EntrypointContext) async throws
    /// Starts taking work.
    func start(_ context: EntrypointContext) async throws
    /// Stops taking new work.
    func stop() async
    /// Stops at once.
    func kill() async
    /// The method's signature on the wire, for entrypoints that bind arguments to one (RPC); `nil` for those that
    /// pass one payload (events, messages).
    var signature: Signature? { get }
}

extension Entrypoint {
    public var signature: Signature? { nil }
    public func setup(_ context: EntrypointContext) async throws {}
    public func stop() async {}
    public func kill() async {}
}

/// What an entrypoint gets from its container: the container's context and a way to run workers of its method.
public struct EntrypointContext: Sendable {
    /// The container.
    public let container: ContainerContext
    /// The method the entrypoint runs, by its wire name.
    public let methodName: String
    let pool: WorkerPool

    init(container: ContainerContext, methodName: String, pool: WorkerPool) {
        self.container = container
        self.methodName = methodName
        self.pool = pool
    }

    /// Runs the entrypoint's method in a new worker, as soon as the container has a free worker slot.
    ///
    /// The worker gets its own service instance with its dependencies, runs the method, and then calls
    /// `handleResult` with the result or error (send the reply, ack the message), before the dependencies'
    /// `workerResult` and `workerTeardown` hooks run. It never runs on an event loop.
    ///
    /// - Parameters:
    ///   - arguments: The method's arguments.
    ///   - contextData: The context data that came with the request.
    ///   - parentStack: The call-id stack that came with the request.
    ///   - handleResult: What to do with the result.
    /// - Returns: `false` when the container is stopping and takes no new work; the caller should give the work
    ///   back (requeue the message).
    @discardableResult
    public func spawnWorker(
        arguments: BoundArguments,
        contextData: JSONObject = [:],
        parentStack: [String] = [],
        handleResult: @escaping @Sendable (WorkerContext, Result<JSONValue, any Error>) async -> Void
    ) -> Bool {
        let worker = WorkerContext(
            serviceName: self.container.serviceName,
            methodName: self.methodName,
            parentStack: parentStack,
            data: contextData,
            parentCallsTracked: self.container.parentCallsTracked
        )
        return self.pool.submit(
            WorkerJob(worker: worker, methodName: self.methodName, arguments: arguments, handleResult: handleResult)
        )
    }

    /// How many workers are running or waiting for a slot.
    public var activeWorkers: Int { self.pool.activeCount }
}
