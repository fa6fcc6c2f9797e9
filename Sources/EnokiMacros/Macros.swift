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
public macro RPC(_ name: String? = nil) = #externalMacro(module: "EnokiMacrosPlugin", type: "MarkerMacro")

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
