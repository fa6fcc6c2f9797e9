//===----------------------------------------------------------------------===//
// This source file is part of Enoki. Licensed under Apache License v2.0.
//===----------------------------------------------------------------------===//

public import EnokiCore

/// Calls an entrypoint of a running service as if a message had arrived, with context data, and returns its
/// result or throws its error (Nameko's `entrypoint_hook`).
///
/// ```swift
/// let hook = EntrypointHook(cluster.container(ServiceX.self), "remote_method", contextData: ["language": "fr"])
/// #expect(try await hook("a") == "a-x-y")
/// ```
public struct EntrypointHook<Service: ServiceDefinition>: Sendable {
    let container: ServiceContainer<Service>
    /// The method the hook calls.
    public let methodName: String
    /// The context data the worker gets.
    public let contextData: JSONObject

    /// A hook for `methodName`.
    public init(_ container: ServiceContainer<Service>, _ methodName: String, contextData: JSONObject = [:]) {
        self.container = container
        self.methodName = methodName
        self.contextData = contextData
    }

    /// Runs the method with positional and keyword arguments, as a Python caller would pass them.
    public func call(args: [JSONValue] = [], kwargs: JSONObject = [:]) async throws -> JSONValue {
        try await self.container.runWorker(
            method: self.methodName,
            args: args,
            kwargs: kwargs,
            contextData: self.contextData
        )
    }

    /// Runs the method with arguments encoded as JSON.
    public func callAsFunction(_ args: any Encodable & Sendable...) async throws -> JSONValue {
        let encoder = JSONValueEncoder()
        return try await self.call(args: try args.map { try encoder.encode($0) })
    }

    /// Runs the method and decodes its result.
    public func callAsFunction<T: Decodable>(
        _ args: any Encodable & Sendable...,
        as type: T.Type = T.self
    ) async throws -> T {
        let encoder = JSONValueEncoder()
        let value = try await self.call(args: try args.map { try encoder.encode($0) })
        return try JSONValueDecoder().decode(T.self, from: value)
    }
}
