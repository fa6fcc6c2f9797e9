//===----------------------------------------------------------------------===//
// This source file is part of Enoki. Licensed under Apache License v2.0.
//===----------------------------------------------------------------------===//

import EnokiAMQP
public import EnokiCore
public import Logging
import Synchronization

/// The shell's `n` on a real cluster: calls through a `ClusterRPCClient`, events through a
/// `ClusterEventDispatcher`, completion from the discovery broadcast and call. Each connects on
/// first use; `n.disconnect()` closes them, and the next call connects again.
public final class ClusterShellBackend: ShellBackend {
    private struct Clients {
        var rpc: ClusterRPCClient?
        var events: ClusterEventDispatcher?
    }

    private let enokiConfig: EnokiConfig
    private let timeout: Duration?
    private let logger: Logger
    private let clients = Mutex(Clients())

    /// A backend.
    ///
    /// - Parameters:
    ///   - config: Where the broker is, and `n.config`.
    ///   - timeout: How long a call waits for its reply; `nil` waits for ever, as Nameko's shell does.
    ///   - logger: Where the clients say why they wait for the broker.
    public init(config: EnokiConfig, timeout: Duration?, logger: Logger) {
        self.enokiConfig = config
        self.timeout = timeout
        self.logger = logger
    }

    public var config: JSONObject { self.enokiConfig.values }

    private func rpc() throws -> ClusterRPCClient {
        try self.clients.withLock { clients in
            if let rpc = clients.rpc { return rpc }
            let rpc = try ClusterRPCClient(config: self.enokiConfig, defaultTimeout: self.timeout, logger: self.logger)
            clients.rpc = rpc
            return rpc
        }
    }

    public func call(service: String, method: String, args: [JSONValue], kwargs: JSONObject) async throws -> JSONValue {
        try await self.rpc().service(service).call(method, args: args, kwargs: kwargs)
    }

    public func callAsync(service: String, method: String, args: [JSONValue], kwargs: JSONObject) -> ShellReply {
        do {
            let pending = try self.rpc().service(service).method(method).callAsync(args: args, kwargs: kwargs)
            return ShellReply(target: "\(service).\(method)") { try await pending.result() }
        } catch {
            return ShellReply(target: "\(service).\(method)") { throw error }
        }
    }

    public func dispatch(service: String, eventType: String, payload: JSONValue) async throws {
        let events = try self.clients.withLock { clients in
            if let events = clients.events { return events }
            let events = try ClusterEventDispatcher(config: self.enokiConfig, logger: self.logger)
            clients.events = events
            return events
        }
        try await events.dispatch(service, eventType, json: payload)
    }

    public func serviceNames() async -> [String] {
        let listing = try? await ServiceDirectory.list(config: self.enokiConfig, wait: .milliseconds(500))
        return listing?.services.map(\.description.service) ?? []
    }

    public func describe(service: String) async -> ServiceDescription? {
        guard let rpc = try? self.rpc(),
            let value = try? await rpc.service(service).withTimeout(.seconds(3)).call(
                ServiceDescription.discoveryMethod
            )
        else { return nil }
        return try? ServiceDescription(json: value)
    }

    public func disconnect() async {
        let clients = self.clients.withLock { clients in
            defer { clients = Clients() }
            return clients
        }
        await clients.rpc?.close()
        await clients.events?.close()
    }
}
