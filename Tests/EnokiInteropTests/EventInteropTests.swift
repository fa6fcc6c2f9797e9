//===----------------------------------------------------------------------===//
// This source file is part of Enoki. Licensed under Apache License v2.0.
//===----------------------------------------------------------------------===//

import Enoki
import EnokiTestSupport
import EnokiTesting
import Foundation
import Testing

/// The cross-language cases of nameko-wire §16 for events and messaging (3, 24–29), and RabbitMQ's RPC pattern
/// against pika, with Python Nameko 2.14.1 as the peer.
@Suite(.serialized, .timeLimit(.minutes(3))) struct EventInteropTests {
    /// Asks `service.received()` until it lists `count` entries, and returns them.
    func received(_ service: String, count: Int, uri: String) async throws -> [JSONValue] {
        try await ClusterRPCClient.withClient(config: EnokiConfig(amqpURI: uri)) { rpc in
            let deadline = ContinuousClock.now + .seconds(30)
            while true {
                let entries: [JSONValue] = try await rpc.service(service).received()
                if entries.count >= count || ContinuousClock.now > deadline { return entries }
                try await Task.sleep(for: .milliseconds(100))
            }
        }
    }

    func entries(_ all: [JSONValue], handler: String) -> [JSONValue] {
        all.filter { $0["handler"]?.stringValue == handler }
    }

    func stack(_ entry: JSONValue?) -> [String] {
        entry?["stack"]?.arrayValue?.compactMap(\.stringValue) ?? []
    }

    /// Cases 24 and 28: a Swift dispatcher reaches Python handlers of every type, with payloads of every JSON
    /// kind, and the Python workers continue the Swift stack and context.
    @Test func swiftDispatchReachesPythonHandlersOfEveryType() async throws {
        try await withPeers { peers, _, uri in
            _ = try await peers.python(uri: uri, module: "interop_events")
            _ = try await peers.swift(uri: uri, names: ["sw_source"])
            try await waitUntilServing(uri, ["sw_source", "py_handlers"])
            let payloads: [JSONValue] = [["k": [1, 2.5, nil]], [1, "two"], "hellø", 42, 1.5, nil]
            try await ClusterRPCClient.withClient(config: EnokiConfig(amqpURI: uri), contextData: ["language": "fr"]) {
                rpc in
                for payload in payloads {
                    try await rpc.sw_source.emit("thing", payload)
                }
            }
            let all = try await self.received("py_handlers", count: payloads.count * 4, uri: uri)
            for handler in ["pool", "singleton", "broadcast", "unreliable"] {
                let got = self.entries(all, handler: handler)
                #expect(got.map { $0["payload"] ?? "missing" } == payloads, "\(handler)")
                let stack = self.stack(got.first)
                #expect(stack.count == 3, "\(handler): \(stack)")
                #expect(stack.dropFirst().first?.hasPrefix("sw_source.emit.") == true)
                #expect(stack.last?.hasPrefix("py_handlers.on_\(handler).") == true)
                #expect(got.first?["data"]?["language"] == "fr")
            }
        }
    }

    /// Case 25: Python dispatchers (a service's and the standalone one) reach Swift handlers of every type;
    /// the standalone dispatcher sends no headers, so the Swift worker's stack starts with itself.
    @Test func pythonDispatchReachesSwiftHandlersOfEveryType() async throws {
        try await withPeers { peers, _, uri in
            _ = try await peers.python(uri: uri, module: "interop_events")
            _ = try await peers.swift(uri: uri, names: ["sw_handlers"])
            try await waitUntilServing(uri, ["sw_handlers", "py_source"])
            let result = try await PythonPeer.call(
                uri: uri,
                service: "py_source",
                method: "emit",
                args: ["thing", ["from": "service"]],
                context: ["language": "de"]
            )
            #expect(result.pythonResult == .null)
            let output = try await PythonPeer.run([
                "interop_dispatch.py", uri, "py_source", "thing", #"{"from": "standalone"}"#,
            ])
            #expect(output.contains("dispatched"))
            let all = try await self.received("sw_handlers", count: 8, uri: uri)
            for handler in ["pool", "singleton", "broadcast", "unreliable"] {
                let got = self.entries(all, handler: handler)
                #expect(got.map { $0["payload"]?["from"] ?? "missing" } == ["service", "standalone"], "\(handler)")
                let fromService = self.stack(got.first)
                #expect(fromService.count == 3, "\(handler): \(fromService)")
                #expect(fromService.dropFirst().first?.hasPrefix("py_source.emit.") == true)
                #expect(got.first?["data"]?["language"] == "de")
                let standalone = self.stack(got.last)
                #expect(standalone.count == 1)
                #expect(standalone.first?.hasPrefix("sw_handlers.on_\(handler).") == true)
                #expect(got.last?["data"] == [:])
            }
        }
    }

    /// Case 3: a Swift and a Python instance of the same service with handlers of every type declare the same
    /// queues with the same flags, and share all but the broadcast ones.
    @Test func handlerQueuesAreTheSameInBothLanguages() async throws {
        try await withPeers { peers, vhost, uri in
            let listQueues = { () async throws -> [[String]] in
                try await VirtualHosts().run([
                    "list_queues", "-p", vhost, "name", "durable", "auto_delete", "exclusive", "arguments",
                ])
                .split(separator: "\n").map { $0.split(separator: "\t").map(String.init) }
                .filter { $0.first?.hasPrefix("evt-") == true }
            }
            let python = try await peers.python(uri: uri, module: "interop_events")
            let pythonOnly = try await listQueues()
            let swift = try await peers.swift(uri: uri, names: ["py_handlers"])
            let both = try await listQueues()
            #expect(!python.log.contains("PRECONDITION_FAILED"))
            #expect(!swift.log.contains("PRECONDITION_FAILED"))
            func flags(_ rows: [[String]], _ prefix: String) -> [[String]] {
                rows.filter { $0[0].hasPrefix(prefix) }.map { Array($0.dropFirst()) }
            }
            let shared = [
                "evt-sw_source-thing--py_handlers.on_pool", "evt-sw_source-thing--py_handlers.on_unreliable",
            ]
            for name in shared + ["evt-sw_source-thing"] {
                #expect(both.filter { $0[0] == name }.count == 1, "\(name)")
                #expect(both.first { $0[0] == name } == pythonOnly.first { $0[0] == name }, "\(name)")
            }
            let broadcast = flags(both, "evt-sw_source-thing--py_handlers.on_broadcast-")
            #expect(broadcast.count == 2)
            #expect(Set(broadcast).count == 1)
        }
    }

    /// Case 26: stop the Swift handlers, dispatch from Python, restart them: the reliable queues delivered the
    /// event; the broadcast and unreliable ones had gone with their consumer.
    @Test func reliableDeliveryAcrossARestart() async throws {
        try await withPeers { peers, _, uri in
            _ = try await peers.python(uri: uri, module: "interop_events")
            let first = try await peers.swift(uri: uri, names: ["sw_handlers"])
            await first.stop()
            _ = try await PythonPeer.call(
                uri: uri,
                service: "py_source",
                method: "emit",
                args: ["thing", "while down"]
            )
            _ = try await peers.swift(uri: uri, names: ["sw_handlers"])
            let all = try await self.received("sw_handlers", count: 2, uri: uri)
            #expect(Set(all.compactMap { $0["handler"]?.stringValue }) == ["pool", "singleton"])
            #expect(all.allSatisfy { $0["payload"] == "while down" })
        }
    }

    /// Case 29: a Python publisher reaches a Swift consumer and a Swift publisher a Python consumer; the body, the
    /// extra headers and the context pass through.
    @Test func publishersAndConsumersBothWays() async throws {
        try await withPeers { peers, _, uri in
            _ = try await peers.python(uri: uri, module: "interop_events")
            _ = try await peers.swift(uri: uri, names: ["sw_source", "sw_handlers"])
            try await waitUntilServing(uri, ["sw_source", "sw_handlers"])
            try await ClusterRPCClient.withClient(config: EnokiConfig(amqpURI: uri), contextData: ["user_id": 5]) {
                rpc in
                try await rpc.sw_source.send("to.python", ["n": 1], headers: ["nameko.custom": "from swift"])
                _ = try await rpc.py_source.send("to.swift", ["n": 2], ["nameko.custom": "from python"])
            }
            let python = self.entries(try await self.received("py_handlers", count: 1, uri: uri), handler: "consume")
            #expect(python.first?["payload"] == ["n": 1])
            #expect(python.first?["data"]?["custom"] == "from swift")
            #expect(python.first?["data"]?["user_id"] == 5)
            #expect(self.stack(python.first).dropFirst().first?.hasPrefix("sw_source.send.") == true)
            let swift = self.entries(try await self.received("sw_handlers", count: 1, uri: uri), handler: "consume")
            #expect(swift.first?["payload"] == ["n": 2])
            #expect(swift.first?["data"]?["custom"] == "from python")
            #expect(swift.first?["data"]?["user_id"] == 5)
            #expect(self.stack(swift.first).dropFirst().first?.hasPrefix("py_source.send.") == true)
        }
    }

    /// The seed's RPC pattern: pika's client against the Swift `rpc_queue` server of the examples, and the Swift
    /// client against pika's server.
    @Test func rabbitMQRPCPatternWithPika() async throws {
        try await withPeers { peers, _, uri in
            let examples = try Subprocess(
                name: "enoki-examples",
                executable: Paths.bin.appendingPathComponent("enoki-examples").path,
                arguments: ["run", "rpc_server", "--broker", uri]
            )
            try await examples.waitFor("services started")
            let reply = try await PythonPeer.run(["rpc_pika.py", "client", uri, "Hello RPC!"])
            #expect(
                reply.trimmingCharacters(in: .whitespacesAndNewlines) == "Got a message from the client: Hello RPC!"
            )
            try await examples.waitFor(" [.] Message: Hello RPC!")
            await examples.stop()

            try Paths.checkPython()
            let server = try Subprocess(
                name: "pika-server",
                executable: Paths.python,
                arguments: [Paths.pythonScripts.appendingPathComponent("rpc_pika.py").path, "server", uri]
            )
            defer { Task { await server.stop() } }
            try await server.waitFor("Awaiting RPC requests")
            let client = try QueueRPCClient(config: EnokiConfig(amqpURI: uri))
            #expect(try await client.call("rpc_queue", "from Swift") == "Got a message from the client: from Swift")
            await client.close()
            await server.stop()
            _ = peers
        }
    }
}

/// Waits until each service answers RPC (its queue is consumed): a call to a method nobody has gets
/// `MethodNotFound` rather than `UnknownService`.
func waitUntilServing(_ uri: String, _ services: [String]) async throws {
    try await ClusterRPCClient.withClient(config: EnokiConfig(amqpURI: uri), defaultTimeout: .seconds(10)) { rpc in
        for service in services {
            let deadline = ContinuousClock.now + .seconds(30)
            while true {
                do {
                    _ = try await rpc.service(service).call("__no_such_method__")
                    break
                } catch let error as RemoteError where error.isMethodNotFound {
                    break
                } catch let error as EnokiError where error.code == .unknownService && ContinuousClock.now < deadline {
                    try await Task.sleep(for: .milliseconds(100))
                }
            }
        }
    }
}
