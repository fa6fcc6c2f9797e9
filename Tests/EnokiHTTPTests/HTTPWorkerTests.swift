//===----------------------------------------------------------------------===//
// This source file is part of Enoki. Licensed under Apache License v2.0.
//===----------------------------------------------------------------------===//

import Enoki
import EnokiHTTP
import EnokiTesting
import Logging
import Synchronization
import Testing

/// What the dependency's hooks saw.
private final class Hooks: Sendable {
    let seen = Mutex<[String]>([])
    func add(_ event: String) { self.seen.withLock { $0.append(event) } }
}

private struct HookProvider: DependencyProvider {
    let hooks: Hooks
    func dependency(for worker: WorkerContext) async throws -> Hooks { self.hooks }
    func workerSetup(_ worker: WorkerContext) async { self.hooks.add("setup \(worker.methodName)") }
    func workerResult(_ worker: WorkerContext, result: Result<any Sendable, any Error>) async {
        switch result {
        case .success(let value): self.hooks.add("result \((value as? WebResponse)?.status ?? 0)")
        case .failure(let error): self.hooks.add("error \(error)")
        }
    }
}

@Service("worker_http_service")
private struct WorkerHttpService {
    nonisolated(unsafe) static var hooks = Hooks()
    @Dependency(HookProvider(hooks: WorkerHttpService.hooks)) var hooks: Hooks

    @HTTP("GET", "/get/<int:value>")
    func getMethod(_ request: WebRequest, value: Int) -> String {
        "value \(value), context \(WorkerContext.current?.data.count ?? -1)"
    }

    @HTTP("GET", "/fail")
    func fail() throws -> String {
        throw BadRequest("nope")
    }
}

/// HTTP workers share the container's path with every entrypoint: dependencies and hooks, observers, and the
/// testing toolkit's way of running a worker with an input of the entrypoint's own type, with no server.
@Suite struct HTTPWorkerTests {
    @Test func aWorkerRunsWithItsHooksAndWithoutAServer() async throws {
        let hooks = Hooks()
        WorkerHttpService.hooks = hooks
        let container = try ServiceContainer<WorkerHttpService>(
            config: [:],
            shared: SharedExtensions(),
            logger: Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() })
        )
        let records = Mutex<[WorkerRecord]>([])
        container.observeWorkers { record in records.withLock { $0.append(record) } }
        let response = try await container.runWorker(
            method: "get_method",
            HTTPEntrypoint.self,
            input: WebRequest(method: "GET", path: "/get/42", pathValues: ["value": 42])
        )
        #expect(response.status == 200)
        #expect(String(decoding: response.body, as: UTF8.self) == "value 42, context 0")
        await #expect(throws: BadRequest.self) {
            try await container.runWorker(
                method: "fail",
                HTTPEntrypoint.self,
                input: WebRequest(method: "GET", path: "/fail")
            )
        }
        // Python-style arguments do not make a request: the toolkit says so.
        await #expect(throws: EnokiError.self) { try await container.runWorker(method: "get_method", args: [42]) }
        try await Task.sleep(for: .milliseconds(50))
        #expect(hooks.seen.withLock { $0 } == ["setup get_method", "result 200", "setup fail", "error nope"])
        let observed = records.withLock { $0 }
        #expect(observed.count == 2)
        #expect((observed.first?.input as? WebRequest)?.path == "/get/42")
        #expect(observed.last?.failed == true)
    }
}

/// HTTP services in a `TestCluster`: on a free port of 127.0.0.1 unless the test says otherwise, and served.
@Suite(.timeLimit(.minutes(2))) struct HTTPTestClusterTests {
    @Test func aTestClusterServesHTTPOnLoopback() async throws {
        try await TestCluster.run(WorkerHttpService.self) { cluster in
            let server = try #require(cluster.runner.shared.existing(WebServer.self))
            #expect(server.configuration.host == "127.0.0.1")
            let port = try #require(server.port)
            #expect(port != 8000)
            let answer = try await RawHTTP.request(port: port, "GET", "/get/7")
            #expect(answer.status == 200)
            #expect(answer.text == "value 7, context 0")
        }
    }
}

@Service("needs_a_broker")
private struct NeedsABroker {
    @RPC func ping() -> String { "pong" }

    @HTTP("GET", "/ping")
    func httpPing() -> String { "pong" }
}

/// HTTP services in a `TestRunner`: served from this process with no broker at all.
@Suite(.timeLimit(.minutes(2))) struct HTTPTestRunnerTests {
    @Test func aTestRunnerServesHTTPWithNoBrokerAndWaitsForTheWorker() async throws {
        let hooks = Hooks()
        WorkerHttpService.hooks = hooks
        try await TestRunner.run(services: [.service(WorkerHttpService.self)]) { services in
            #expect(services.config["AMQP_URI"] == .string(TestRunner.noBrokerURL))
            let server = try #require(services.runner.shared.existing(WebServer.self))
            let port = try #require(server.port)
            let waiter = services.waiter(WorkerHttpService.self, "get_method")
            let answer = try await RawHTTP.request(port: port, "GET", "/get/7")
            #expect(answer.status == 200)
            #expect(answer.text == "value 7, context 0")
            _ = try await waiter.wait()
            #expect(hooks.seen.withLock { $0 } == ["setup get_method", "result 200"])
        }
    }

    @Test func aServiceThatNeedsABrokerFailsToStartSayingSo() async throws {
        await #expect {
            try await TestRunner.run(services: [.service(NeedsABroker.self)], startTimeout: .seconds(1)) { _ in }
        } throws: { error in
            "\(error)".contains("could not start without a broker") && "\(error)".contains("TestCluster")
        }
        // With the RPC method restricted away, the same service runs.
        try await TestRunner.run(services: [.service(NeedsABroker.self, restrictEntrypoints: ["http_ping"])]) {
            services in
            let port = try #require(services.runner.shared.existing(WebServer.self)?.port)
            let answer = try await RawHTTP.request(port: port, "GET", "/ping")
            #expect(answer.text == "pong")
        }
    }
}
