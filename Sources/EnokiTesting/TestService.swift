//===----------------------------------------------------------------------===//
// This source file is part of Enoki. Licensed under Apache License v2.0.
//===----------------------------------------------------------------------===//

public import EnokiCore
import Logging

/// A service as a ``TestCluster`` runs it, with entrypoints restricted and dependencies replaced
/// (Nameko's `restrict_entrypoints` and `replace_dependencies`).
///
/// ```swift
/// try await TestCluster.run(
///     services: [.service(ServiceX.self, restrictEntrypoints: ["remote_method"], replacing: ["y": .double])]
/// ) { cluster in
///     cluster.doubles(ServiceX.self).rpc("y").reply("append_identifier", value: "faked")
///     …
/// }
/// ```
public struct TestService: Sendable {
    /// What takes a dependency's place.
    public enum Replacement: Sendable {
        /// The provider's own double (an RPC proxy records calls and answers what the test says).
        case double
        /// A value every worker gets.
        case value(any Sendable)
        /// Another provider.
        case provider(any DependencyProvider)
    }

    let serviceName: String
    /// Makes the container; `withBroker` is false in a ``TestRunner``, which drops the broker-facing discovery call.
    let make:
        @Sendable (
            _ config: EnokiConfig,
            _ shared: SharedExtensions,
            _ logger: Logger,
            _ telemetry: Telemetry,
            _ withBroker: Bool
        ) throws -> (any ServiceContainerProtocol, TestDoubles)

    /// A service with its own declaration, or with entrypoints restricted to `restrictEntrypoints` and the named
    /// dependencies replaced.
    public static func service<S: ServiceDefinition>(
        _ type: S.Type,
        restrictEntrypoints: Set<String>? = nil,
        replacing: [String: Replacement] = [:]
    ) -> TestService {
        TestService(serviceName: S.serviceName) { config, shared, logger, telemetry, withBroker in
            var declaration = try ServiceDeclaration<S>.make()
            if !withBroker {
                declaration.removeEntrypoints(method: ServiceDescription.discoveryMethod)
            }
            if let restrictEntrypoints {
                declaration.restrictEntrypoints(to: restrictEntrypoints)
            }
            let doubles = TestDoubles(context: WorkerContext(serviceName: S.serviceName, methodName: "test"))
            let providers = Dictionary(declaration.dependencyProviders.map { ($0.name, $0.provider) }) { first, _ in
                first
            }
            for (name, replacement) in replacing {
                guard let original = providers[name] else {
                    throw EnokiError(.dependency, "\(S.self) declares no dependency named '\(name)'")
                }
                switch replacement {
                case .value(let value):
                    declaration.replaceDependency(name, with: AnyValueProvider(value))
                case .provider(let provider):
                    declaration.replaceDependency(name, with: provider)
                case .double:
                    guard let doubling = original as? any TestDoubleProviding else {
                        throw EnokiError(
                            .dependency,
                            "dependency '\(name)' of \(S.self) (\(Swift.type(of: original))) has no test double"
                        )
                    }
                    declaration.replaceDependency(
                        name,
                        with: Self.doubleProvider(doubling, name: name, doubles: doubles)
                    )
                }
            }
            let container = try ServiceContainer<S>(
                declaration: declaration,
                config: config,
                shared: shared,
                logger: logger,
                telemetry: telemetry
            )
            return (container, doubles)
        }
    }

    private static func doubleProvider<P: TestDoubleProviding>(
        _ provider: P,
        name: String,
        doubles: TestDoubles
    )
        -> any DependencyProvider
    {
        DoubleProvider(provider, named: name, doubles: doubles)
    }
}
