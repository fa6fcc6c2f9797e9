//===----------------------------------------------------------------------===//
// This source file is part of Enoki. Licensed under Apache License v2.0.
//===----------------------------------------------------------------------===//

import EnokiAMQPClient
public import EnokiCore
public import Logging

/// Calls services from code that is not a service (a web app, a script, a test): Nameko's `ClusterRpcProxy`.
///
/// One client holds one pair of broker connections and one reply queue, shared safely by any number of
/// concurrent tasks. Every call carries the client's context data and the same call-id stack,
/// `["standalone_rpc_proxy.call.{uuid}"]`, as Nameko's standalone proxy does.
///
/// ```swift
/// try await ClusterRPCClient.withClient(config: EnokiConfig(amqpURI: "amqp://guest:guest@localhost")) { rpc in
///     let reply: String = try await rpc.service_x.remote_method("hellø")   // "hellø-x-y"
///     let hello = try rpc.service_x.remote_method.callAsync("hello")      // call_async
///     let world = try rpc.service_x.remote_method.callAsync("world")
///     print(try await hello.result(), try await world.result())
/// }
/// ```
@dynamicMemberLookup
public final class ClusterRPCClient: Sendable {
    private let transport: AMQPTransport
    private let listener: ReplyListener
    private let context: WorkerContext
    private let ready = SharedOperation<Void>()
    /// The timeout of every call unless a proxy sets another; `nil` waits for ever. Default 30 seconds.
    public let defaultTimeout: Duration?

    /// Creates a client; it connects on the first call, or on ``start()``.
    ///
    /// - Parameters:
    ///   - config: The configuration (its `AMQP_URI`, `rpc_exchange`, `HEARTBEAT`, `AMQP_SSL`, …).
    ///   - contextData: Context data sent with every call: `language`, `user_id`, `auth_token`, `user_agent`, or
    ///     anything else the services read.
    ///   - defaultTimeout: How long a call waits for its reply before it fails with `EnokiError` `timeout`.
    ///   - logger: Where the client logs its connections.
    public init(
        config: EnokiConfig,
        contextData: JSONObject = [:],
        defaultTimeout: Duration? = .seconds(30),
        logger: Logger = Logger(label: "enoki.client", factory: { _ in SwiftLogNoOpLogHandler() })
    ) throws {
        self.transport = try AMQPTransport(config: config, logger: logger, name: "enoki client", reportsRefusals: true)
        self.listener = ReplyListener(callerName: "standalone_rpc_proxy", logger: logger)
        self.context = WorkerContext.standalone(data: contextData)
        self.defaultTimeout = defaultTimeout
    }

    /// Runs `body` with a client and closes the client afterwards, even when `body` throws.
    public static func withClient<Result: Sendable>(
        config: EnokiConfig,
        contextData: JSONObject = [:],
        defaultTimeout: Duration? = .seconds(30),
        logger: Logger = Logger(label: "enoki.client", factory: { _ in SwiftLogNoOpLogHandler() }),
        _ body: (ClusterRPCClient) async throws -> Result
    ) async throws -> Result {
        let client = try ClusterRPCClient(
            config: config,
            contextData: contextData,
            defaultTimeout: defaultTimeout,
            logger: logger
        )
        do {
            let result = try await body(client)
            await client.close()
            return result
        } catch {
            await client.close()
            throw error
        }
    }

    /// Connects and declares the reply queue; calls do this themselves when needed.
    ///
    /// Every caller waits for the same start; when it fails, the callers waiting get the error and the next call
    /// tries again.
    public func start() async throws {
        try await self.ready.value { [transport, listener] in
            transport.start()
            let exchange = transport.config.rpcExchange
            try await transport.register("the client's reply queue") { connection in
                try await listener.consume(onNewChannelOf: connection, exchange: exchange, transport: transport)
            }
        }
    }

    /// Closes the client's connections.
    public func close() async {
        await self.transport.stop()
    }

    /// The call-id stack every call of this client carries.
    public var callIDStack: [String] { self.context.callIDStack }

    /// A proxy to a service: `rpc.service_x`.
    public subscript(dynamicMember service: String) -> ServiceProxy {
        self.service(service)
    }

    /// A proxy to a service by name, for names that are not Swift identifiers (`rpc.service("greet-service")`).
    public func service(_ name: String) -> ServiceProxy {
        let caller = RPCCaller(
            transport: self.transport,
            listener: self.listener,
            exchange: self.transport.config.rpcExchange,
            ready: { [self] in try await self.start() },
            isReady: { [ready] in ready.currentValue != nil }
        )
        let context = self.context
        return ServiceProxy(serviceName: name, caller: caller, timeout: self.defaultTimeout) {
            (context.data, context.callIDStack)
        }
    }
}
