//===----------------------------------------------------------------------===//
// This source file is part of Enoki. Licensed under Apache License v2.0.
//===----------------------------------------------------------------------===//

public import EnokiCore
import Logging

/// Services a test runs, with or without a broker (``TestCluster``, ``TestRunner``): their containers, the doubles
/// of their replaced dependencies, and hooks and waiters on their entrypoints.
public protocol RunningServices: Sendable {
    /// The runner of the services.
    var runner: ServiceRunner { get }
    /// The doubles of each service's replaced dependencies, by service name.
    var doublesByService: [String: TestDoubles] { get }
}

extension RunningServices {
    /// The running container of a service, for hooks and waiters.
    ///
    /// - Precondition: The test runs the service.
    public func container<S: ServiceDefinition>(_ type: S.Type) -> ServiceContainer<S> {
        guard let container = self.runner.containers.lazy.compactMap({ $0 as? ServiceContainer<S> }).first else {
            preconditionFailure("the test does not run \(S.self)")
        }
        return container
    }

    /// The doubles of a service's replaced dependencies.
    public func doubles<S: ServiceDefinition>(_ type: S.Type) -> TestDoubles {
        guard let doubles = self.doublesByService[S.serviceName] else {
            preconditionFailure("the test does not run \(S.self)")
        }
        return doubles
    }

    /// A hook that calls `method` of a running service as if a message had arrived.
    public func hook<S: ServiceDefinition>(
        _ type: S.Type,
        _ method: String,
        contextData: JSONObject = [:]
    ) -> EntrypointHook<S> {
        EntrypointHook(self.container(type), method, contextData: contextData)
    }

    /// A waiter for the next worker of `method` of a running service.
    public func waiter<S: ServiceDefinition>(_ type: S.Type, _ method: String) -> EntrypointWaiter<S> {
        EntrypointWaiter(self.container(type), method)
    }
}

extension TestService {
    /// The runner of `services`, with their doubles, sharing one set of extensions (and the test's clock).
    static func makeRunner(
        _ services: [TestService],
        config: EnokiConfig,
        clock: (any Clock<Duration>)?,
        logger: Logger,
        telemetry: Telemetry,
        withBroker: Bool
    ) throws -> (ServiceRunner, [String: TestDoubles]) {
        let shared = SharedExtensions()
        if let clock {
            TimerClock.install(clock, in: shared)
        }
        var containers: [any ServiceContainerProtocol] = []
        var doubles: [String: TestDoubles] = [:]
        for service in services {
            let (container, serviceDoubles) = try service.make(config, shared, logger, telemetry, withBroker)
            containers.append(container)
            doubles[service.serviceName] = serviceDoubles
        }
        return (ServiceRunner(containers: containers, shared: shared, config: config, logger: logger), doubles)
    }
}
