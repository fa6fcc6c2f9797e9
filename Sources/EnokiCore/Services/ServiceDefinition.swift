//===----------------------------------------------------------------------===//
// This source file is part of Enoki. Licensed under Apache License v2.0.
//===----------------------------------------------------------------------===//

/// A service: a name, entrypoints that start workers, and the dependencies each worker gets.
///
/// The `@Service` macro writes this conformance from the service's `@RPC` methods and dependency properties;
/// it can also be written by hand:
///
/// ```swift
/// struct GreetService: ServiceDefinition {
///     static let serviceName = "greet_service"
///
///     init(dependencies: WorkerDependencies) throws {}
///
///     func greet() -> String { "Hello !" }
///
///     static func declare(_ service: inout ServiceDeclaration<Self>) {
///         service.rpc("greet") { service, _ in service.greet() }
///     }
/// }
/// ```
///
/// As in Nameko, each worker gets a new instance, made with ``init(dependencies:)`` from the values the
/// service's dependency providers give that worker.
///
/// Named `ServiceDefinition` rather than `Service` so as not to clash with ServiceLifecycle's `Service`.
public protocol ServiceDefinition: Sendable {
    /// The service's name on the wire (`greet_service`). It may not contain a dot.
    static var serviceName: String { get }

    /// Makes the instance a worker runs, from the dependencies resolved for that worker.
    init(dependencies: WorkerDependencies) throws

    /// Declares the service's entrypoints and dependencies.
    static func declare(_ service: inout ServiceDeclaration<Self>)
}

/// A service's entrypoints and dependencies, as its ``ServiceDefinition/declare(_:)`` lists them.
public struct ServiceDeclaration<Service: ServiceDefinition>: Sendable {
    /// One declared entrypoint, not yet bound to a container.
    struct EntrypointEntry: Sendable {
        var methodName: String
        var entrypoint: any Entrypoint
        var bind: @Sendable (ContainerContext, WorkerRuntime) -> BoundEntrypoint
    }

    private(set) var entrypoints: [EntrypointEntry] = []
    private(set) var dependencies: [AnyDependencyProvider] = []

    init() {}

    /// Adds an entrypoint that runs `perform` under the wire name `methodName`: each worker gets a new service
    /// instance and the entrypoint's input, and gives back the entrypoint's output.
    ///
    /// Several entrypoints may run the same method (an RPC method that is also an event handler). Entrypoint
    /// modules wrap this in a declaration method of their own (`service.rpc(…)`, `service.http(…)`), which is what
    /// the `@Service` macro calls for an attribute of the same name.
    public mutating func entrypoint<E: Entrypoint>(
        _ entrypoint: E,
        method methodName: String,
        perform: @escaping @Sendable (Service, E.Input) async throws -> E.Output
    ) {
        self.entrypoints.append(
            EntrypointEntry(methodName: methodName, entrypoint: entrypoint) { container, runtime in
                BoundEntrypoint(
                    entrypoint: entrypoint,
                    context: EntrypointContext(
                        container: container,
                        methodName: methodName,
                        entrypoint: entrypoint,
                        runtime: runtime,
                        invoke: { dependencies, input in
                            try await perform(try Service(dependencies: dependencies), input)
                        }
                    )
                )
            }
        )
    }

    /// Adds a dependency: each worker's instance gets the provider's value under `name`.
    public mutating func dependency(_ name: String, _ provider: some DependencyProvider) {
        self.dependencies.append(AnyDependencyProvider(name: name, base: provider))
    }

    /// Removes every entrypoint but those of the given methods (Nameko's `restrict_entrypoints`).
    public mutating func restrictEntrypoints(to methodNames: Set<String>) {
        // The discovery call stays: it is the framework's, not one of the service's methods.
        self.entrypoints.removeAll {
            !methodNames.contains($0.methodName) && $0.methodName != ServiceDescription.discoveryMethod
        }
    }

    /// Removes the entrypoints of one method, the framework's own included (an in-process test runner drops the
    /// discovery call, which needs a broker).
    public mutating func removeEntrypoints(method methodName: String) {
        self.entrypoints.removeAll { $0.methodName == methodName }
    }

    /// Replaces the provider of a dependency (Nameko's `replace_dependencies`).
    ///
    /// - Returns: `false` when no dependency has that name.
    @discardableResult
    public mutating func replaceDependency(_ name: String, with provider: some DependencyProvider) -> Bool {
        guard let index = self.dependencies.firstIndex(where: { $0.name == name }) else { return false }
        self.dependencies[index] = AnyDependencyProvider(name: name, base: provider)
        return true
    }

    /// The declared dependencies and their providers, in order.
    public var dependencyProviders: [(name: String, provider: any DependencyProvider)] {
        self.dependencies.map { ($0.name, $0.base) }
    }

    /// The names of the declared dependencies.
    public var dependencyNames: [String] { self.dependencies.map(\.name) }

    /// The wire names of the methods that have entrypoints.
    public var entrypointMethodNames: [String] { self.entrypoints.map(\.methodName) }

    /// The declared entrypoints with the methods they run, in order.
    public var declaredEntrypoints: [(method: String, entrypoint: any Entrypoint)] {
        self.entrypoints.map { ($0.methodName, $0.entrypoint) }
    }

    /// What the service offers, as its discovery call answers it.
    public var description: ServiceDescription {
        ServiceDescription(
            service: Service.serviceName,
            entrypoints: self.entrypoints.compactMap { $0.entrypoint.describe(method: $0.methodName) },
            dependencies: self.dependencyNames
        )
    }

    /// The service's declaration, checked: a name without dots, entrypoints with names.
    public static func make() throws -> ServiceDeclaration<Service> {
        let name = Service.serviceName
        guard !name.isEmpty, !name.contains(".") else {
            throw EnokiError(
                .serviceDefinition,
                "service name '\(name)' of \(Service.self) must be non-empty and contain no '.'"
            )
        }
        var declaration = ServiceDeclaration<Service>()
        Service.declare(&declaration)
        let dependencyNames = declaration.dependencies.map(\.name)
        if Set(dependencyNames).count != dependencyNames.count {
            throw EnokiError(.serviceDefinition, "\(Service.self) declares a dependency name twice: \(dependencyNames)")
        }
        return declaration
    }
}
