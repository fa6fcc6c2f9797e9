//===----------------------------------------------------------------------===//
// This source file is part of Enoki. Licensed under Apache License v2.0.
//===----------------------------------------------------------------------===//

public import EnokiCore

/// Serves a method over Nameko's RPC (the `@rpc` entrypoint): requests to `{service}.{method}` on the RPC
/// exchange run the method in a worker, and its result or error goes back to the caller.
///
/// Declare it with ``EnokiCore/ServiceDeclaration/rpc(_:parameters:perform:)-(_,_,(Service,BoundArguments)->Result)``
/// or the `@RPC` macro. When the container stops, the RPC queue's consumer is cancelled, so that no new request
/// arrives while running workers finish.
public final class RPCEntrypoint: Entrypoint {
    /// A worker takes the request's arguments, bound to the method's signature.
    public typealias Input = BoundArguments
    /// A worker gives back the result as JSON.
    public typealias Output = JSONValue

    /// The method's signature on the wire.
    public let rpcSignature: Signature
    private let membership = EndpointMembership()

    /// An entrypoint for a method with this signature.
    public init(signature: Signature) {
        self.rpcSignature = signature
    }

    /// Binds Python-style arguments to the method's signature, as a request's are.
    public func input(args: [JSONValue], kwargs: JSONObject) throws -> BoundArguments {
        try self.rpcSignature.bind(args: args, kwargs: kwargs)
    }

    /// An RPC method, with its parameters (their names, and the Swift types and defaults the macro records).
    public func describe(method: String) -> EntrypointDescription? {
        EntrypointDescription(
            kind: "rpc",
            method: method,
            details: ["parameters": EntrypointDescription.parameters(of: self.rpcSignature)]
        )
    }

    public func setup(_ context: EntrypointContext<RPCEntrypoint>) async throws {
        let endpoint = try self.membership.join(context.container)
        endpoint.registerRPC(RPCServer.Method(signature: self.rpcSignature, context: context))
    }

    public func start(_ context: EntrypointContext<RPCEntrypoint>) async throws { try await self.membership.start() }

    public func stop() async { await self.membership.stop() }

    public func kill() async { await self.membership.stop() }
}

extension ServiceDeclaration {
    /// Declares an RPC method.
    ///
    /// ```swift
    /// service.rpc("append_identifier", parameters: [.init("value"), .init("suffix", hasDefault: true)]) { service, arguments in
    ///     service.appendIdentifier(try arguments.value(0), suffix: try arguments.value(1, default: "y"))
    /// }
    /// ```
    ///
    /// - Parameters:
    ///   - name: The method's name on the wire.
    ///   - parameters: Its parameters on the wire, in order.
    ///   - perform: Runs the method on a service instance with the bound arguments; its result is encoded as JSON
    ///     (a result that cannot be encoded is answered with Nameko's `UnserializableValueError`).
    public mutating func rpc<Result: Encodable & Sendable>(
        _ name: String,
        parameters: [Signature.Parameter] = [],
        perform: @escaping @Sendable (Service, BoundArguments) async throws -> Result
    ) {
        self.entrypoint(RPCEntrypoint(signature: Signature(name, parameters)), method: name) { service, arguments in
            try RPCResult.encode(try await perform(service, arguments))
        }
    }

    /// Declares an RPC method that returns nothing (the caller gets `None`).
    public mutating func rpc(
        _ name: String,
        parameters: [Signature.Parameter] = [],
        perform: @escaping @Sendable (Service, BoundArguments) async throws -> Void
    ) {
        self.entrypoint(RPCEntrypoint(signature: Signature(name, parameters)), method: name) { service, arguments in
            try await perform(service, arguments)
            return .null
        }
    }
}

/// Encodes method results.
public enum RPCResult {
    /// A result as JSON, or Nameko's `UnserializableValueError` when it cannot be encoded.
    public static func encode<T: Encodable>(_ value: T) throws -> JSONValue {
        do {
            return try JSONValueEncoder().encode(value)
        } catch {
            throw RemoteError.unserializableValue("\(value)")
        }
    }
}
