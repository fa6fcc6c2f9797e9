//===----------------------------------------------------------------------===//
// This source file is part of Enoki. Licensed under Apache License v2.0.
//===----------------------------------------------------------------------===//

public import EnokiCore
import Synchronization

/// The dependency that gives each worker a ``ServiceProxy`` to another service (Nameko's `RpcProxy`).
///
/// Calls carry the worker's call-id stack and context data. Replies come to the container's reply queue
/// (`rpc.reply-{service}-{uuid}`), which is consumed on the container's channel. Calls wait for ever unless the
/// config sets `RPC_TIMEOUT` (seconds; an Enoki key), as in Nameko.
public final class RPCProxy: DependencyProvider {
    /// The service called.
    public let targetService: String
    private let state = Mutex<(endpoint: ServiceEndpoint?, timeout: Duration?)>((nil, nil))

    /// A proxy to `targetService`.
    public init(_ targetService: String) {
        self.targetService = targetService
    }

    public func setup(_ container: ContainerContext) async throws {
        let endpoint = try ServiceEndpoint.of(container)
        _ = endpoint.replyListener()
        let timeout = try container.config.value("RPC_TIMEOUT", as: Double.self).map {
            Duration.milliseconds(Int64($0 * 1000))
        }
        self.state.withLock { $0 = (endpoint, timeout) }
    }

    public func start() async throws {
        try await self.state.withLock { $0.endpoint }?.start()
    }

    public func dependency(for worker: WorkerContext) async throws -> ServiceProxy {
        let (endpoint, timeout) = self.state.withLock { $0 }
        guard let endpoint else {
            throw EnokiError(.dependency, "RPCProxy(\(self.targetService)) was not set up")
        }
        let caller = RPCCaller(
            transport: endpoint.transport,
            listener: endpoint.replyListener(),
            exchange: endpoint.context.config.rpcExchange,
            ready: { try await endpoint.waitUntilReady() }
        )
        return ServiceProxy(serviceName: self.targetService, caller: caller, timeout: timeout) {
            (worker.data, worker.callIDStack)
        }
    }
}
