//===----------------------------------------------------------------------===//
// This source file is part of Enoki. Licensed under Apache License v2.0.
//===----------------------------------------------------------------------===//

public import EnokiCore

/// Calls the methods of one service, Python or Swift, by name: `try await serviceB.hello()`.
///
/// Inside a service it comes from an ``RPCProxy`` dependency, and every call carries the worker's call-id stack
/// and context data. From a ``ClusterRPCClient`` it carries the client's.
///
/// ```swift
/// let reply: String = try await serviceB.hello()                      // typed result
/// let value = try await service_y.append_identifier("x", suffix: "z") // JSONValue
/// ```
@dynamicMemberLookup
public struct ServiceProxy: Sendable {
    /// The service's name.
    public let serviceName: String
    let caller: RPCCaller
    let context: @Sendable () -> (JSONObject, [String])
    /// The timeout of each call; `nil` waits for ever.
    public var timeout: Duration?

    init(
        serviceName: String,
        caller: RPCCaller,
        timeout: Duration?,
        context: @escaping @Sendable () -> (JSONObject, [String])
    ) {
        self.serviceName = serviceName
        self.caller = caller
        self.timeout = timeout
        self.context = context
    }

    /// The method with this name: `serviceB.hello`.
    public subscript(dynamicMember method: String) -> MethodProxy {
        MethodProxy(service: self, name: method)
    }

    /// The method with this name, for names that are not Swift identifiers.
    public func method(_ name: String) -> MethodProxy {
        MethodProxy(service: self, name: name)
    }

    /// The same proxy with another timeout.
    public func withTimeout(_ timeout: Duration?) -> ServiceProxy {
        var copy = self
        copy.timeout = timeout
        return copy
    }

    /// Calls a method with JSON arguments.
    ///
    /// - Throws: ``RemoteError`` when the method raised (including `MethodNotFound`, `IncorrectSignature` and
    ///   `MalformedRequest`), ``EnokiError`` `unknownService` when no service listens under this name, and
    ///   ``EnokiError`` `timeout` when no reply came within ``timeout``.
    public func call(_ method: String, args: [JSONValue] = [], kwargs: JSONObject = [:]) async throws -> JSONValue {
        let (data, stack) = self.context()
        return try await self.caller.call(
            service: self.serviceName,
            method: method,
            args: args,
            kwargs: kwargs,
            headers: ContextHeaders.headers(data: data, callIDStack: stack),
            timeout: self.timeout
        )
    }
}

/// One method of a ``ServiceProxy``; call it like a function, with positional and keyword arguments as a Python
/// caller would pass them.
@dynamicCallable
public struct MethodProxy: Sendable {
    let service: ServiceProxy
    /// The method's name.
    public let name: String

    /// Calls the method and returns its result as JSON.
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
        let service = self.service
        let name = self.name
        return PendingCall(task: Task { try await service.call(name, args: positional, kwargs: keywords) })
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

/// A call started with ``MethodProxy/callAsync(_:kwargs:)``.
public struct PendingCall: Sendable {
    let task: Task<JSONValue, any Error>

    /// Waits for the reply.
    public func result() async throws -> JSONValue {
        try await self.task.value
    }

    /// Waits for the reply and decodes it.
    public func result<T: Decodable>(as type: T.Type = T.self) async throws -> T {
        try JSONValueDecoder().decode(T.self, from: try await self.task.value)
    }
}
