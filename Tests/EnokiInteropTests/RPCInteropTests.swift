//===----------------------------------------------------------------------===//
// This source file is part of Enoki. Licensed under Apache License v2.0.
//===----------------------------------------------------------------------===//

import Enoki
import EnokiAMQPClient
import EnokiTestSupport
import EnokiTesting
import Foundation
import Testing

/// The cross-language cases of nameko-wire §16 for RPC, with Python Nameko 2.14.1 as the peer. Each test runs in
/// a virtual host of its own.
@Suite(.serialized, .timeLimit(.minutes(3))) struct RPCInteropTests {
    /// Cases 1 and 2: Swift and Python instances of one service share its queue, whichever starts first.
    @Test(arguments: [true, false])
    func instancesShareTheQueueWithoutA406(swiftFirst: Bool) async throws {
        try await withPeers { peers, _, uri in
            var processes: [Subprocess] = []
            if swiftFirst {
                processes.append(try await peers.swift(uri: uri, names: ["shared_svc"]))
                processes.append(try await peers.python(uri: uri))
            } else {
                processes.append(try await peers.python(uri: uri))
                processes.append(try await peers.swift(uri: uri, names: ["shared_svc"]))
            }
            var answers: [String: Int] = [:]
            try await ClusterRPCClient.withClient(config: EnokiConfig(amqpURI: uri)) { rpc in
                for _ in 0..<20 {
                    let who: String = try await rpc.shared_svc.who()
                    answers[who, default: 0] += 1
                }
            }
            #expect(answers["swift", default: 0] > 0)
            #expect(answers["python", default: 0] > 0)
            for process in processes {
                #expect(!process.log.contains("PRECONDITION_FAILED"))
            }
        }
    }

    /// Case 5: the Swift client's reply queue is named, flagged and bound as a Python caller's.
    @Test func replyQueuesAreFlaggedAlike() async throws {
        try await withPeers { peers, vhost, uri in
            _ = try await peers.python(uri: uri)
            _ = try await PythonPeer.call(uri: uri, service: "py_echo", method: "nothing")
            try await ClusterRPCClient.withClient(config: EnokiConfig(amqpURI: uri)) { rpc in
                _ = try await rpc.py_echo.nothing()
                let rows = try await VirtualHosts().run([
                    "list_queues", "-p", vhost, "name", "durable", "auto_delete", "exclusive", "arguments",
                ])
                .split(separator: "\n").map { $0.split(separator: "\t").map(String.init) }
                let replyQueues = rows.filter { $0[0].hasPrefix("rpc.reply-standalone_rpc_proxy-") }
                #expect(replyQueues.count == 2)
                #expect(Set(replyQueues.map { Array($0.dropFirst()) }).count == 1)
                #expect(
                    replyQueues.first.map { Array($0.dropFirst()) } == [
                        "true", "false", "false", #"[{"x-expires",300000}]"#,
                    ]
                )
            }
        }
    }

    /// Cases 6, 9, 10, 11 and 13: a Swift client calling a Python service.
    @Test func swiftClientCallsPython() async throws {
        try await withPeers { peers, _, uri in
            _ = try await peers.python(uri: uri)
            try await ClusterRPCClient.withClient(config: EnokiConfig(amqpURI: uri)) { rpc in
                let echo = rpc.py_echo
                #expect(try await echo.echo("hellø") == ["hellø", "default"])
                #expect(try await echo.echo(a: 1, b: 2) == [1, 2])
                let nested: JSONValue = ["nested": [1, ["deep": true]]]
                #expect(try await echo.echo(nested, b: 1.0) == [nested, 1.0])
                let floats = try await echo.echo(1.0, b: 2)
                #expect(floats == [.double(1.0), .int(2)])
                let big = try await echo.call("echo", args: [.bigInteger("123456789012345678901234567890")])
                #expect(big == [.bigInteger("123456789012345678901234567890"), "default"])
                #expect(try await echo.nothing() == .null)

                let boom = await #expect(throws: RemoteError.self) { try await echo.fail() }
                #expect(boom?.excType == "Boom")
                #expect(boom?.excPath == "interop_services.Boom")
                #expect(boom?.excArgs == ["boom", "42", ["k": ["1", "None"]]])
                #expect(boom?.value == "('boom', 42, {'k': [1, None]})")

                let missing = await #expect(throws: RemoteError.self) { try await echo.nosuch() }
                #expect(missing?.isMethodNotFound == true)
                let signature = await #expect(throws: RemoteError.self) { try await echo.echo() }
                #expect(signature?.value == "echo() missing 1 required positional argument: 'a'")
                let unexpected = await #expect(throws: RemoteError.self) { try await echo.echo(1, c: 3) }
                #expect(unexpected?.value == "echo() got an unexpected keyword argument 'c'")

                let unknown = await #expect(throws: EnokiError.self) { try await rpc.ghost.anything() }
                #expect(unknown?.code == .unknownService)

                struct Types: Decodable {
                    var dt: Date
                    var date: Date
                    var dec: Decimal
                    var uuid: UUID
                    var text_bytes: Data
                    var binary: Data
                }
                let types: Types = try await echo.types()
                #expect(types.dt == Date(timeIntervalSince1970: 1_704_164_645))
                #expect(types.date == Date(timeIntervalSince1970: 1_704_153_600))
                #expect(types.dec == Decimal(string: "1.50"))
                #expect(types.uuid == UUID(uuidString: "7a577a88-374e-47df-b2a9-bf33c168ae3f"))
                #expect(types.text_bytes == Data("raw".utf8))
                #expect(types.binary == Data([0xFF, 0]))
            }
            // Case 10: a body without kwargs gets MalformedRequest from Python too.
            let connection = try await AMQPConnection.connect(configuration: .init(url: uri))
            let channel = try await connection.openChannel()
            let queue = try await channel.declareQueue("", exclusive: true)
            try await channel.bindQueue(queue.name, exchange: "nameko-rpc", routingKey: "raw-reply")
            var replies = try await channel.consume(queue: queue.name, noAck: true).makeAsyncIterator()
            try await channel.publish(
                Array(#"{"args": []}"#.utf8),
                exchange: "nameko-rpc",
                routingKey: "py_echo.echo",
                properties: .init(
                    contentType: "application/json",
                    contentEncoding: "utf-8",
                    correlationID: "c",
                    replyTo: "raw-reply"
                )
            )
            let reply = try #require(try await replies.next())
            guard case .failure(let malformed) = try RPCMessage.parseReply(reply.body) else {
                Issue.record("expected an error reply")
                return
            }
            #expect(malformed.isMalformedRequest)
            await connection.close()
        }
    }

    /// Cases 7, 8 and 20: the call-id stack and the context data go from a Swift client through Python to Swift
    /// and back, cut by each side's `parent_calls_tracked`.
    @Test func callStacksAndContextCrossLanguages() async throws {
        try await withPeers { peers, _, uri in
            _ = try await peers.python(uri: uri, config: ["parent_calls_tracked": "1"])
            _ = try await peers.swift(uri: uri, names: ["swift_echo"])
            let context: JSONObject = ["language": "en-gb", "user_id": 42, "auth_token": "tok"]
            try await ClusterRPCClient.withClient(config: EnokiConfig(amqpURI: uri), contextData: context) { rpc in
                let clientID = rpc.callIDStack[0]
                // Swift client → Python: the Python worker sees the context and its stack.
                let seen = try await rpc.py_echo.whoami()
                #expect(seen["language"] == "en-gb")
                // Python takes every header into its context data: the client's deadline too (its default timeout).
                let pythonData = seen["data"]?.objectValue ?? [:]
                #expect(pythonData["x-enoki-deadline"]?.intValue ?? 0 > 0)
                #expect(
                    JSONObject(pythonData.filter { $0.key != "x-enoki-deadline" }.map { ($0.key, $0.value) })
                        == ["language": "en-gb", "user_id": 42, "auth_token": "tok"]
                )
                let pythonStack = seen["stack"]?.arrayValue?.compactMap(\.stringValue) ?? []
                #expect(pythonStack.count == 2)
                #expect(pythonStack.first == clientID)
                #expect(pythonStack.last?.hasPrefix("py_echo.whoami.") == true)

                // Swift client → Python → Swift: Python keeps 1 + 1 entries; Swift (10 + 1) keeps all it got, and keeps the deadline Python passed on out of its data.
                let chain = try await rpc.py_echo.via_swift()
                let mine = chain["mine"]?.arrayValue?.compactMap(\.stringValue) ?? []
                #expect(mine.count == 2)
                #expect(mine.last?.hasPrefix("py_echo.via_swift.") == true)
                let swiftStack = chain["swift"]?["stack"]?.arrayValue?.compactMap(\.stringValue) ?? []
                #expect(swiftStack.count == 3)
                #expect(Array(swiftStack.prefix(2)) == mine)
                #expect(swiftStack.last?.hasPrefix("swift_echo.whoami.") == true)
                #expect(chain["swift"]?["data"] == ["language": "en-gb", "user_id": 42, "auth_token": "tok"])

                // Swift service → Python: Python cuts the stack to its last two entries.
                let fromSwift = try await rpc.swift_echo.call_python()
                let cut = fromSwift["stack"]?.arrayValue?.compactMap(\.stringValue) ?? []
                #expect(cut.count == 2)
                #expect(cut.first?.hasPrefix("swift_echo.call_python.") == true)
                // The Swift service's own call has a timeout: Python sees its deadline, not the client's.
                let fromSwiftData = fromSwift["data"]?.objectValue ?? [:]
                #expect(fromSwiftData["x-enoki-deadline"]?.intValue ?? 0 > 0)
                #expect(
                    JSONObject(fromSwiftData.filter { $0.key != "x-enoki-deadline" }.map { ($0.key, $0.value) })
                        == ["language": "en-gb", "user_id": 42, "auth_token": "tok"]
                )

                // Case 13 from inside a Swift service: Python's kombu envelopes decode into Swift types.
                let types = try await rpc.swift_echo.python_types()
                #expect(types["dt"] == "2024-01-02T03:04:05+00:00")
                #expect(types["dec"] == "1.5")
                #expect(types["uuid"] == "7A577A88-374E-47DF-B2A9-BF33C168AE3F")
                #expect(types["text_bytes"] == "raw")
                #expect(types["binary"] == "/wA=")
            }
        }
    }

    /// Case 14: the Python server is killed mid-call; once it is back, the Swift caller gets its reply.
    @Test func pythonServerKilledMidCall() async throws {
        try await withPeers { peers, _, uri in
            var python = try await peers.python(uri: uri)
            try await ClusterRPCClient.withClient(config: EnokiConfig(amqpURI: uri), defaultTimeout: .seconds(60)) {
                rpc in
                async let reply: Double = rpc.py_echo.slow(2.0)
                try await Task.sleep(for: .seconds(1))
                python.signal(SIGKILL)
                _ = try await python.waitForExit()
                python = try await peers.python(uri: uri)
                #expect(try await reply == 2.0)
            }
        }
    }

    /// Case 15: more calls at once than Python's max_workers: all complete.
    @Test func moreCallsThanPythonWorkers() async throws {
        try await withPeers { peers, _, uri in
            _ = try await peers.python(uri: uri, config: ["max_workers": "2"])
            try await ClusterRPCClient.withClient(config: EnokiConfig(amqpURI: uri)) { rpc in
                let started = ContinuousClock.now
                try await withThrowingTaskGroup(of: Double.self) { group in
                    for _ in 0..<8 {
                        group.addTask { try await rpc.py_echo.slow(0.3) }
                    }
                    var count = 0
                    for try await value in group {
                        #expect(value == 0.3)
                        count += 1
                    }
                    #expect(count == 8)
                }
                // Two at a time: at least four rounds of 0.3 s.
                #expect(ContinuousClock.now - started >= .milliseconds(1100))
            }
        }
    }
}
