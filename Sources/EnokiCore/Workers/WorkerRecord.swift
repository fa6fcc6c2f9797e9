//===----------------------------------------------------------------------===//
// This source file is part of Enoki. Licensed under Apache License v2.0.
//===----------------------------------------------------------------------===//

/// A finished worker, as the testing toolkit's observers hear of it: its context, its input and its result.
public struct WorkerRecord: Sendable {
    /// The worker's context.
    public var context: WorkerContext
    /// What the worker took, of its entrypoint's `Input` type.
    public var input: any Sendable
    /// What the method gave back, of its entrypoint's `Output` type, or its error.
    public var result: Result<any Sendable, any Error>

    /// A record.
    public init(context: WorkerContext, input: any Sendable, result: Result<any Sendable, any Error>) {
        self.context = context
        self.input = input
        self.result = result
    }

    /// The input when it is bound arguments (an RPC worker's).
    public var arguments: BoundArguments? { self.input as? BoundArguments }

    /// The input when it is a JSON payload (an event handler's or a consumer's).
    public var payload: JSONValue? { self.input as? JSONValue }

    /// Whether the worker failed.
    public var failed: Bool {
        if case .failure = self.result { return true }
        return false
    }

    /// What the method gave back as JSON (``WorkerOutput/json(_:)``).
    ///
    /// - Throws: The worker's error, or ``EnokiError`` when what it gave back has no JSON form.
    public func json() throws -> JSONValue {
        try WorkerOutput.json(try self.result.get())
    }

    /// What the method gave back, as `type`.
    ///
    /// - Throws: The worker's error, or ``EnokiError`` when it gave back something of another type.
    public func output<T>(as type: T.Type = T.self) throws -> T {
        let value = try self.result.get()
        guard let typed = value as? T else {
            throw EnokiError(
                .serviceDefinition,
                "\(self.context.methodName) gave back a \(Swift.type(of: value)), not a \(T.self)"
            )
        }
        return typed
    }
}
