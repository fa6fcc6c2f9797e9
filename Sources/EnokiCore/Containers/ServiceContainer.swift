//===----------------------------------------------------------------------===//
// This source file is part of Enoki. Licensed under Apache License v2.0.
//===----------------------------------------------------------------------===//

public import Logging
import Synchronization

/// The observable lifecycle of any container, whatever its service type.
public protocol ServiceContainerProtocol: AnyObject, Sendable {
    /// The service's name.
    var serviceName: String { get }
    /// Sets up every entrypoint and dependency (entrypoints register with the runner's shared extensions). A
    /// runner sets up all its containers before it starts any, so that a shared extension (a web server) starts
    /// once with everything registered. Runs once; later calls wait for the first.
    func setUp() async throws
    /// Sets up (when not done yet), then starts the dependencies, then the entrypoints. Runs once.
    func start() async throws
    /// Stops gracefully: entrypoints stop taking work, running workers finish (and reply, and ack), then the
    /// dependencies stop.
    func stop() async
    /// Stops at once: running workers are cancelled; their messages were not acknowledged and go back to their
    /// queues.
    func kill() async
}

/// Runs one service: its entrypoints, a worker for each piece of work they take (at most `max_workers` at a
/// time), and its dependency providers, with Nameko's container lifecycle (nameko-wire §12).
///
/// Workers run on Swift's default executor, never on an event loop. A worker gets a new service instance with
/// its dependencies, runs the method with the worker's ``WorkerContext`` as ``WorkerContext/current``, gives its
/// result to its entrypoint (which replies, acknowledges, answers the request), and then the dependencies' result
/// and teardown hooks run. Every kind of entrypoint shares this path; each chooses the type of its workers' input
/// and output.
public final class ServiceContainer<Service: ServiceDefinition>: ServiceContainerProtocol {
    /// A finished worker: its context, its input and its result.
    public typealias WorkerRecord = EnokiCore.WorkerRecord

    /// Something to tell about each finished worker (the testing toolkit's entrypoint waiter).
    public typealias WorkerObserver = @Sendable (WorkerRecord) -> Void

    /// The container's context, shared with its extensions.
    public let context: ContainerContext
    private let declaration: ServiceDeclaration<Service>
    private let entrypoints: [BoundEntrypoint]
    private let runtime: WorkerRuntime
    private let setUpOnce = SharedOperation<Bool>()
    private let startOnce = SharedOperation<Bool>()
    private let killed = Atomic<Bool>(false)

    /// The service's name.
    public var serviceName: String { Service.serviceName }

    /// Creates a container.
    ///
    /// - Parameters:
    ///   - declaration: The service's declaration; by default what `Service.declare` says. Tests pass an altered one
    ///     (restricted entrypoints, replaced dependencies).
    ///   - config: The configuration.
    ///   - shared: The runner's shared extensions.
    ///   - logger: The logger.
    ///   - telemetry: Where the container's metrics and spans go; the bootstrapped factory and tracer by default.
    public init(
        declaration: ServiceDeclaration<Service>? = nil,
        config: EnokiConfig,
        shared: SharedExtensions,
        logger: Logger,
        telemetry: Telemetry = Telemetry()
    ) throws {
        let declaration = try declaration ?? ServiceDeclaration<Service>.make()
        self.declaration = declaration
        var logger = logger
        logger[metadataKey: "service"] = "\(Service.serviceName)"
        let context = ContainerContext(
            serviceName: Service.serviceName,
            config: config,
            logger: logger,
            shared: shared,
            description: declaration.description,
            telemetry: telemetry
        )
        self.context = context
        let runtime = WorkerRuntime(context: context, dependencies: declaration.dependencies)
        self.runtime = runtime
        self.entrypoints = declaration.entrypoints.map { $0.bind(context, runtime) }
    }

    public func setUp() async throws {
        _ = try await self.setUpOnce.value {
            self.context.logger.debug("setting up container")
            try await withThrowingTaskGroup(of: Void.self) { group in
                for entrypoint in self.entrypoints {
                    group.addTask { try await entrypoint.setup() }
                }
                for provider in self.declaration.dependencies {
                    let context = self.context
                    group.addTask { try await provider.base.setup(context) }
                }
                try await group.waitForAll()
            }
            return true
        }
    }

    public func start() async throws {
        try await self.setUp()
        _ = try await self.startOnce.value {
            try await withThrowingTaskGroup(of: Void.self) { group in
                for provider in self.declaration.dependencies {
                    group.addTask { try await provider.base.start() }
                }
                try await group.waitForAll()
            }
            try await withThrowingTaskGroup(of: Void.self) { group in
                for entrypoint in self.entrypoints {
                    group.addTask { try await entrypoint.start() }
                }
                try await group.waitForAll()
            }
            self.context.logger.debug("container started")
            return true
        }
    }

    public func stop() async {
        let logger = self.context.logger
        logger.debug("stopping container")
        await withTaskGroup(of: Void.self) { group in
            for entrypoint in self.entrypoints {
                group.addTask { await entrypoint.stop() }
            }
        }
        let dropped = self.runtime.pool.stopAccepting()
        if dropped > 0 {
            logger.info("\(dropped) message(s) not started go back to their queues")
        }
        await self.runtime.pool.waitUntilIdle()
        guard !self.killed.load(ordering: .acquiring) else {
            // Killed while stopping: the kill has stopped the dependencies.
            return
        }
        await withTaskGroup(of: Void.self) { group in
            for provider in self.declaration.dependencies {
                group.addTask { await provider.base.stop() }
            }
        }
        logger.debug("container stopped")
    }

    public func kill() async {
        guard !self.killed.exchange(true, ordering: .acquiringAndReleasing) else { return }
        let logger = self.context.logger
        let pool = self.runtime.pool
        logger.info("killing \(Service.serviceName): \(pool.activeCount) active worker(s)")
        pool.stopAccepting()
        pool.cancelAll()
        await withTaskGroup(of: Void.self) { group in
            for entrypoint in self.entrypoints {
                group.addTask { await entrypoint.kill() }
            }
            for provider in self.declaration.dependencies {
                group.addTask { await provider.base.kill() }
            }
        }
    }

    /// Runs a method in a worker as if its entrypoint had fired, giving it Python-style arguments (Nameko's
    /// `entrypoint_hook`), and returns what it gave back as JSON (``WorkerOutput/json(_:)``).
    ///
    /// An RPC method binds the arguments to its signature; an event handler or a consumer takes the first as its
    /// payload; a timer takes none.
    ///
    /// - Throws: `IncorrectSignature` when the arguments do not fit; the worker's error; ``EnokiError`` when the
    ///   method has no entrypoint, when its entrypoint takes no Python-style arguments (use
    ///   ``runWorker(method:_:input:contextData:)``), or when the container takes no more work.
    public func runWorker(
        method methodName: String,
        args: [JSONValue] = [],
        kwargs: JSONObject = [:],
        contextData: JSONObject = [:]
    ) async throws -> JSONValue {
        var refusal: (any Error)?
        for entrypoint in self.entrypoints where entrypoint.methodName == methodName {
            let run: @Sendable (JSONObject) async throws -> any Sendable
            do {
                run = try entrypoint.prepare(args, kwargs)
            } catch let error as EnokiError where error.code == .serviceDefinition {
                refusal = error
                continue
            }
            return try WorkerOutput.json(try await run(contextData))
        }
        throw refusal ?? EnokiError(.serviceDefinition, "\(Service.serviceName) has no entrypoint \(methodName)")
    }

    /// Runs a method in a worker of the entrypoint of type `type`, with an input of the entrypoint's own type (an
    /// HTTP request), and returns what it gave back.
    ///
    /// - Throws: The worker's error; ``EnokiError`` when the method has no entrypoint of that type or the container
    ///   takes no more work.
    public func runWorker<E: Entrypoint>(
        method methodName: String,
        _ type: E.Type,
        input: E.Input,
        contextData: JSONObject = [:]
    ) async throws -> E.Output {
        guard let context = self.entrypointContext(for: methodName, type) else {
            throw EnokiError(.serviceDefinition, "\(Service.serviceName) has no \(E.self) for \(methodName)")
        }
        return try await context.run(input, contextData: contextData)
    }

    /// The context of the entrypoint of type `type` of a method, as the container gave it to the entrypoint.
    public func entrypointContext<E: Entrypoint>(for methodName: String, _ type: E.Type) -> EntrypointContext<E>? {
        for entrypoint in self.entrypoints where entrypoint.methodName == methodName {
            if let context = entrypoint.context as? EntrypointContext<E> {
                return context
            }
        }
        return nil
    }

    /// The methods that have entrypoints.
    public var methodNames: [String] { self.declaration.entrypointMethodNames }

    /// Adds an observer told about every finished worker; returns a token to remove it with.
    @discardableResult
    public func observeWorkers(_ observer: @escaping WorkerObserver) -> UInt64 {
        self.runtime.observe(observer)
    }

    /// Removes an observer.
    public func removeObserver(_ id: UInt64) {
        self.runtime.removeObserver(id)
    }
}
