//===----------------------------------------------------------------------===//
// This source file is part of Enoki. Licensed under Apache License v2.0.
//===----------------------------------------------------------------------===//

/// An entrypoint bound to its container, with its type erased so that a container holds entrypoints of every
/// kind in one list.
struct BoundEntrypoint: Sendable {
    let methodName: String
    let setup: @Sendable () async throws -> Void
    let start: @Sendable () async throws -> Void
    let stop: @Sendable () async -> Void
    let kill: @Sendable () async -> Void
    /// Makes the worker's input from Python-style arguments, and a way to run the worker on it.
    let prepare: @Sendable ([JSONValue], JSONObject) throws -> (@Sendable (JSONObject) async throws -> any Sendable)
    /// The entrypoint's ``EntrypointContext``, for running workers with an input of the entrypoint's own type.
    let context: any Sendable

    init<E: Entrypoint>(entrypoint: E, context: EntrypointContext<E>) {
        self.methodName = context.methodName
        self.setup = { try await entrypoint.setup(context) }
        self.start = { try await entrypoint.start(context) }
        self.stop = { await entrypoint.stop() }
        self.kill = { await entrypoint.kill() }
        self.prepare = { args, kwargs in
            let input = try entrypoint.input(args: args, kwargs: kwargs)
            return { contextData in try await context.run(input, contextData: contextData) }
        }
        self.context = context
    }
}
