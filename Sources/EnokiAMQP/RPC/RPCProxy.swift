//===----------------------------------------------------------------------===//
// This source file is part of Enoki. Licensed under Apache License v2.0.
//===----------------------------------------------------------------------===//

public import EnokiCore
import Synchronization

/// The dependency that gives each worker a ``ServiceProxy`` to another service (Nameko's `RpcProxy`).
///
/// Calls carry the worker's call-id stack and context data. Replies come to the container's reply queue
/// (`rpc.reply-{service}-{uuid}`), which is consumed on the container's channel.
///
/// A call fails with `EnokiCore.EnokiError` `timeout` after `RPC_TIMEOUT` seconds (an Enoki key), 30 by default:
/// a worker waiting for ever on a service that is down holds one of `max_workers` for good, and a caller's caller
/// times out anyway (Nameko has no timeout here; its users ask for one, nameko issue #360). The 30 seconds match
/// the default of `ClusterRPCClient` and `enoki call`. `RPC_TIMEOUT: null` waits for ever, as Nameko does.
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
        let timeout = try Self.timeout(in: container.config)
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
            ready: { try await endpoint.waitUntilReady() },
            isReady: { endpoint.isReady }
        )
        return ServiceProxy(
            serviceName: self.targetService,
            caller: caller,
            timeout: timeout,
            container: endpoint.context
        ) {
            (worker.data, worker.callIDStack)
        }
    }

    /// The default of `RPC_TIMEOUT`.
    public static let defaultTimeout = Duration.seconds(30)

    /// `RPC_TIMEOUT`: seconds (fractions allowed), or `null` to wait for ever; 30 seconds when the key is missing.
    ///
    /// - Throws: ``EnokiCore/EnokiError`` `configuration` for a value that is not a positive number.
    package static func timeout(in config: EnokiConfig) throws -> Duration? {
        switch config["RPC_TIMEOUT"] {
        case nil:
            return Self.defaultTimeout
        case .null?:
            return nil
        case .int(let seconds)? where seconds > 0:
            return .seconds(min(seconds, 31_536_000))
        case .double(let seconds)? where seconds.isFinite && seconds > 0:
            return .milliseconds(Int64(min(seconds, 31_536_000) * 1000))
        default:
            throw EnokiError(
                .configuration,
                "RPC_TIMEOUT must be a positive number of seconds, or null to wait for ever"
            )
        }
    }
}
