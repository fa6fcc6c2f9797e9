//===----------------------------------------------------------------------===//
// This source file is part of Enoki. Licensed under Apache License v2.0.
//===----------------------------------------------------------------------===//

import Enoki
import EnokiAMQPClient
import EnokiTestSupport
import EnokiTesting
import Foundation
import NIOCore
import Synchronization
import Testing

/// What any process on the cluster can publish to a service's queues, published raw (as the broker passes it on,
/// unchecked) at services running in a process of their own: a delivery that made the process trap fails the
/// test instead of ending the test runner. After each volley the process must still run, on the same connection,
/// serving every service; RPC requests that could not be read are answered with an error; nothing is left in the
/// queues to come back.
@Suite(.serialized, .timeLimit(.minutes(6))) struct HostileDeliveryTests {
    /// The robustness services (Tests/RobustnessServices) in their own process and virtual host.
    struct Services {
        let process: Subprocess
        let uri: String
        let virtualHost: String
        let config: EnokiConfig

        /// The service process has neither crashed nor reconnected.
        func expectHealthy(_ what: String, sourceLocation: SourceLocation = #_sourceLocation) {
            #expect(
                self.process.isRunning,
                "\(what): the service process ended:\n\(self.process.log)",
                sourceLocation: sourceLocation
            )
            let log = self.process.log
            #expect(
                !log.contains("Reconnected to"),
                "\(what): the service reconnected:\n\(log)",
                sourceLocation: sourceLocation
            )
            #expect(
                !log.contains("lost the connection"),
                "\(what): the service lost its connection:\n\(log)",
                sourceLocation: sourceLocation
            )
        }
    }

    static func withServices<Result: Sendable>(
        config: [String: String] = [:],
        _ body: (Services) async throws -> Result
    ) async throws -> Result {
        try await TestCluster.withVirtualHost { vhost, uri in
            let (process, file) = try Self.start("run", uri: uri, config: config)
            defer { try? FileManager.default.removeItem(at: file) }
            do {
                try await process.waitFor("services started")
                var enoki = try ConfigLoader.load(path: file.path)
                enoki["AMQP_URI"] = .string(uri)
                let result = try await body(Services(process: process, uri: uri, virtualHost: vhost, config: enoki))
                await process.stop()
                return result
            } catch {
                let log = process.log
                await process.stop()
                Issue.record("the service process wrote:\n\(log)")
                throw error
            }
        }
    }

    /// Starts `EnokiRobustnessServices {command}` with a config file of its own (`AMQP_URI` and `config`); the caller
    /// removes the file.
    static func start(_ command: String, uri: String, config: [String: String]) throws -> (Subprocess, URL) {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent(
            "enoki-robustness-\(UUID().uuidString).yaml"
        )
        var yaml = "AMQP_URI: '\(uri)'\n"
        for (key, value) in config.sorted(by: { $0.key < $1.key }) { yaml += "\(key): \(value)\n" }
        try yaml.write(to: file, atomically: true, encoding: .utf8)
        let process = try Subprocess(
            name: "robustness-\(command)",
            executable: TestBinaries.path("EnokiRobustnessServices"),
            arguments: [command, "--config", file.path]
        )
        return (process, file)
    }

    /// A publisher that sends what Enoki's own publishers refuse to build, and reads the replies that come back.
    struct HostilePublisher {
        let connection: AMQPConnection
        let channel: AMQPChannel
        let replyKey: String
        let replies = Mailbox()

        static func connect(_ services: Services) async throws -> HostilePublisher {
            let connection = try await AMQPConnection.connect(configuration: .init(url: services.uri))
            let channel = try await connection.openChannel()
            let key = "hostile-" + String(UInt64.random(in: 0...UInt64.max))
            let queue = try await channel.declareQueue("", exclusive: true)
            try await channel.bindQueue(queue.name, exchange: "nameko-rpc", routingKey: key)
            let publisher = HostilePublisher(connection: connection, channel: channel, replyKey: key)
            try await channel.consume(queue: queue.name, noAck: true) { [replies = publisher.replies] delivery in
                replies.put(delivery.body)
            }
            return publisher
        }

        func publish(
            exchange: String = "nameko-rpc",
            routingKey: [UInt8],
            properties: RawProperties,
            body: [UInt8] = Array(#"{"args": ["x"], "kwargs": {}}"#.utf8)
        ) throws {
            try self.channel.publishRaw(
                exchange: Array(exchange.utf8),
                routingKey: routingKey,
                properties: properties.bytes,
                body: body
            )
        }

        /// A request to `hostile_target.{method}` with a reply_to, unless `properties` say otherwise.
        func request(
            _ method: String = "echo",
            properties: RawProperties? = nil,
            routingKey: [UInt8]? = nil,
            body: [UInt8] = Array(#"{"args": ["x"], "kwargs": {}}"#.utf8)
        ) throws {
            var properties = properties ?? RawProperties()
            if properties.replyTo == nil { properties.replyTo = Array(self.replyKey.utf8) }
            if properties.correlationID == nil { properties.correlationID = Array("c".utf8) }
            try self.publish(
                routingKey: routingKey ?? Array("hostile_target.\(method)".utf8),
                properties: properties,
                body: body
            )
        }

        /// The next reply, parsed.
        func reply(timeout: Duration = .seconds(30)) async throws -> JSONValue {
            let deadline = ContinuousClock.now + timeout
            while true {
                let next = self.replies.take()
                if let next {
                    return try JSONParser.parse(next.readableBytesView)
                }
                guard ContinuousClock.now < deadline else {
                    throw SubprocessFailed("no reply within \(timeout)")
                }
                try await Task.sleep(for: .milliseconds(20))
            }
        }

        /// The error of the next reply.
        func error(timeout: Duration = .seconds(30)) async throws -> RemoteError? {
            let reply = try await self.reply(timeout: timeout)
            guard let error = reply["error"], !error.isNull else {
                Issue.record("expected an error reply, got \(reply)")
                return nil
            }
            return RemoteError(jsonValue: error)
        }

        func close() async {
            await self.connection.close()
        }
    }

    /// The services still answer, from a client in this process.
    static func expectServing(_ services: Services, sourceLocation: SourceLocation = #_sourceLocation) async throws {
        try await ClusterRPCClient.withClient(config: services.config, defaultTimeout: .seconds(20)) { rpc in
            let pong: String = try await rpc.hostile_bystander.ping()
            #expect(pong == "pong", sourceLocation: sourceLocation)
            let echo: String = try await rpc.hostile_target.echo("fine")
            #expect(echo == "fine", sourceLocation: sourceLocation)
        }
    }

    /// How many messages wait in a queue.
    static func depth(_ queue: String, _ services: Services) async throws -> UInt32 {
        let connection = try await AMQPConnection.connect(configuration: .init(url: services.uri))
        defer { Task { await connection.close() } }
        let channel = try await connection.openChannel()
        return try await channel.declareQueue(queue, passive: true).messageCount
    }

    static let invalid = RawTable.invalidUTF8
    static let noArguments = Array(#"{"args": [], "kwargs": {}}"#.utf8)

    // MARK: Header tables

    @Test func headerValuesAtTheEndsOfTheirRangesAreServedAndPassedOn() async throws {
        try await Self.withServices { services in
            let publisher = try await HostilePublisher.connect(services)
            try publisher.request(
                "whoami",
                properties: RawProperties(headers: RawTable.table(RawTable.extremes)),
                body: Self.noArguments
            )
            let reply = try await publisher.reply()
            let data = try #require(reply["result"]?["data"])
            #expect(data["timestamp.max"] == .bigInteger("18446744073709551615"))
            #expect(data["int64.min"] == .int(.min))
            #expect(data["uint32.max"] == .int(Int(UInt32.max)))
            #expect(data["double.max"] == .double(-.greatestFiniteMagnitude))
            #expect(data["decimal.min"]?.doubleValue == Double(Int32.min) / 1e255)
            // A call-id stack of anything but strings.
            #expect(reply["result"]?["stack"]?.arrayValue?.count == 4)

            // The same headers on events and messages: every handler runs.
            for (exchange, key) in [("hostile_source.events", "ping"), ("", "hostile_inbox")] {
                try publisher.publish(
                    exchange: exchange,
                    routingKey: Array(key.utf8),
                    properties: RawProperties(headers: RawTable.table(RawTable.extremes)),
                    body: Array("{}".utf8)
                )
            }
            try await ClusterRPCClient.withClient(config: services.config, defaultTimeout: .seconds(20)) { rpc in
                for handler in ["pool", "singleton", "broadcast", "inbox"] {
                    try await eventually("\(handler) ran") {
                        let runs: Int = try await rpc.hostile_target.runs(handler)
                        return runs == 1
                    }
                }
            }
            services.expectHealthy("extreme header values")
            await publisher.close()
        }
    }

    @Test func textThatIsNotUTF8IsAProblemOfOneMessage() async throws {
        try await Self.withServices { services in
            let publisher = try await HostilePublisher.connect(services)
            let badHeaders: [(String, ByteBuffer)] = [
                ("a header name", RawTable.table([(Self.invalid, RawTable.value(.int32(1)))])),
                ("a header's text", RawTable.table([(Array("k".utf8), RawTable.longString(Self.invalid))])),
                (
                    "a call-id stack entry",
                    RawTable.table([
                        (
                            Array("nameko.call_id_stack".utf8),
                            [UInt8(ascii: "A")] + withUnsafeBytes(of: UInt32(10).bigEndian, Array.init)
                                + RawTable.longString(Self.invalid)
                        )
                    ])
                ),
            ]
            var cases: [(String, RawProperties, [UInt8]?)] = badHeaders.map {
                ($0.0, RawProperties(headers: $0.1), nil)
            }
            cases += [
                ("the routing key", RawProperties(), Array("hostile_target.".utf8) + Self.invalid),
                ("the content type", RawProperties(contentType: Self.invalid), nil),
                ("the content encoding", RawProperties(contentEncoding: Self.invalid), nil),
                ("the correlation id", RawProperties(correlationID: Self.invalid), nil),
                ("the message id", RawProperties(messageID: Self.invalid), nil),
                ("the type", RawProperties(type: Self.invalid), nil),
                ("the app id", RawProperties(appID: Self.invalid), nil),
                ("the cluster id", RawProperties(clusterID: Self.invalid), nil),
            ]
            for (what, properties, routingKey) in cases {
                try publisher.request(properties: properties, routingKey: routingKey)
                let error = try await publisher.error()
                #expect(error?.excType == "MalformedRequest", "\(what)")
                #expect(
                    error?.value.hasPrefix("Can't read the message: ") == true,
                    "\(what): \(String(describing: error))"
                )
            }
            // A reply-to that is not UTF-8: nowhere to answer, nothing to crash.
            try publisher.request(properties: RawProperties(replyTo: Self.invalid))
            // The same volley at every handler and the consumer: logged and dropped.
            for (what, properties, _) in cases where !what.hasPrefix("the routing key") {
                try publisher.publish(
                    exchange: "hostile_source.events",
                    routingKey: Array("ping".utf8),
                    properties: properties,
                    body: Array("{}".utf8)
                )
                try publisher.publish(
                    exchange: "",
                    routingKey: Array("hostile_inbox".utf8),
                    properties: properties,
                    body: Array("{}".utf8)
                )
            }
            try await Self.expectServing(services)
            try await eventually("the bad messages were dropped") {
                var total: UInt32 = 0
                for queue in ["rpc-hostile_target", "hostile_inbox", "evt-hostile_source-ping--hostile_target.on_pool"]
                {
                    total += try await Self.depth(queue, services)
                }
                return total == 0
            }
            try await ClusterRPCClient.withClient(config: services.config, defaultTimeout: .seconds(20)) { rpc in
                for handler in ["pool", "singleton", "broadcast", "inbox"] {
                    let runs: Int = try await rpc.hostile_target.runs(handler)
                    #expect(runs == 0, "\(handler) ran for a message it could not read")
                }
            }
            #expect(services.process.log.contains("queue=hostile_inbox"))
            #expect(services.process.log.contains("is not valid UTF-8"))
            services.expectHealthy("text that is not UTF-8")
            await publisher.close()
        }
    }

    @Test func tablesNestedDeeperThanTheLimitAreAProblemOfOneMessage() async throws {
        try await Self.withServices { services in
            let publisher = try await HostilePublisher.connect(services)
            // At the limit: served.
            try publisher.request(
                "whoami",
                properties: RawProperties(headers: RawTable.table([(Array("deep".utf8), RawTable.nested(depth: 60))])),
                body: Self.noArguments
            )
            let served = try await publisher.reply()
            #expect(served["result"]?["data"]?["deep"] != nil, "\(served)")
            for value in [RawTable.nested(depth: 70), RawTable.nested(depth: 2000), RawTable.nestedArrays(depth: 200)] {
                try publisher.request(properties: RawProperties(headers: RawTable.table([(Array("deep".utf8), value)])))
                let error = try await publisher.error()
                #expect(error?.value.contains("nested deeper than 64") == true, "\(String(describing: error))")
                try publisher.publish(
                    exchange: "hostile_source.events",
                    routingKey: Array("ping".utf8),
                    properties: RawProperties(headers: RawTable.table([(Array("deep".utf8), value)])),
                    body: Array("{}".utf8)
                )
            }
            try await Self.expectServing(services)
            services.expectHealthy("deep tables")
            await publisher.close()
        }
    }

    // MARK: Sizes

    @Test func aMessageOverTheSizeLimitIsRefusedBeforeItsBodyIsBuffered() async throws {
        try await Self.withServices(config: ["MAX_MESSAGE_SIZE": "65536"]) { services in
            let publisher = try await HostilePublisher.connect(services)
            let large =
                Array(#"{"args": [""#.utf8) + Array(repeating: UInt8(ascii: "a"), count: 100_000)
                + Array(#""], "kwargs": {}}"#.utf8)
            try publisher.request(body: large)
            let error = try await publisher.error()
            #expect(error?.excType == "MalformedRequest")
            #expect(
                error?.value
                    == "Can't read the message: message body of \(large.count) bytes exceeds the limit of 65536"
            )
            for _ in 0..<5 {
                try publisher.publish(
                    exchange: "",
                    routingKey: Array("hostile_inbox".utf8),
                    properties: RawProperties(),
                    body: large
                )
            }
            // Just under the limit: served.
            let fits =
                Array(#"{"args": [""#.utf8) + Array(repeating: UInt8(ascii: "a"), count: 65_000)
                + Array(#""], "kwargs": {}}"#.utf8)
            try publisher.request(body: fits)
            #expect(try await publisher.reply()["result"]?.stringValue?.count == 65_000)
            try await Self.expectServing(services)
            try await eventually("the large messages were rejected, not requeued") {
                try await Self.depth("hostile_inbox", services) == 0
            }
            #expect(services.process.log.contains("exceeds the limit of 65536; message dropped"))
            services.expectHealthy("large messages")
            await publisher.close()
        }
    }

    @Test func bodiesOfEveryShapeAreParsedOffTheEventLoop() async throws {
        // A heartbeat of 2 seconds: an event loop held for a few seconds would lose the connection.
        try await Self.withServices(config: ["MAX_MESSAGE_SIZE": "16777216", "HEARTBEAT": "2"]) { services in
            let publisher = try await HostilePublisher.connect(services)
            func object(_ count: Int, key: (Int) -> String) -> [UInt8] {
                var text = #"{"args": [{"#
                for index in 0..<count {
                    if index > 0 { text += ", " }
                    text += "\"\(key(index))\": 1"
                }
                return Array((text + #"}], "kwargs": {}}"#).utf8)
            }
            let bodies: [(String, [UInt8])] = [
                ("300,000 keys", object(300_000) { "key\($0)" }),
                ("300,000 repeated keys", object(300_000) { _ in "same" }),
                (
                    "a string of 8 MB",
                    Array(#"{"args": [""#.utf8) + Array(repeating: UInt8(ascii: "z"), count: 8_000_000)
                        + Array(#""], "kwargs": {}}"#.utf8)
                ),
                (
                    "arrays nested 100,000 deep",
                    Array(#"{"args": ["#.utf8) + Array(repeating: UInt8(ascii: "["), count: 100_000)
                        + Array("], \"kwargs\": {}}".utf8)
                ),
                (
                    "an integer of a million digits",
                    Array(#"{"args": [1"#.utf8) + Array(repeating: UInt8(ascii: "7"), count: 1_000_000)
                        + Array("], \"kwargs\": {}}".utf8)
                ),
                (
                    "a float of a million digits",
                    Array(#"{"args": [1."#.utf8) + Array(repeating: UInt8(ascii: "3"), count: 1_000_000)
                        + Array("e400], \"kwargs\": {}}".utf8)
                ),
            ]
            for (what, body) in bodies {
                try publisher.request(body: body)
                // While the body is parsed, the other services of the process answer.
                try await ClusterRPCClient.withClient(config: services.config, defaultTimeout: .seconds(20)) { rpc in
                    let pong: String = try await rpc.hostile_bystander.ping()
                    #expect(pong == "pong", "\(what)")
                }
                let reply = try await publisher.reply(timeout: .seconds(60))
                #expect(reply["result"] != nil || reply["error"] != nil, "\(what)")
            }
            try await Self.expectServing(services)
            services.expectHealthy("large bodies")
            await publisher.close()
        }
    }

    // MARK: Typed parameters

    @Test func typedParametersDecodeAnyValueOrRefuseIt() async throws {
        try await Self.withServices { services in
            try await ClusterRPCClient.withClient(config: services.config, defaultTimeout: .seconds(20)) { rpc in
                let target = rpc.hostile_target
                let extremes: [JSONValue] = [
                    .double(.nan), .double(.infinity), .double(-.infinity), .double(1e308), .double(-0.0),
                    .bigInteger("1" + String(repeating: "0", count: 400)), .bigInteger("-9223372036854775809"),
                    .int(.max), .int(.min), .string("Infinity"), .string("NaN"), .string("1e400"),
                    .string("0000-01-01T00:00:00"), .string("9999-12-31T23:59:59.999999"), .string("2024-02-30"),
                    ["__type__": "decimal", "__value__": "1e99999"], ["__type__": "decimal", "__value__": "NaN"],
                    ["__type__": "datetime", "__value__": .double(.nan)], ["__type__": "datetime", "__value__": "x"],
                    ["number": .double(.infinity), "real": .bigInteger("9" + String(repeating: "9", count: 500))],
                    ["number": 1, "real": 2.5, "decimal": .double(.infinity), "date": .double(1e300)],
                    ["number": 1, "real": .double(.nan), "decimal": .string("NaN"), "date": .int(.max)],
                ]
                var answered = 0
                var refused = 0
                for method in ["number", "real", "decimal", "date", "record"] {
                    for value in extremes {
                        do {
                            _ = try await target.call(method, args: [value])
                            answered += 1
                        } catch let error as RemoteError {
                            #expect(error.excType == "IncorrectSignature", "\(method)(\(value)): \(error)")
                            refused += 1
                        }
                    }
                }
                #expect(answered > 0 && refused > 0)
                // Values that fit come back as they went.
                #expect(try await target.call("real", args: [.double(.infinity)]) == .double(.infinity))
                #expect(try await target.call("number", args: [.int(.min)]) == .int(.min))
                let nan = try await target.call("decimal", args: [["__type__": "decimal", "__value__": "NaN"]])
                #expect(nan == ["__type__": "decimal", "__value__": "NaN"])
                let date = try await target.call("date", args: ["9999-12-31T23:59:59"])
                #expect(date == ["__type__": "datetime", "__value__": "9999-12-31T23:59:59+00:00"])
                // A dictionary of many records is bound and counted in time that grows with its size.
                var many = JSONObject()
                for index in 0..<50_000 { many["r\(index)"] = ["number": .int(index), "real": 0.5] }
                #expect(try await target.call("records", args: [.object(many)]) == .int(50_000))
            }
            try await Self.expectServing(services)
            services.expectHealthy("typed parameters")
        }
    }

    // MARK: Reply queues

    @Test func theReplyQueuesOfEveryClientTakeHostileMessages() async throws {
        try await Self.withServices(config: ["MAX_MESSAGE_SIZE": "65536"]) { services in
            let (client, file) = try Self.start("client-loop", uri: services.uri, config: ["MAX_MESSAGE_SIZE": "65536"])
            defer { try? FileManager.default.removeItem(at: file) }
            do {
                try await client.waitFor("client ok 3")
                // The service's own proxy queue comes from a call through it.
                try await ClusterRPCClient.withClient(config: services.config, defaultTimeout: .seconds(20)) { rpc in
                    let lingered: Double = try await rpc.hostile_target.ask_peer(0.0)
                    #expect(lingered == 0)
                }
                let listing = try await Broker.ctl("list_queues", "-p", services.virtualHost, "name")
                let replyQueues = listing.split(separator: "\n").map(String.init).filter {
                    $0.hasPrefix("rpc.reply-") || $0.hasPrefix("amq.gen-")
                }
                #expect(replyQueues.contains { $0.hasPrefix("rpc.reply-standalone_rpc_proxy-") })
                #expect(replyQueues.contains { $0.hasPrefix("rpc.reply-hostile_target-") })
                #expect(replyQueues.contains { $0.hasPrefix("amq.gen-") })
                let publisher = try await HostilePublisher.connect(services)
                let volley: [(RawProperties, [UInt8])] = [
                    (RawProperties(correlationID: Self.invalid), Array("{}".utf8)),
                    (
                        RawProperties(
                            headers: RawTable.table([(Self.invalid, RawTable.value(.void))]),
                            correlationID: Array("c".utf8)
                        ), Array("{}".utf8)
                    ),
                    (
                        RawProperties(headers: RawTable.table([(Array("d".utf8), RawTable.nested(depth: 100))])),
                        Array("{}".utf8)
                    ),
                    (RawProperties(headers: RawTable.table(RawTable.extremes)), Array("not json".utf8)),
                    (RawProperties(correlationID: Array("c".utf8)), Array(repeating: 0xFF, count: 100_000)),
                    (RawProperties(contentType: Self.invalid), Array(repeating: 0x7B, count: 10)),
                ]
                for queue in replyQueues {
                    for (properties, body) in volley {
                        try publisher.publish(
                            exchange: "",
                            routingKey: Array(queue.utf8),
                            properties: properties,
                            body: body
                        )
                    }
                }
                let answered = client.log.components(separatedBy: "client ok").count
                try await client.waitUntil("ten more answers") {
                    $0.components(separatedBy: "client ok").count >= answered + 10
                }
                #expect(client.isRunning)
                #expect(!client.log.contains("Reconnected"))
                try await Self.expectServing(services)
                services.expectHealthy("reply queues")
                await publisher.close()
                await client.stop()
            } catch {
                Issue.record("the client process wrote:\n\(client.log)")
                await client.stop()
                throw error
            }
        }
    }

    // MARK: Logs

    @Test func textFromTheWireIsEscapedAndCutInLogsAndErrors() async throws {
        try await Self.withServices { services in
            let publisher = try await HostilePublisher.connect(services)
            // A routing key that would forge a log line and colour a terminal.
            let forged = Array("hostile_target.x\n2026-01-01 root ERROR forged \u{1B}[31mred".utf8)
            try publisher.request(routingKey: forged)
            let unknown = try await publisher.error()
            #expect(unknown?.excType == "MethodNotFound")
            // A kombu type name of 100,000 characters.
            let name = String(repeating: "n", count: 100_000)
            try publisher.request(
                body: Array(#"{"args": [{"__type__": "\#(name)", "__value__": 1}], "kwargs": {}}"#.utf8)
            )
            let envelope = try await publisher.error()
            #expect(envelope?.value.contains("… (99800 more bytes)") == true)
            #expect((envelope?.value.count ?? .max) < 1000)
            try await Self.expectServing(services)
            let log = services.process.log
            #expect(!log.contains("\u{1B}[31m"))
            #expect(!log.contains("\nforged") && !log.contains("\n2026-01-01 root ERROR forged"))
            #expect(log.contains(#"x\n2026-01-01 root ERROR forged \u{1B}[31mred"#))
            #expect(!log.contains(name))
            services.expectHealthy("wire text")
            await publisher.close()
        }
    }
}

/// Waits until `condition` holds, checking every 100 ms for at most `timeout`, once more past it.
func eventually(
    _ what: String,
    timeout: Duration = .seconds(20),
    _ condition: () async throws -> Bool
) async throws {
    let deadline = ContinuousClock.now + timeout
    while true {
        if try await condition() { return }
        guard ContinuousClock.now < deadline else {
            Issue.record("\(what): not within \(timeout)")
            return
        }
        try await Task.sleep(for: .milliseconds(100))
    }
}

/// Replies as they come, for a test to take one at a time.
final class Mailbox: Sendable {
    private let items = Mutex<[ByteBuffer]>([])

    func put(_ item: ByteBuffer) {
        self.items.withLock { $0.append(item) }
    }

    func take() -> ByteBuffer? {
        self.items.withLock { $0.isEmpty ? nil : $0.removeFirst() }
    }
}
