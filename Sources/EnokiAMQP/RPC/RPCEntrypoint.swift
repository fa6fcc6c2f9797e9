//===----------------------------------------------------------------------===//
// This source file is part of Enoki. Licensed under Apache License v2.0.
//===----------------------------------------------------------------------===//

public import EnokiCore

/// Serves a method over Nameko's RPC (the `@rpc` entrypoint): requests to `{service}.{method}` on the RPC
/// exchange run the method in a worker, and its result or error goes back to the caller.
///
/// Declare it with ``EnokiCore/ServiceDeclaration/rpc(_:parameters:expectedErrors:sensitiveArguments:perform:)-(_,_,_,_,(Service,BoundArguments)->Result)``
/// or the `@RPC` macro. When the container stops, the RPC queue's consumer is cancelled, so that no new request
/// arrives while running workers finish.
public final class RPCEntrypoint: Entrypoint {
    /// A worker takes the request's arguments, bound to the method's signature.
    public typealias Input = BoundArguments
    /// A worker gives back the result as JSON.
    public typealias Output = JSONValue

    /// The method's signature on the wire.
    public let rpcSignature: Signature
    /// The errors the method is expected to throw (Nameko's `expected_exceptions`): logged as a warning, not an
    /// error, and counted as `expected_error`; the caller gets them as any other.
    public let expectedErrors: [any Error.Type]
    /// The arguments logs and spans never show (Nameko's `sensitive_arguments`).
    public let sensitiveArguments: SensitiveArguments
    private let membership = EndpointMembership()

    /// An entrypoint for a method with this signature.
    ///
    /// - Parameters:
    ///   - signature: The method's signature on the wire.
    ///   - expectedErrors: The errors it is expected to throw.
    ///   - sensitiveArguments: The arguments logs and spans never show.
    public init(
        signature: Signature,
        expectedErrors: [any Error.Type] = [],
        sensitiveArguments: SensitiveArguments = .none
    ) {
        self.rpcSignature = signature
        self.expectedErrors = expectedErrors
        self.sensitiveArguments = sensitiveArguments
    }

    public func isExpected(_ error: any Error) -> Bool {
        self.expectedErrors.contains { Self.error(error, is: $0) }
    }

    private static func error<T>(_ error: any Error, is type: T.Type) -> Bool { error is T }

    /// The arguments the caller passed, by parameter name, with the sensitive ones redacted.
    public func shownArguments(_ input: BoundArguments) -> JSONObject? {
        var arguments = JSONObject()
        for (parameter, value) in zip(input.signature.parameters, input.values) {
            if let value { arguments[parameter.name] = value }
        }
        return self.sensitiveArguments.redact(arguments)
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
    ///   - expectedErrors: Errors it is expected to throw (Nameko's `expected_exceptions`): logged as warnings.
    ///   - sensitiveArguments: Arguments logs and spans never show (Nameko's `sensitive_arguments`).
    ///   - perform: Runs the method on a service instance with the bound arguments; its result is encoded as JSON
    ///     (a result that cannot be encoded is answered with Nameko's `UnserializableValueError`).
    public mutating func rpc<Result: Encodable & Sendable>(
        _ name: String,
        parameters: [Signature.Parameter] = [],
        expectedErrors: [any Error.Type] = [],
        sensitiveArguments: SensitiveArguments = .none,
        perform: @escaping @Sendable (Service, BoundArguments) async throws -> Result
    ) {
        let entrypoint = RPCEntrypoint(
            signature: Signature(name, parameters),
            expectedErrors: expectedErrors,
            sensitiveArguments: sensitiveArguments
        )
        self.entrypoint(entrypoint, method: name) { service, arguments in
            try RPCResult.encode(try await perform(service, arguments))
        }
    }

    /// Declares an RPC method that returns nothing (the caller gets `None`).
    public mutating func rpc(
        _ name: String,
        parameters: [Signature.Parameter] = [],
        expectedErrors: [any Error.Type] = [],
        sensitiveArguments: SensitiveArguments = .none,
        perform: @escaping @Sendable (Service, BoundArguments) async throws -> Void
    ) {
        let entrypoint = RPCEntrypoint(
            signature: Signature(name, parameters),
            expectedErrors: expectedErrors,
            sensitiveArguments: sensitiveArguments
        )
        self.entrypoint(entrypoint, method: name) { service, arguments in
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
