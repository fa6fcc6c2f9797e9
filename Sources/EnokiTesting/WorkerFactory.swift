//===----------------------------------------------------------------------===//
// This source file is part of Enoki. Licensed under Apache License v2.0.
//===----------------------------------------------------------------------===//

public import EnokiCore

/// Makes an instance of a service with its dependencies replaced by test doubles, so that a method can be called
/// directly, with no broker and no container (Nameko's `worker_factory`).
///
/// Every dependency whose provider can make a double gets one: an RPC proxy gets a proxy that records its calls
/// and answers `null` or what the test configures; the config provider gives an empty config; the worker-context
/// provider gives ``WorkerFactory/Instance/context``. Others must be given in `replacing`.
///
/// ```swift
/// let worker = try WorkerFactory.make(ServiceX.self)
/// worker.doubles.rpc("y").reply("append_identifier") { call in .string("\(call.args[0].stringValue!)-y") }
/// #expect(try await worker.service.remoteMethod("a") == "a-x-y")
/// ```
public enum WorkerFactory {
    /// A service instance and the doubles it was made with.
    public struct Instance<Service: ServiceDefinition>: Sendable {
        /// The instance.
        public let service: Service
        /// The doubles' recorders.
        public let doubles: TestDoubles
        /// The worker context the doubles carry.
        public var context: WorkerContext { self.doubles.context }
    }

    /// Makes an instance of `Service`.
    ///
    /// - Parameters:
    ///   - type: The service type.
    ///   - replacing: Values for dependencies, by name; they take the place of doubles.
    ///   - context: The worker context; by default one for a method `test` with no context data.
    /// - Throws: `EnokiCore.EnokiError` naming a dependency that has no double and no replacement, or a
    ///   replacement for a name the service does not declare.
    public static func make<Service: ServiceDefinition>(
        _ type: Service.Type,
        replacing: [String: any Sendable] = [:],
        context: WorkerContext? = nil
    ) throws -> Instance<Service> {
        let declaration = try ServiceDeclaration<Service>.make()
        let context = context ?? WorkerContext(serviceName: Service.serviceName, methodName: "test")
        let doubles = TestDoubles(context: context)
        let names = Set(declaration.dependencyNames)
        for name in replacing.keys where !names.contains(name) {
            throw EnokiError(
                .dependency,
                "\(Service.self) declares no dependency named '\(name)' (it has: \(declaration.dependencyNames.joined(separator: ", ")))"
            )
        }
        var values: [String: any Sendable] = [:]
        for (name, provider) in declaration.dependencyProviders {
            if let replacement = replacing[name] {
                values[name] = replacement
            } else if let double = Self.double(of: provider, named: name, doubles: doubles) {
                values[name] = double
            } else {
                throw EnokiError(
                    .dependency,
                    "dependency '\(name)' of \(Service.self) (\(Swift.type(of: provider))) has no test double; pass one: replacing: [\"\(name)\": …]"
                )
            }
        }
        let service = try Service(dependencies: WorkerDependencies(worker: context, values: values))
        return Instance(service: service, doubles: doubles)
    }

    static func double(of provider: any DependencyProvider, named name: String, doubles: TestDoubles) -> (any Sendable)?
    {
        guard let provider = provider as? any TestDoubleProviding else { return nil }
        return self.open(provider, name, doubles)
    }

    private static func open<P: TestDoubleProviding>(
        _ provider: P,
        _ name: String,
        _ doubles: TestDoubles
    ) -> any Sendable {
        provider.makeTestDouble(named: name, doubles: doubles)
    }
}

/// Gives every worker the same test double, for a running service under test (Nameko's `replace_dependencies`).
public final class DoubleProvider<Base: TestDoubleProviding>: DependencyProvider {
    private let double: Base.Dependency

    /// A provider of `base`'s double, registered in `doubles` under `name`.
    public init(_ base: Base, named name: String, doubles: TestDoubles) {
        self.double = base.makeTestDouble(named: name, doubles: doubles)
    }

    public func dependency(for worker: WorkerContext) async throws -> Base.Dependency {
        self.double
    }
}

/// Gives every worker the same value, whatever its type.
public struct AnyValueProvider: DependencyProvider {
    let value: any Sendable

    /// A provider of `value`.
    public init(_ value: any Sendable) {
        self.value = value
    }

    public func dependency(for worker: WorkerContext) async throws -> any Sendable {
        self.value
    }
}
