//===----------------------------------------------------------------------===//
// This source file is part of Enoki. Licensed under Apache License v2.0.
//===----------------------------------------------------------------------===//

public import EnokiCore
import Tracing

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
    /// One call, as a proxy makes it: what a test double of a proxy records.
    public struct Call: Sendable {
        /// The service called.
        public var service: String
        /// The method called.
        public var method: String
        /// Positional arguments.
        public var args: [JSONValue]
        /// Keyword arguments.
        public var kwargs: JSONObject
        /// The context data the call carries.
        public var contextData: JSONObject
        /// The call-id stack of the caller (without the call's own id).
        public var callIDStack: [String]
        /// The call's timeout; `nil` waits for ever.
        public var timeout: Duration?

        /// A call.
        public init(
            service: String,
            method: String,
            args: [JSONValue] = [],
            kwargs: JSONObject = [:],
            contextData: JSONObject = [:],
            callIDStack: [String] = [],
            timeout: Duration? = nil
        ) {
            self.service = service
            self.method = method
            self.args = args
            self.kwargs = kwargs
            self.contextData = contextData
            self.callIDStack = callIDStack
            self.timeout = timeout
        }
    }

    /// The service's name.
    public let serviceName: String
    /// The timeout of each call; `nil` waits for ever.
    public var timeout: Duration?
    private let context: @Sendable () -> (JSONObject, [String])
    private let performer: @Sendable (Call) async throws -> JSONValue

    init(
        serviceName: String,
        caller: RPCCaller,
        timeout: Duration?,
        container: ContainerContext? = nil,
        context: @escaping @Sendable () -> (JSONObject, [String])
    ) {
        self.serviceName = serviceName
        self.timeout = timeout
        self.context = context
        let perform: @Sendable (Call) async throws -> JSONValue = { call in
            try await caller.call(
                service: call.service,
                method: call.method,
                args: call.args,
                kwargs: call.kwargs,
                headers: ContextHeaders.headers(data: call.contextData, callIDStack: call.callIDStack),
                timeout: call.timeout
            )
        }
        guard let container else {
            self.performer = perform
            return
        }
        let (metrics, tracing) = (container.metrics, container.tracing)
        self.performer = { call in
            try await metrics.measure(
                ServiceMetrics.Name.rpcClientCalls,
                duration: ServiceMetrics.Name.rpcClientDuration,
                labels: [("target_service", call.service), ("target_method", call.method)]
            ) {
                try await tracing.outgoing(
                    "\(call.service).\(call.method)",
                    kind: .client,
                    attributes: [("rpc.system", "nameko"), ("rpc.service", call.service), ("rpc.method", call.method)],
                    contextData: call.contextData
                ) { data in
                    var call = call
                    call.contextData = data
                    return try await perform(call)
                }
            }
        }
    }

    /// A proxy that hands every call to `perform` instead of the broker: a fake for tests.
    ///
    /// - Parameters:
    ///   - serviceName: The service the proxy stands for.
    ///   - contextData: The context data its calls carry.
    ///   - callIDStack: The call-id stack its calls carry.
    ///   - perform: Answers each call, or throws what the remote service would have raised.
    public init(
        serviceName: String,
        contextData: JSONObject = [:],
        callIDStack: [String] = [],
        perform: @escaping @Sendable (Call) async throws -> JSONValue
    ) {
        self.serviceName = serviceName
        self.timeout = nil
        self.context = { (contextData, callIDStack) }
        self.performer = perform
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
    /// - Throws: `RemoteError` when the method raised (including `MethodNotFound`, `IncorrectSignature` and
    ///   `MalformedRequest`), `EnokiError` `unknownService` when no service listens under this name, and
    ///   `EnokiError` `timeout` when no reply came within ``timeout``.
    public func call(_ method: String, args: [JSONValue] = [], kwargs: JSONObject = [:]) async throws -> JSONValue {
        let (data, stack) = self.context()
        return try await self.performer(
            Call(
                service: self.serviceName,
                method: method,
                args: args,
                kwargs: kwargs,
                contextData: data,
                callIDStack: stack,
                timeout: self.timeout
            )
        )
    }
}
