//===----------------------------------------------------------------------===//
// This source file is part of Enoki. Licensed under Apache License v2.0.
//===----------------------------------------------------------------------===//

import Enoki
import Foundation
import Synchronization

/// A record tests read: what the services saw.
final class Recorder: Sendable {
    static let shared = Recorder()
    private let events = Mutex<[String: [String]]>([:])

    func record(_ key: String, _ event: String) {
        self.events.withLock { $0[key, default: []].append(event) }
    }

    func events(_ key: String) -> [String] {
        self.events.withLock { $0[key] ?? [] }
    }
}

struct OutOfStock: Error, RemoteErrorConvertible {
    var item: String
    var remoteError: RemoteError {
        RemoteError(
            excType: "OutOfStock",
            excPath: "shop.exceptions.OutOfStock",
            excArgs: [.string(self.item), 3],
            value: "no \(self.item) left"
        )
    }
}

struct Broken: Error, CustomStringConvertible {
    var description: String { "it broke" }
}

struct Unencodable: Encodable, Sendable, CustomStringConvertible {
    func encode(to encoder: any Encoder) throws {
        throw EncodingError.invalidValue(self, .init(codingPath: [], debugDescription: "never"))
    }
    var description: String { "<Unencodable>" }
}

struct Item: Codable, Sendable, Equatable {
    var name: String
    var quantity: Int
}

@Service("echo_test")
struct EchoService {
    @Dependency(WorkerContextProvider()) var worker: WorkerContext

    @RPC func echo(_ a: JSONValue, b: JSONValue = "default") -> [JSONValue] {
        [a, b]
    }

    @RPC func appendIdentifier(_ value: String, suffix: String = "y") -> String {
        "\(value)-\(suffix)"
    }

    @RPC func total(_ items: [Item]) -> Int {
        items.reduce(0) { $0 + $1.quantity }
    }

    @RPC func nothing() {}

    @RPC func fail(_ how: String) throws -> String {
        switch how {
        case "custom": throw OutOfStock(item: "socks")
        default: throw Broken()
        }
    }

    @RPC func unserializable() -> Unencodable {
        Unencodable()
    }

    @RPC func whoami() -> [String: JSONValue] {
        ["stack": .array(self.worker.callIDStack.map { .string($0) }), "data": .object(self.worker.data)]
    }

    /// A string of `size` bytes; each run is recorded.
    @RPC func big(_ size: Int) -> String {
        Recorder.shared.record("big", "run \(size)")
        return String(repeating: "x", count: max(0, min(size, 64 << 20)))
    }

    @RPC func slow(_ seconds: Double) async throws -> Double {
        Recorder.shared.record("slow", "start \(seconds)")
        try await Task.sleep(for: .milliseconds(Int(seconds * 1000)))
        Recorder.shared.record("slow", "end \(seconds)")
        return seconds
    }
}

@Service("relay_test")
struct RelayService {
    @RPCProxy(EchoService.self) var echo: EchoService.Client
    @RPCProxy("echo_test") var dynamicEcho: ServiceProxy

    @RPC func relayWhoami() async throws -> [String: JSONValue] {
        try await self.echo.whoami()
    }

    @RPC func relayDynamic(_ value: String) async throws -> String {
        try await self.dynamicEcho.append_identifier(value, suffix: "relayed")
    }

    @RPC func relayFailure() async throws -> String {
        try await self.echo.fail("custom")
    }

    @RPC func relaySlow(_ seconds: Double) async throws -> Double {
        try await self.dynamicEcho.slow(seconds)
    }
}

/// Counts concurrent workers.
final class Concurrency: Sendable {
    static let shared = Concurrency()
    private let state = Mutex<(current: Int, peak: Int)>((0, 0))

    func enter() {
        self.state.withLock {
            $0.current += 1
            $0.peak = max($0.peak, $0.current)
        }
    }
    func leave() { self.state.withLock { $0.current -= 1 } }
    var peak: Int { self.state.withLock { $0.peak } }
    func reset() { self.state.withLock { $0 = (0, 0) } }
}

@Service("limited_test")
struct LimitedService {
    @RPC func work() async throws -> Int {
        Concurrency.shared.enter()
        defer { Concurrency.shared.leave() }
        try await Task.sleep(for: .milliseconds(200))
        return Concurrency.shared.peak
    }
}

/// A provider that records its lifecycle.
final class RecordingProvider: DependencyProvider {
    let key: String
    init(key: String) { self.key = key }

    func setup(_ container: ContainerContext) async throws { Recorder.shared.record(self.key, "setup") }
    func start() async throws { Recorder.shared.record(self.key, "start") }
    func stop() async { Recorder.shared.record(self.key, "stop") }
    func dependency(for worker: WorkerContext) async throws -> String {
        Recorder.shared.record(self.key, "dependency \(worker.methodName)")
        return "injected"
    }
    func workerSetup(_ worker: WorkerContext) async { Recorder.shared.record(self.key, "worker_setup") }
    func workerResult(_ worker: WorkerContext, result: Result<any Sendable, any Error>) async {
        switch result {
        case .success(let value):
            Recorder.shared.record(self.key, "worker_result \((try? WorkerOutput.json(value)) ?? .null)")
        case .failure(let error): Recorder.shared.record(self.key, "worker_result error \(error)")
        }
    }
    func workerTeardown(_ worker: WorkerContext) async { Recorder.shared.record(self.key, "worker_teardown") }
}

@Service("lifecycle_test")
struct LifecycleService {
    @Dependency(RecordingProvider(key: "lifecycle")) var value: String

    @RPC func use() -> String {
        Recorder.shared.record("lifecycle", "method \(self.value)")
        return self.value
    }
}
