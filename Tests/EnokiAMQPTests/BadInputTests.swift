//===----------------------------------------------------------------------===//
// This source file is part of Enoki. Licensed under Apache License v2.0.
//===----------------------------------------------------------------------===//

import Enoki
import EnokiAMQPClient
import EnokiTesting
import NIOCore
import Testing

/// Requests that crash or silently drop in Python Nameko (nameko-wire §2.3, §4.9) get an error reply here,
/// are acknowledged (never redelivered for ever), and the service keeps serving.
@Suite(.timeLimit(.minutes(3))) struct BadInputTests {
    /// Sends raw requests to `echo_test` and reads the replies.
    struct RawCaller {
        let channel: AMQPChannel
        let replyQueue: String
        let replyKey: String
        var replies: AMQPConsumer.AsyncIterator

        static func make(_ cluster: TestCluster) async throws -> RawCaller {
            let connection = try await AMQPConnection.connect(configuration: .init(url: cluster.config.amqpURI))
            let channel = try await connection.openChannel()
            let key = "raw-" + String(UInt64.random(in: 0...UInt64.max))
            let queue = try await channel.declareQueue("", exclusive: true)
            try await channel.bindQueue(queue.name, exchange: "nameko-rpc", routingKey: key)
            let consumer = try await channel.consume(queue: queue.name, noAck: true)
            return RawCaller(
                channel: channel,
                replyQueue: queue.name,
                replyKey: key,
                replies: consumer.makeAsyncIterator()
            )
        }

        mutating func send(
            _ body: String,
            routingKey: String = "echo_test.append_identifier",
            contentType: String? = "application/json",
            replyTo: Bool = true
        ) async throws -> JSONValue? {
            try await self.channel.publish(
                Array(body.utf8),
                exchange: "nameko-rpc",
                routingKey: routingKey,
                properties: BasicProperties(
                    contentType: contentType,
                    correlationID: "c1",
                    replyTo: replyTo ? self.replyKey : nil
                )
            )
            guard replyTo else { return nil }
            guard let reply = try await self.replies.next() else { return nil }
            #expect(reply.properties.correlationID == "c1")
            #expect(reply.properties.contentType == "application/json")
            return try JSONParser.parse(reply.body.readableBytesView)
        }
    }

    func error(_ reply: JSONValue?) -> RemoteError? {
        guard let error = reply?["error"], !error.isNull else { return nil }
        return RemoteError(jsonValue: error)
    }

    @Test func badRequestsGetErrorRepliesAndTheServiceKeepsServing() async throws {
        try await TestCluster.run(EchoService.self) { cluster in
            var raw = try await RawCaller.make(cluster)

            let noContentType = self.error(try await raw.send(#"{"args": ["x"], "kwargs": {}}"#, contentType: nil))
            #expect(noContentType?.isMalformedRequest == true)

            let textPlain = self.error(try await raw.send("hello", contentType: "text/plain"))
            #expect(textPlain?.value == "Refusing to deserialize untrusted content of type text/plain (text/plain)")

            let notJSON = self.error(try await raw.send(#"{"args": [1, 2, "#))
            #expect(notJSON?.value == "Can't decode message body: Expecting value: line 1 column 17 (char 16)")

            let list = self.error(try await raw.send("[1, 2]"))
            #expect(
                list
                    == RemoteError(
                        type: "TypeError",
                        module: "builtins",
                        message: "list indices must be integers or slices, not str"
                    )
            )

            let noKwargs = self.error(try await raw.send(#"{"args": ["x"]}"#))
            #expect(noKwargs == .malformedRequest("Message missing `args` or `kwargs`"))

            let envelope = self.error(
                try await raw.send(#"{"args": [{"__type__": "foo", "__value__": 1}], "kwargs": {}}"#)
            )
            #expect(envelope?.value == "Can't decode message body: unsupported type 'foo'")

            let badKwargs = self.error(try await raw.send(#"{"args": [], "kwargs": []}"#))
            #expect(badKwargs?.value == "getcallargs() argument after ** must be a mapping, not list")

            let unknown = self.error(try await raw.send(#"{"args": [], "kwargs": {}}"#, routingKey: "echo_test.nosuch"))
            #expect(unknown == .methodNotFound("nosuch"))

            // No reply_to: nothing to answer, the request is dropped.
            _ = try await raw.send(#"{"args": ["x"], "kwargs": {}}"#, replyTo: false)

            // Still serving, and nothing was left to be redelivered.
            let good = try await raw.send(#"{"args": ["fine"], "kwargs": {}}"#)
            #expect(good?["result"] == "fine-y")
            let admin = try await AMQPConnection.connect(configuration: .init(url: cluster.config.amqpURI))
            let channel = try await admin.openChannel()
            let queue = try await channel.declareQueue("rpc-echo_test", durable: true, passive: true)
            #expect(queue.messageCount == 0)
            await admin.close()
        }
    }

    @Test func headersThatAreNotNamekosBecomeContextAndPassOn() async throws {
        // nameko-wire §3.2: a non-prefixed header becomes context and goes on with the prefix; a string stack is
        // split into characters, as Python does.
        try await TestCluster.run(EchoService.self) { cluster in
            let connection = try await AMQPConnection.connect(configuration: .init(url: cluster.config.amqpURI))
            let channel = try await connection.openChannel()
            let queue = try await channel.declareQueue("", exclusive: true)
            try await channel.bindQueue(queue.name, exchange: "nameko-rpc", routingKey: "raw-reply")
            var replies = try await channel.consume(queue: queue.name, noAck: true).makeAsyncIterator()
            try await channel.publish(
                Array(#"{"args": [], "kwargs": {}}"#.utf8),
                exchange: "nameko-rpc",
                routingKey: "echo_test.whoami",
                properties: BasicProperties(
                    contentType: "application/json",
                    headers: ["foo": "bar", "nameko.user_id": 42, "nameko.call_id_stack": "abc"],
                    correlationID: "c",
                    replyTo: "raw-reply"
                )
            )
            let reply = try #require(try await replies.next())
            let result = try JSONParser.parse(reply.body.readableBytesView)["result"]
            #expect(result?["data"] == ["foo": "bar", "user_id": 42])
            let stack = result?["stack"]?.arrayValue?.compactMap(\.stringValue) ?? []
            #expect(Array(stack.prefix(3)) == ["a", "b", "c"])
            #expect(stack.count == 4)
            await connection.close()
        }
    }
}
