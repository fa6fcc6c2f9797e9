//===----------------------------------------------------------------------===//
// This source file is part of Enoki. Licensed under Apache License v2.0.
//===----------------------------------------------------------------------===//

import Enoki
import EnokiAMQPClient
import EnokiTestSupport
import EnokiTesting
import Foundation
import NIOCore
import Testing

/// Python callers calling Swift services (nameko-wire §16, cases 16 to 19, 22 and 23).
@Suite(.serialized, .timeLimit(.minutes(3))) struct PythonCallsSwiftTests {
    /// Cases 16, 18 and 19: ClusterRpcProxy and `call_async` against Swift; Swift's errors rebuild as Python's.
    @Test func clusterRpcProxyCallsSwift() async throws {
        try await withPeers { peers, _, uri in
            _ = try await peers.swift(uri: uri)
            let results = try await PythonPeer.call(
                uri: uri,
                [
                    ["service": "swift_echo", "method": "echo", "args": ["hellø"]],
                    ["service": "swift_echo", "method": "echo", "args": [1], "kwargs": ["b": 2.5]],
                    ["service": "swift_echo", "method": "echo", "args": [["a", ["b": nil]]]],
                    ["service": "swift_echo", "method": "echo", "args": [["x"], ["y"]], "async": true],
                    ["service": "swift_echo", "method": "nosuch"],
                    ["service": "swift_echo", "method": "echo"],
                    ["service": "swift_echo", "method": "echo", "args": [1], "kwargs": ["c": 3]],
                    ["service": "swift_echo", "method": "fail"],
                ]
            )
            #expect(results[0].pythonResult == ["hellø", "default"])
            #expect(results[1].pythonResult == [1, ["python_type": "float", "value": 2.5]])
            #expect(results[2].pythonResult == [["a", ["b": nil]], "default"])
            #expect(results[3].pythonResult == [["x", "default"], ["y", "default"]])
            #expect(results[4].pythonErrorClass == "MethodNotFound")
            #expect(results[4]["error"]?["module"] == "nameko.exceptions")
            #expect(results[4].pythonErrorText == "nosuch")
            #expect(results[5].pythonErrorClass == "IncorrectSignature")
            #expect(results[5].pythonErrorText == "echo() missing 1 required positional argument: 'a'")
            #expect(results[6].pythonErrorClass == "IncorrectSignature")
            #expect(results[6].pythonErrorText == "echo() got an unexpected keyword argument 'c'")
            #expect(results[7].pythonErrorClass == "RemoteError")
            #expect(results[7].pythonErrorText == "Boom ('boom', 42)")
            // MalformedRequest: Python's own deserializer rebuilds the class from what Swift sends.
            let body = JSONWriter.string(RemoteError.malformedRequest("Message missing `args` or `kwargs`").jsonValue)
            let rebuilt = try await PythonPeer.run([
                "-c",
                "import json,sys; from nameko.exceptions import deserialize; e = deserialize(json.loads(sys.argv[1])); print(type(e).__module__, type(e).__name__, e)",
                body,
            ])
            #expect(rebuilt == "nameko.exceptions MalformedRequest Message missing `args` or `kwargs`\n")
        }
    }

    /// Case 16: `nameko shell` calling a Swift service.
    @Test func namekoShellCallsSwift() async throws {
        try await withPeers { peers, _, uri in
            _ = try await peers.swift(uri: uri)
            let nameko = URL(fileURLWithPath: Paths.python).deletingLastPathComponent().appendingPathComponent("nameko")
                .path
            let output = try await PythonPeer.run(
                [nameko, "shell", "--broker", uri],
                stdin: "print('answer:', n.rpc.swift_echo.echo('from the shell'))\n"
            )
            #expect(output.contains("answer: ['from the shell', 'default']"))
        }
    }

    /// Case 17: the reply has exactly the properties of a Python reply.
    @Test func replyPropertiesAreNamekos() async throws {
        try await withPeers { peers, _, uri in
            _ = try await peers.swift(uri: uri)
            let connection = try await AMQPConnection.connect(configuration: .init(url: uri))
            let channel = try await connection.openChannel()
            let queue = try await channel.declareQueue("", exclusive: true)
            try await channel.bindQueue(queue.name, exchange: "nameko-rpc", routingKey: "raw-reply")
            var replies = try await channel.consume(queue: queue.name, noAck: true).makeAsyncIterator()
            try await channel.publish(
                Array(#"{"args": [1], "kwargs": {"b": "two"}}"#.utf8),
                exchange: "nameko-rpc",
                routingKey: "swift_echo.echo",
                mandatory: true,
                properties: RPCMessage.requestProperties(
                    correlationID: "582a05c3",
                    replyTo: "raw-reply",
                    headers: ["nameko.language": "en-gb"]
                )
            )
            let reply = try #require(try await replies.next())
            #expect(reply.exchange == "nameko-rpc")
            #expect(reply.routingKey == "raw-reply")
            #expect(
                reply.properties
                    == BasicProperties(
                        contentType: "application/json",
                        contentEncoding: "utf-8",
                        headers: [:],
                        deliveryMode: 2,
                        priority: 0,
                        correlationID: "582a05c3"
                    )
            )
            #expect(reply.properties.flags == 0xFC00)
            #expect(String(buffer: reply.body) == #"{"result": [1, "two"], "error": null}"#)
            await connection.close()
        }
    }

    /// Case 22: SIGTERM lets the running call finish; a second SIGINT kills, and the request waits in the queue
    /// for the next instance.
    @Test func gracefulStopAndKill() async throws {
        try await withPeers { peers, _, uri in
            let swift = try await peers.swift(uri: uri)
            async let graceful = PythonPeer.call(uri: uri, service: "swift_echo", method: "slow", args: [1.5])
            try await Task.sleep(for: .milliseconds(1200))
            swift.signal(SIGTERM)
            #expect(try await graceful.pythonResult == ["python_type": "float", "value": 1.5])
            #expect(try await swift.waitForExit() == 0)
            #expect(swift.log.contains("stopping services: swift_echo, shared_svc"))

            let second = try await peers.swift(uri: uri)
            async let killed = PythonPeer.call(
                uri: uri,
                service: "swift_echo",
                method: "slow",
                args: [3.0],
                timeout: 60
            )
            try await Task.sleep(for: .milliseconds(1500))
            second.signal(SIGINT)
            try await Task.sleep(for: .milliseconds(200))
            second.signal(SIGINT)
            _ = try await second.waitForExit()
            #expect(second.log.contains("killing services: swift_echo, shared_svc"))
            // The request was not acknowledged: the next instance answers it.
            _ = try await peers.swift(uri: uri)
            #expect(try await killed.pythonResult == ["python_type": "float", "value": 3.0])
        }
    }

    /// Case 23: a Python caller's timeout against a slow Swift method.
    @Test func pythonTimeout() async throws {
        try await withPeers { peers, _, uri in
            _ = try await peers.swift(uri: uri)
            let result = try await PythonPeer.call(
                uri: uri,
                service: "swift_echo",
                method: "slow",
                args: [3],
                timeout: 0.5
            )
            #expect(result.pythonErrorClass == "RpcTimeout")
        }
    }
}
