//===----------------------------------------------------------------------===//
// This source file is part of Enoki. Licensed under Apache License v2.0.
//===----------------------------------------------------------------------===//

/// Starts workers of a service in answer to something outside it: an RPC request, an event, a timer tick, an
/// HTTP request, a message on a queue (Nameko's `Entrypoint`, nameko-wire §12).
///
/// An entrypoint chooses what its workers take and give back: an RPC worker takes ``BoundArguments`` and returns
/// a ``JSONValue``; an HTTP worker takes a request and returns a response; a timer's takes and returns nothing.
/// Everything else is the container's and the same for every entrypoint: the worker's ``WorkerContext``, the
/// dependencies and their hooks, `max_workers`, the graceful stop and the testing toolkit's hooks.
///
/// The container calls ``setup(_:)`` when it starts (register with a shared server or broker connection), then
/// ``start(_:)`` once every extension of every container of the runner is set up, ``stop()`` when it stops
/// gracefully (take no new work; running workers finish) and ``kill()`` when it is killed. To run the service's
/// method, an entrypoint either awaits ``EntrypointContext/run(_:contextData:parentStack:trace:)`` (from a task that
/// may wait, such as an HTTP request's), or, from an event loop, hands work to
/// ``EntrypointContext/spawn(giveBack:work:)``, which reads the message and runs the method in the worker's
/// own task.
///
/// A service declares an entrypoint with ``ServiceDeclaration/entrypoint(_:method:perform:)``, usually through a
/// declaration method of the entrypoint's module (`service.rpc(…)`, `service.http(…)`) that an attribute of the
/// `@Service` macro calls.
public protocol Entrypoint: Sendable {
    /// What a worker of this entrypoint takes: the method's arguments, read from the message or request.
    associatedtype Input: Sendable
    /// What the method gives back to the entrypoint: the reply, the response.
    associatedtype Output: Sendable

    /// Prepares the entrypoint: registers what it serves with the shared extensions it uses.
    func setup(_ context: EntrypointContext<Self>) async throws
    /// Starts taking work, after every extension of the runner is set up.
    func start(_ context: EntrypointContext<Self>) async throws
    /// Stops taking new work.
    func stop() async
    /// Stops at once.
    func kill() async
    /// Whether an error the method threw is one the entrypoint expects (Nameko's `expected_exceptions`): it is
    /// logged as a warning rather than an error.
    func isExpected(_ error: any Error) -> Bool
    /// A worker's arguments by name, as logs and spans show them: with the entrypoint's sensitive arguments
    /// redacted (Nameko's `sensitive_arguments`, ``SensitiveArguments``). `nil` (the default) shows none.
    func shownArguments(_ input: Input) -> JSONObject?
    /// The input a worker gets from Python-style arguments, as the testing toolkit's entrypoint hook passes them
    /// (`hook.call(args: […], kwargs: […])`).
    ///
    /// - Throws: `IncorrectSignature` when the arguments do not fit; ``EnokiError`` when this entrypoint's workers
    ///   cannot be given their input so (then call ``ServiceContainer/runWorker(method:_:input:contextData:)``
    ///   with an input of the entrypoint's own type).
    func input(args: [JSONValue], kwargs: JSONObject) throws -> Input

    /// What the entrypoint says of itself in its service's description (the discovery call, `enoki describe`):
    /// its kind and details. `nil` leaves it out (the discovery call itself). By default its kind is its type's
    /// name and it has no details.
    ///
    /// - Parameter method: The method it runs, by its name on the wire.
    func describe(method: String) -> EntrypointDescription?
}

extension Entrypoint {
    public func setup(_ context: EntrypointContext<Self>) async throws {}
    public func start(_ context: EntrypointContext<Self>) async throws {}
    public func stop() async {}
    public func kill() async {}
    public func isExpected(_ error: any Error) -> Bool { false }
    public func shownArguments(_ input: Input) -> JSONObject? { nil }

    /// Describes the entrypoint by its type's name, with no details.
    public func describe(method: String) -> EntrypointDescription? {
        EntrypointDescription(kind: String(describing: Self.self), method: method)
    }

    public func input(args: [JSONValue], kwargs: JSONObject) throws -> Input {
        throw EnokiError(
            .serviceDefinition,
            "\(Self.self) workers take a \(Input.self), not Python-style arguments; run them with runWorker(method:_:input:)"
        )
    }
}
