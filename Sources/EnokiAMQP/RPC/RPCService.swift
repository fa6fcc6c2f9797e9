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
