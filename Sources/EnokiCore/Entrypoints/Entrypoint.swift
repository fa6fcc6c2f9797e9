//===----------------------------------------------------------------------===//
// This source file is part of Enoki. Licensed under Apache License v2.0.
//===----------------------------------------------------------------------===//

/// Starts workers of a service in answer to something outside it: an RPC request, an event, a timer tick, an
/// HTTP request, a message on a queue.
///
/// The container calls ``setup(_:)`` when it starts (declare queues, bind ports), then ``start(_:)`` once every
/// extension is set up, ``stop()`` when it stops gracefully (stop taking new work; running workers finish), and
/// ``kill()`` when it is killed. To run the service's method, an entrypoint calls
/// ``EntrypointContext/spawnWorker(reading:isStale:giveBack:handleResult:)`` (or, with arguments at hand,
/// ``EntrypointContext/spawnWorker(arguments:contextData:parentStack:handleResult:)``).
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
        let input = WorkerInput(arguments: arguments, contextData: contextData, parentStack: parentStack)
        return self.spawnWorker(reading: { input }, handleResult: handleResult)
    }

    /// Runs the entrypoint's method in a new worker whose input is read in the worker's own task: an entrypoint
    /// called on an event loop hands the message over as it came, and its body is parsed and its arguments bound
    /// off the event loop, at most `max_workers` at a time.
    ///
    /// - Parameters:
    ///   - read: Reads the worker's input from the message. When it throws (a body that does not parse, arguments
    ///     that do not fit), no worker runs: no dependency is made and no hook or observer hears of it, as in
    ///     Nameko, where such a message is refused before any worker; `handleResult` gets the error, to answer or
    ///     drop the message.
    ///   - isStale: Whether the work is no longer worth doing when its turn comes (its message came on a channel
    ///     that has closed since, so that the broker delivers it again elsewhere); stale work is skipped and nothing
    ///     is called.
    ///   - giveBack: Gives the work back at once (requeues its message) when a stopping container drops it before
    ///     it started.
    ///   - handleResult: What to do with the result, or with the error `read` threw.
    /// - Returns: `false` when the container is stopping and takes no new work; the caller should give the work
    ///   back (requeue the message).
    @discardableResult
    public func spawnWorker(
        reading read: @escaping @Sendable () throws -> WorkerInput,
        isStale: @escaping @Sendable () -> Bool = { false },
        giveBack: @escaping @Sendable () -> Void = {},
        handleResult: @escaping @Sendable (WorkerContext, Result<JSONValue, any Error>) async -> Void
    ) -> Bool {
        self.pool.submit(
            WorkerJob(
                methodName: self.methodName,
                read: read,
                isStale: isStale,
                giveBack: giveBack,
                handleResult: handleResult
            )
        )
    }

    /// How many workers are running or waiting for a slot.
    public var activeWorkers: Int { self.pool.activeCount }
}

/// What a worker reads from the message that started it: the method's arguments, and the context data and call-id
/// stack that came with them.
public struct WorkerInput: Sendable {
    /// The method's arguments.
    public var arguments: BoundArguments
    /// The context data that came with the message.
    public var contextData: JSONObject
    /// The call-id stack that came with the message.
    public var parentStack: [String]

    /// An input.
    public init(arguments: BoundArguments, contextData: JSONObject = [:], parentStack: [String] = []) {
        self.arguments = arguments
        self.contextData = contextData
        self.parentStack = parentStack
    }
}
