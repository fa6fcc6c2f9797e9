//===----------------------------------------------------------------------===//
// This source file is part of Enoki. Licensed under Apache License v2.0.
//===----------------------------------------------------------------------===//

public import EnokiCore

/// What the shell's `n` reaches: the cluster (``ClusterShellBackend``), or a stand-in in tests of the
/// interpreter.
public protocol ShellBackend: Sendable {
    /// The configuration, for `n.config`.
    var config: JSONObject { get }

    /// Calls a method and waits for its reply (`n.rpc.service.method(...)`).
    func call(service: String, method: String, args: [JSONValue], kwargs: JSONObject) async throws -> JSONValue

    /// Sends a call and returns at once (`.call_async(...)`); the reply's `result()` waits.
    func callAsync(service: String, method: String, args: [JSONValue], kwargs: JSONObject) -> ShellReply

    /// Dispatches an event in a service's name (`n.dispatch_event(service, event_type, payload)`).
    func dispatch(service: String, eventType: String, payload: JSONValue) async throws

    /// The names of the Enoki services running, for completion; empty when none answers.
    func serviceNames() async -> [String]

    /// What a service offers, for completion; `nil` for a service that does not say (a Python one).
    func describe(service: String) async -> ServiceDescription?

    /// Closes the connections (`n.disconnect()`); later calls connect again.
    func disconnect() async
}
