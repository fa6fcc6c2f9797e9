//===----------------------------------------------------------------------===//
// This source file is part of Enoki. Licensed under Apache License v2.0.
//===----------------------------------------------------------------------===//

// The services the robustness tests run as a process of their own (hostile deliveries, deadlines, stops): a
// delivery that made a process trap must fail a test, not end the test runner.
//
//     EnokiRobustnessServices run [SERVICE ...] --config FILE     the services
//     EnokiRobustnessServices client-loop --config FILE           a ClusterRPCClient and a QueueRPCClient that call
//                                                                  every 100 ms and print each answer

import Enoki
import FoundationEssentials
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// How many times each handler ran, and each `work` key started, in this process.
let runCounts = Mutex<[String: Int]>([:])

func count(_ key: String) -> Int {
    runCounts.withLock { runs in
        runs[key, default: 0] += 1
        return runs[key]!
    }
}

/// A record with fields of every kind a typed parameter may have.
struct Record: Codable, Sendable {
    var number: Int
    var real: Double
    var decimal: Decimal?
    var date: Date?
    var tags: [String: Int]?
}

/// The service hostile deliveries are aimed at: typed and untyped RPC methods, event handlers of each type, a
/// consumer, a consumer that answers (RabbitMQ's RPC pattern), and a proxy with a reply queue of its own.
@Service("hostile_target")
struct HostileTarget {
    @RPCProxy("hostile_peer") var peer: ServiceProxy
    @Dependency(WorkerContextProvider()) var worker: WorkerContext

    @RPC func echo(_ value: JSONValue) -> JSONValue {
        _ = count("echo")
        return value
    }

    /// The context data and call-id stack the request came with.
    @RPC func whoami() -> JSONValue {
        ["data": .object(self.worker.data), "stack": .array(self.worker.callIDStack.map { .string($0) })]
    }

    @RPC func number(_ value: Int) -> Int { value }
    @RPC func real(_ value: Double) -> Double { value }
    @RPC func decimal(_ value: Decimal) -> Decimal { value }
    @RPC func date(_ value: Date) -> Date { value }
    @RPC func record(_ value: Record) -> Record { value }
    @RPC func records(_ values: [String: Record]) -> Int { values.count }

    /// A string of `size` bytes, for replies larger than the broker takes.
    @RPC func big(_ size: Int) -> String {
        _ = count("big")
        return String(repeating: "x", count: max(0, min(size, 64 << 20)))
    }

    /// Sleeps (cancellably) and counts the runs of each key.
    @RPC func work(_ key: String, _ seconds: Double) async throws -> Int {
        let run = count("work:" + key)
        try await Task.sleep(for: .milliseconds(Int64(max(0, min(seconds, 600)) * 1000)))
        return run
    }

    /// Blocks its thread, deaf to cancellation: a worker that cannot be stopped.
    @RPC func stuck(_ seconds: Double) -> Double {
        _ = count("stuck")
        usleep(useconds_t(max(0, min(seconds, 600)) * 1_000_000))
        return seconds
    }

    /// Calls `hostile_peer.linger`, with the proxy's timeout (`RPC_TIMEOUT`).
    @RPC func askPeer(_ seconds: Double) async throws -> Double {
        try await self.peer.linger(seconds)
    }

    @RPC func runs(_ key: String) -> Int {
        runCounts.withLock { $0[key, default: 0] }
    }

    @EventHandler("hostile_source", "ping")
    func onPool(_ payload: JSONValue) { _ = count("pool") }

    @EventHandler("hostile_source", "ping", handlerType: .singleton)
    func onSingleton(_ payload: JSONValue) { _ = count("singleton") }

    @EventHandler("hostile_source", "ping", handlerType: .broadcast, reliableDelivery: false)
    func onBroadcast(_ payload: JSONValue) { _ = count("broadcast") }

    @Consume(QueueSpec("hostile_inbox"))
    func onInbox(_ body: JSONValue) { _ = count("inbox") }

    @Consume(QueueSpec("hostile_rpc_queue", durable: false))
    func onRequest(_ body: String) -> String { "answer: " + body }
}

@Service("hostile_peer")
struct HostilePeer {
    @RPC func linger(_ seconds: Double) async throws -> Double {
        try await Task.sleep(for: .milliseconds(Int64(max(0, min(seconds, 600)) * 1000)))
        return seconds
    }
}

/// Another service of the same process: it must go on serving whatever the others get.
@Service("hostile_bystander")
struct Bystander {
    @RPC func ping() -> String { "pong" }
}

/// Writes a line to standard output at once (it is a file the test reads).
func say(_ line: String) {
    let bytes = Array((line + "\n").utf8)
    _ = bytes.withUnsafeBytes { write(1, $0.baseAddress, $0.count) }
}

/// Calls through a `ClusterRPCClient` and a `QueueRPCClient` every 100 ms, printing `client ok N` after each pair
/// of answers, so that a test can aim hostile messages at their reply queues and see them carry on.
func clientLoop(config: EnokiConfig) async throws {
    let rpc = try ClusterRPCClient(config: config, defaultTimeout: .seconds(10))
    let queue = try QueueRPCClient(config: config, defaultTimeout: .seconds(10))
    var answered = 0
    while true {
        do {
            let pong: String = try await rpc.hostile_bystander.ping()
            let answer = try await queue.call("hostile_rpc_queue", "hi")
            guard pong == "pong", answer == "answer: hi" else {
                say("client wrong answer: \(pong) \(answer)")
                continue
            }
            answered += 1
            say("client ok \(answered)")
        } catch {
            say("client error: \(error)")
        }
        try await Task.sleep(for: .milliseconds(100))
    }
}

let arguments = CommandLine.arguments
if arguments.count >= 4, arguments[1] == "client-loop", arguments[2] == "--config" {
    try await clientLoop(config: try ConfigLoader.load(path: arguments[3]))
} else {
    await ServiceCommandLine.main(services: [HostileTarget.self, HostilePeer.self, Bystander.self])
}
