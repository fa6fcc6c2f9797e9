//===----------------------------------------------------------------------===//
// This source file is part of Enoki. Licensed under Apache License v2.0.
//===----------------------------------------------------------------------===//

public import EnokiCore

/// A service with a typed client, as `@Service` writes one: calls from Swift with the methods' own types.
public protocol RPCService: ServiceDefinition {
    /// The typed client.
    associatedtype Client: Sendable
    /// A typed client over a proxy to this service.
    static func makeClient(_ proxy: ServiceProxy) -> Client
}

extension ClusterRPCClient {
    /// A typed client of an Enoki service: `try await rpc.client(for: ServiceY.self).appendIdentifier("x")`.
    public func client<S: RPCService>(for service: S.Type) -> S.Client {
        S.makeClient(self.service(S.serviceName))
    }
}

/// What the typed clients `@Service` writes use to encode arguments and decode results. A type that is not
/// `Codable` compiles but fails when called, so that a service whose results cannot be decoded in Swift can still
/// be declared.
public enum RPCClientSupport {
    /// An argument as JSON.
    public static func encode<T: Encodable>(_ value: T) throws -> JSONValue {
        try JSONValueEncoder().encode(value)
    }

    /// An argument of a type that is not `Encodable`: an error.
    public static func encode<T>(_ value: T) throws -> JSONValue {
        throw EnokiError(.serviceDefinition, "\(T.self) is not Encodable and cannot be sent as an argument")
    }

    /// A result decoded into its type.
    public static func decode<T: Decodable>(_ value: JSONValue, as type: T.Type) throws -> T {
        try JSONValueDecoder().decode(T.self, from: value)
    }

    /// A result of a type that is not `Decodable`: an error.
    public static func decode<T>(_ value: JSONValue, as type: T.Type) throws -> T {
        throw EnokiError(.serviceDefinition, "\(T.self) is not Decodable; call this method through a ServiceProxy")
    }
}
