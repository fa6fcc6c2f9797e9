//===----------------------------------------------------------------------===//
// This source file is part of Enoki. Licensed under Apache License v2.0.
//===----------------------------------------------------------------------===//

public import Logging
import Synchronization

/// The observable lifecycle of any container, whatever its service type.
public protocol ServiceContainerProtocol: AnyObject, Sendable {
    /// The service's name.
    var serviceName: String { get }
    /// Sets up every extension, then starts them.
    func start() async throws
    /// Stops gracefully: entrypoints stop taking work, running workers finish (and reply, and ack), then the
    /// dependencies stop.
    func stop() async
    /// Stops at once: running workers are cancelled; their messages were not acknowledged and go back to their
    /// queues.
    func kill() async
}

/// Runs one service: its entrypoints, a worker for each piece of work they take (at most `max_workers` at a
/// time), and its dependency providers, with Nameko's container lifecycle.
///
/// Workers run on Swift's default executor, never on an event loop. A worker gets a new service instance with
/// its dependencies, runs the method with the worker's ``WorkerContext`` as ``WorkerContext/current``, hands the
/// result to its entrypoint (which replies and acknowledges), and then runs the dependencies' result and
/// teardown hooks.
public final class ServiceContainer<Service: ServiceDefinition>: ServiceContainerProtocol {
    /// A finished worker: its context, its arguments and its result.
    public struct WorkerRecord: Sendable {
        /// The worker's context.
        public var context: WorkerContext
        /// The arguments it ran with.
        public var arguments: BoundArguments
        /// Its result or error.
        public var result: Result<JSONValue, any Error>
    }

    /// Something to tell about each finished worker (the testing toolkit's entrypoint waiter).
    public typealias WorkerObserver = @Sendable (WorkerRecord) -> Void

    /// The container's context, shared with its extensions.
    public let context: ContainerContext
    private let declaration: ServiceDeclaration<Service>
    private let methods: [String: ServiceDeclaration<Service>.Method]
    private let pool: WorkerPool
    private let observers = Mutex<[UInt64: WorkerObserver]>([:])
    /// How many observers there are, so that a worker with none to tell takes no lock.
    private let observerCount = Atomic<Int>(0)
    private let observerCounter = Atomic<UInt64>(0)
    private let started = Atomic<Bool>(false)
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
    public init(
        declaration: ServiceDeclaration<Service>? = nil,
        config: EnokiConfig,
        shared: SharedExtensions,
        logger: Logger
    ) throws {
        let declaration = try declaration ?? ServiceDeclaration<Service>.make()
        self.declaration = declaration
        var logger = logger
        logger[metadataKey: "service"] = "\(Service.serviceName)"
        self.context = ContainerContext(
            serviceName: Service.serviceName,
            config: config,
            logger: logger,
            shared: shared
        )
        var methods: [String: ServiceDeclaration<Service>.Method] = [:]
        for entry in declaration.entrypoints {
            methods[entry.methodName] = entry.method
        }
        self.methods = methods
        let holder = JobRunnerHolder()
        self.pool = WorkerPool(limit: config.maxWorkers) { job in await holder.run?(job) }
        holder.run = { [unowned self] job in await self.execute(job) }
    }

    private final class JobRunnerHolder: @unchecked Sendable {
        // @unchecked: written once in the container's initialiser, before the pool can run any job.
        var run: (@Sendable (WorkerJob) async -> Void)?
    }

    /// The context an entrypoint of `methodName` gets.
    public func entrypointContext(for methodName: String) -> EntrypointContext {
        EntrypointContext(container: self.context, methodName: methodName, pool: self.pool)
    }

    public func start() async throws {
        guard !self.started.exchange(true, ordering: .relaxed) else { return }
        let logger = self.context.logger
        logger.debug("setting up container")
        try await withThrowingTaskGroup(of: Void.self) { group in
            for entry in self.declaration.entrypoints {
                let context = self.entrypointContext(for: entry.methodName)
                group.addTask { try await entry.entrypoint.setup(context) }
            }
            for provider in self.declaration.dependencies {
                let context = self.context
                group.addTask { try await provider.base.setup(context) }
            }
            try await group.waitForAll()
        }
        try await withThrowingTaskGroup(of: Void.self) { group in
            for provider in self.declaration.dependencies {
                group.addTask { try await provider.base.start() }
            }
            try await group.waitForAll()
        }
        try await withThrowingTaskGroup(of: Void.self) { group in
            for entry in self.declaration.entrypoints {
                let context = self.entrypointContext(for: entry.methodName)
                group.addTask { try await entry.entrypoint.start(context) }
            }
            try await group.waitForAll()
        }
        logger.debug("container started")
    }

    public func stop() async {
        let logger = self.context.logger
        logger.debug("stopping container")
        await withTaskGroup(of: Void.self) { group in
            for entry in self.declaration.entrypoints {
                group.addTask { await entry.entrypoint.stop() }
            }
        }
        let dropped = self.pool.stopAccepting()
        if dropped > 0 {
            logger.info("\(dropped) message(s) not started go back to their queues")
        }
        await self.pool.waitUntilIdle()
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
        let active = self.pool.activeCount
        logger.info("killing \(Service.serviceName): \(active) active worker(s)")
        self.pool.stopAccepting()
        self.pool.cancelAll()
        await withTaskGroup(of: Void.self) { group in
            for entry in self.declaration.entrypoints {
                group.addTask { await entry.entrypoint.kill() }
            }
            for provider in self.declaration.dependencies {
                group.addTask { await provider.base.kill() }
            }
        }
    }

    /// Runs the method of `methodName` in a worker as if its entrypoint had fired, and returns its result:
    /// the testing toolkit's entrypoint hook.
    ///
    /// - Throws: The worker's error, or ``EnokiError`` when the container takes no more work.
    public func runWorker(
        method methodName: String,
        arguments: BoundArguments,
        contextData: JSONObject = [:]
    ) async throws -> JSONValue {
        let context = self.entrypointContext(for: methodName)
        return try await withCheckedThrowingContinuation { continuation in
            let accepted = context.spawnWorker(arguments: arguments, contextData: contextData) { _, result in
                continuation.resume(with: result)
            }
            if !accepted {
                continuation.resume(
                    throwing: EnokiError(.containerStopped, "\(Service.serviceName) takes no more work")
                )
            }
        }
    }

    /// Runs a method in a worker as if its entrypoint had fired, binding Python-style arguments to its signature
    /// (Nameko's `entrypoint_hook`).
    ///
    /// - Throws: `IncorrectSignature` when the arguments do not fit, or the worker's error.
    public func runWorker(
        method methodName: String,
        args: [JSONValue] = [],
        kwargs: JSONObject = [:],
        contextData: JSONObject = [:]
    ) async throws -> JSONValue {
        let arguments: BoundArguments
        if let signature = self.declaration.signature(of: methodName) {
            arguments = try signature.bind(args: args, kwargs: kwargs)
        } else {
            let signature = Signature(methodName, args.indices.map { .init("arg\($0)") })
            arguments = BoundArguments(signature: signature, values: args)
        }
        return try await self.runWorker(method: methodName, arguments: arguments, contextData: contextData)
    }

    /// The methods that have entrypoints.
    public var methodNames: [String] { self.declaration.entrypointMethodNames }

    /// Adds an observer told about every finished worker; returns a token to remove it with.
    @discardableResult
    public func observeWorkers(_ observer: @escaping WorkerObserver) -> UInt64 {
        let id = self.observerCounter.wrappingAdd(1, ordering: .relaxed).newValue
        self.observers.withLock { observers in
            observers[id] = observer
            self.observerCount.store(observers.count, ordering: .releasing)
        }
        return id
    }

    /// Removes an observer.
    public func removeObserver(_ id: UInt64) {
        self.observers.withLock { observers in
            observers.removeValue(forKey: id)
            self.observerCount.store(observers.count, ordering: .releasing)
        }
    }

    private func execute(_ job: WorkerJob) async {
        let logger = self.context.logger
        if job.isStale() {
            logger.debug("work from a closed channel skipped", metadata: ["method": "\(job.methodName)"])
            return
        }
        let input: WorkerInput
        do {
            input = try job.read()
        } catch {
            // Refused before any worker: no dependency, hook or observer hears of it.
            await job.handleResult(self.worker(for: job, input: nil), .failure(error))
            return
        }
        let worker = self.worker(for: job, input: input)
        var resolved: [String: any Sendable] = [:]
        var result: Result<JSONValue, any Error>
        do {
            for provider in self.declaration.dependencies {
                resolved[provider.name] = try await provider.dependency(for: worker)
            }
            for provider in self.declaration.dependencies {
                await provider.base.workerSetup(worker)
            }
            guard let method = self.methods[job.methodName] else {
                throw RemoteError.methodNotFound(job.methodName)
            }
            let dependencies = WorkerDependencies(worker: worker, values: resolved)
            result = await WorkerContext.$current.withValue(worker) {
                do {
                    let service = try Service(dependencies: dependencies)
                    return .success(try await method(service, input.arguments))
                } catch {
                    return .failure(error)
                }
            }
        } catch {
            result = .failure(error)
        }
        if case .failure(let error) = result, !(error is CancellationError) {
            if error is RemoteError {
                logger.info("worker raised", metadata: ["worker": "\(worker.callID)", "error": "\(error)"])
            } else {
                logger.error("error handling worker", metadata: ["worker": "\(worker.callID)", "error": "\(error)"])
            }
        }
        await job.handleResult(worker, result)
        for provider in self.declaration.dependencies {
            await provider.base.workerResult(worker, result: result)
        }
        for provider in self.declaration.dependencies {
            await provider.base.workerTeardown(worker)
        }
        guard self.observerCount.load(ordering: .acquiring) > 0 else { return }
        let observers = self.observers.withLock { Array($0.values) }
        let record = WorkerRecord(context: worker, arguments: input.arguments, result: result)
        for observer in observers {
            observer(record)
        }
    }

    private func worker(for job: WorkerJob, input: WorkerInput?) -> WorkerContext {
        WorkerContext(
            serviceName: Service.serviceName,
            methodName: job.methodName,
            parentStack: input?.parentStack ?? [],
            data: input?.contextData ?? [:],
            parentCallsTracked: self.context.parentCallsTracked
        )
    }
}
