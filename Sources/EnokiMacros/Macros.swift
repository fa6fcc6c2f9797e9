//===----------------------------------------------------------------------===//
// This source file is part of Enoki. Licensed under Apache License v2.0.
//===----------------------------------------------------------------------===//

@_exported public import EnokiAMQP
@_exported public import EnokiCore

/// Makes a type an Enoki service named `name`.
///
/// It writes the type's `ServiceDefinition` conformance from its `@RPC` methods and its `@RPCProxy` and
/// `@Dependency` properties, an `init(dependencies:)` that injects them into each worker's instance, and a
/// typed `Client` for calling the service from Swift.
///
/// ```swift
/// @Service("service_x")
/// struct ServiceX {
///     @RPCProxy("service_y") var y: ServiceProxy
///
///     @RPC func remoteMethod(_ value: String) async throws -> String {
///         try await y.append_identifier("\(value)-x")
///     }
/// }
/// ```
///
/// Wire names are the Python spelling of the Swift names (`remoteMethod` is `remote_method`; a parameter is named
/// by its argument label, or by its name when it has none); `@RPC("name")` chooses another method name.
@attached(member, names: named(init(dependencies:)), named(Client))
@attached(
    extension,
    conformances: ServiceDefinition,
    RPCService,
    names: named(serviceName),
    named(declare),
    named(makeClient)
)
public macro Service(_ name: String) = #externalMacro(module: "EnokiMacrosPlugin", type: "ServiceMacro")

/// Serves a method of an `@Service` type over Nameko's RPC, under the Python spelling of its name, or `name`.
///
/// Nameko's `args` and `kwargs` bind to the method's parameters as Python binds them; parameters with default
/// values may be left out. Arguments decode into the parameters' `Decodable` types, and the result is encoded as
/// JSON.
@attached(peer)
public macro RPC(
    _ name: String? = nil,
    expectedErrors: [any Error.Type] = [],
    sensitiveArguments: SensitiveArguments = .none
) = #externalMacro(module: "EnokiMacrosPlugin", type: "MarkerMacro")

/// Injects a proxy to another service into each worker: `@RPCProxy("service_y") var y: ServiceProxy` for dynamic
/// calls, or `@RPCProxy(ServiceY.self) var y: ServiceY.Client` for typed ones.
@attached(peer)
public macro RPCProxy(_ service: String) = #externalMacro(module: "EnokiMacrosPlugin", type: "MarkerMacro")

/// Injects a typed client of another Enoki service into each worker.
@attached(peer)
public macro RPCProxy<S: RPCService>(_ service: S.Type) =
    #externalMacro(module: "EnokiMacrosPlugin", type: "MarkerMacro")

/// Injects what a dependency provider gives each worker: `@Dependency(ConfigProvider()) var config: EnokiConfig`.
@attached(peer)
public macro Dependency<P: DependencyProvider>(_ provider: P) =
    #externalMacro(
        module: "EnokiMacrosPlugin",
        type: "MarkerMacro"
    )

/// Marks a method that handles events of `eventType` dispatched by `source` (Nameko's `@event_handler`).
///
/// The method takes one parameter, the payload, of any `Decodable` type (a `String` also takes a raw-text body);
/// its wire name, part of its queue's name, is the snake_case of its Swift name.
///
/// ```swift
/// @EventHandler("service_a", "event_type")
/// func handleEvent(_ payload: String) { print("service b received:", payload) }
///
/// @EventHandler("monitor", "ping", handlerType: .broadcast, reliableDelivery: false)
/// func ping(_ payload: JSONValue) { print("pong from listener") }
/// ```
@attached(peer)
public macro EventHandler(
    _ source: String,
    _ eventType: String,
    handlerType: EventHandlerType = .servicePool,
    reliableDelivery: Bool = true,
    requeueOnError: Bool = false
) = #externalMacro(module: "EnokiMacrosPlugin", type: "MarkerMacro")

/// Marks a method that runs every `interval` seconds (fractions allowed), or at once and then every `interval`
/// when `eager` (Nameko's `@timer`; see `TimerEntrypoint` for what happens when a run overruns).
///
/// ```swift
/// @Timer(interval: 1)
/// func ping() { print("pong") }
/// ```
@attached(peer)
public macro Timer(interval: Double, eager: Bool = false) =
    #externalMacro(module: "EnokiMacrosPlugin", type: "MarkerMacro")

/// Marks a method that runs every `interval`, or at once and then every `interval` when `eager`.
@attached(peer)
public macro Timer(interval: Duration, eager: Bool = false) =
    #externalMacro(module: "EnokiMacrosPlugin", type: "MarkerMacro")

/// Marks a method that consumes a queue the service declares (Nameko's `@consume`).
///
/// The method takes one parameter, the body, of any `Decodable` type (a `String` takes a raw-text body as it
/// is). A method that returns a value answers messages that carry `reply_to` (RabbitMQ's RPC pattern).
///
/// ```swift
/// @Consume(QueueSpec("rpc_queue", durable: false), prefetchCount: 1)
/// func onRequest(_ body: String) -> String { "Got a message from the client: \(body)" }
/// ```
@attached(peer)
public macro Consume(_ queue: QueueSpec, requeueOnError: Bool = false, prefetchCount: Int? = nil) =
    #externalMacro(module: "EnokiMacrosPlugin", type: "MarkerMacro")
