//===----------------------------------------------------------------------===//
// This source file is part of Enoki. Licensed under Apache License v2.0.
//===----------------------------------------------------------------------===//

public import EnokiCore

/// One method of a ``ServiceProxy``; call it like a function, with positional and keyword arguments as a Python
/// caller would pass them.
@dynamicCallable
public struct MethodProxy: Sendable {
    let service: ServiceProxy
    /// The method's name.
    public let name: String

    /// Calls the method and returns its result as JSON (which a caller of a method that returns nothing may
    /// ignore).
    @discardableResult
    public func dynamicallyCall(
        withKeywordArguments arguments: KeyValuePairs<String, any Encodable & Sendable>
    ) async throws -> JSONValue {
        let (args, kwargs) = try Self.split(arguments)
        return try await self.service.call(self.name, args: args, kwargs: kwargs)
    }

    /// Calls the method and decodes its result.
    public func dynamicallyCall<T: Decodable>(
        withKeywordArguments arguments: KeyValuePairs<String, any Encodable & Sendable>
    ) async throws -> T {
        let (args, kwargs) = try Self.split(arguments)
        let value = try await self.service.call(self.name, args: args, kwargs: kwargs)
        return try JSONValueDecoder().decode(T.self, from: value)
    }

    /// Starts a call and returns at once (Nameko's `call_async`); await ``PendingCall/result()`` for the reply.
    public func callAsync(
        _ args: any Encodable & Sendable...,
        kwargs: [String: any Encodable & Sendable] = [:]
    ) throws
        -> PendingCall
    {
        let encoder = JSONValueEncoder()
        let positional = try args.map { try encoder.encode($0) }
        var keywords = JSONObject()
        for (key, value) in kwargs.sorted(by: { $0.key < $1.key }) {
            keywords[key] = try encoder.encode(value)
        }
        return self.callAsync(args: positional, kwargs: keywords)
    }

    /// Sends the call with arguments already in JSON and returns at once; ``PendingCall/result()`` waits for the
    /// reply (the shell's `.call_async(...)`).
    public func callAsync(args: [JSONValue], kwargs: JSONObject) -> PendingCall {
        let service = self.service
        let name = self.name
        // Unstructured on purpose: the call outlives this function, as Nameko's call_async does. Its task is the
        // PendingCall's, which the caller holds; the reply's timeout, or the client's close, ends it.
        return PendingCall(task: Task { try await service.call(name, args: args, kwargs: kwargs) })
    }

    static func split(_ arguments: KeyValuePairs<String, any Encodable & Sendable>) throws -> ([JSONValue], JSONObject)
    {
        let encoder = JSONValueEncoder()
        var args: [JSONValue] = []
        var kwargs = JSONObject()
        for (label, value) in arguments {
            let encoded = try encoder.encode(value)
            if label.isEmpty {
                args.append(encoded)
            } else {
                kwargs[label] = encoded
            }
        }
        return (args, kwargs)
    }
}
