//===----------------------------------------------------------------------===//
// This source file is part of Enoki. Licensed under Apache License v2.0.
//===----------------------------------------------------------------------===//

import Enoki
import EnokiAMQPClient
import EnokiTesting
import NIOCore
import Testing

let shopExchange = ExchangeSpec("shop", type: .topic)

@Service("shop")
struct Shop {
    @Dependency(Publisher(exchange: shopExchange)) var publish: Publish
    @Dependency(Publisher()) var direct: Publish

    @RPC func order(_ item: String, _ count: Int) async throws {
        try await self.publish(
            Order(item: item, count: count),
            routingKey: "order.created",
            headers: ["x-shop": "main"]
        )
    }

    @RPC func toQueue(_ queue: String, _ body: JSONValue) async throws {
        try await self.direct.publish(body, routingKey: queue)
    }
}

@Service("warehouse")
struct Warehouse {
    @Consume(QueueSpec("warehouse-orders", exchange: shopExchange, routingKey: "order.*"))
    func onOrder(_ order: Order) {}

    @Consume(QueueSpec("warehouse-inbox", durable: false))
    func onInbox(_ body: JSONValue) {}
}

@Service("rpc_server")
struct QueueServer {
    @Consume(QueueSpec("rpc_queue_test", durable: false), prefetchCount: 1)
    func onRequest(_ body: String) -> String {
        "Got a message from the client: " + body
    }

    @Consume(QueueSpec("json_queue_test", durable: false))
    func onJSON(_ order: Order) throws -> Order {
        guard order.count > 0 else { throw FirstAttemptFails() }
        return Order(item: order.item.uppercased(), count: order.count * 2)
    }
}

/// Raw messaging (nameko-wire §7) and RabbitMQ's RPC pattern, through the real broker.
@Suite(.timeLimit(.minutes(3))) struct ConsumeAndPublishTests {
    @Test func publisherReachesAConsumerWithContextAndExtraHeaders() async throws {
        try await TestCluster.run(Shop.self, Warehouse.self) { cluster in
            let waiter = cluster.waiter(Warehouse.self, "on_order")
            let rpc = try ClusterRPCClient(config: cluster.config, contextData: ["user_id": 7])
            try await rpc.shop.order("socks", 2)
            await rpc.close()
            let record = try await waiter.wait()
            #expect(record.payload == ["item": "socks", "count": 2])
            #expect(record.context.data["user_id"] == 7)
            #expect(record.context.callIDStack.count == 3)
            #expect(record.context.callIDStack[1].hasPrefix("shop.order."))

            // The default exchange, with a queue name as routing key.
            let inbox = cluster.waiter(Warehouse.self, "on_inbox")
            try await cluster.rpc.shop.to_queue("warehouse-inbox", [1, "two"] as JSONValue)
            #expect(try await inbox.wait().payload == [1, "two"])
        }
    }

    @Test func publishedMessagesCarryNamekosProperties() async throws {
        try await TestCluster.run(Shop.self) { cluster in
            let connection = try await AMQPConnection.connect(configuration: .init(url: cluster.config.amqpURI))
            let channel = try await connection.openChannel()
            let queue = try await channel.declareQueue("", exclusive: true)
            try await channel.bindQueue(queue.name, exchange: "shop", routingKey: "#")
            let consumer = try await channel.consume(queue: queue.name, noAck: true)
            try await cluster.rpc.shop.order("hat", 1)
            var messages = consumer.makeAsyncIterator()
            let message = try #require(try await messages.next())
            #expect(message.routingKey == "order.created")
            #expect(try JSONParser.parse(message.body.readableBytesView) == ["item": "hat", "count": 1])
            #expect(message.properties.contentType == "application/json")
            #expect(message.properties.deliveryMode == 2)
            #expect(message.properties.headers?["x-shop"] == .string("main"))
            if case .array(let stack) = message.properties.headers?["nameko.call_id_stack"] {
                #expect(stack.count == 2)
            } else {
                Issue.record("no call-id stack in \(String(describing: message.properties.headers))")
            }
            await connection.close()
        }
    }

    @Test func publisherDoublesRecordMessages() async throws {
        let worker = try WorkerFactory.make(Shop.self)
        try await worker.service.order("socks", 3)
        let messages = worker.doubles.messages("publish")
        #expect(messages.items.count == 1)
        #expect(messages.items.first?.exchange == "shop")
        #expect(messages.items.first?.routingKey == "order.created")
        #expect(messages.items.first?.payload == ["item": "socks", "count": 3])
        #expect(messages.items.first?.headers == ["x-shop": "main"])
        #expect(worker.doubles.messages("direct").items.isEmpty)
    }

    /// The seed's RPC pattern: a client with an exclusive callback queue and correlation ids, a consumer that
    /// answers to `reply_to`.
    @Test func queueRPCClientAndServer() async throws {
        try await TestCluster.run(QueueServer.self) { cluster in
            let client = try QueueRPCClient(config: cluster.config)
            #expect(
                try await client.call("rpc_queue_test", "Hello RPC!") == "Got a message from the client: Hello RPC!"
            )
            // Concurrent calls each get their own answer.
            let answers = try await withThrowingTaskGroup(of: String.self) { group in
                for index in 0..<20 {
                    group.addTask { try await client.call("rpc_queue_test", "n\(index)") }
                }
                return try await group.reduce(into: Set<String>()) { $0.insert($1) }
            }
            #expect(answers == Set((0..<20).map { "Got a message from the client: n\($0)" }))
            // JSON in, JSON out.
            #expect(
                try await client.call("json_queue_test", json: ["item": "hat", "count": 2])
                    == ["item": "HAT", "count": 4]
            )
            // A failing consumer sends no reply: the call times out.
            let timeout = await #expect(throws: EnokiError.self) {
                try await client.call(
                    "json_queue_test",
                    json: ["item": "hat", "count": 0],
                    timeout: .milliseconds(500)
                )
            }
            #expect(timeout?.code == .timeout)
            // A queue that does not exist fails at once.
            let missing = await #expect(throws: EnokiError.self) { try await client.call("no_such_queue", "x") }
            #expect(missing?.code == .unknownService)
            #expect(missing?.message.contains("no queue 'no_such_queue'") == true)
            await client.close()
        }
    }

    @Test func badBodiesAreLoggedAndTheConsumerGoesOn() async throws {
        let logs = LogCapture()
        try await TestCluster.run(services: [.service(Warehouse.self)], logger: logs.logger) { cluster in
            let connection = try await AMQPConnection.connect(configuration: .init(url: cluster.config.amqpURI))
            let channel = try await connection.openChannel()
            try await channel.publish(
                Array("not json".utf8),
                exchange: "shop",
                routingKey: "order.created",
                properties: BasicProperties(contentType: "application/json")
            )
            let line = try await logs.first(containing: "Can't decode message body")
            #expect(line.metadata["queue"] == "warehouse-orders")
            await connection.close()
            let waiter = cluster.waiter(Warehouse.self, "on_order")
            try await TestCluster.publish(
                Order(item: "a", count: 1),
                exchange: "shop",
                routingKey: "order.x",
                in: cluster
            )
            #expect(try await waiter.wait().payload == ["item": "a", "count": 1])
            let declared = try await channelQueueDepth(cluster, "warehouse-orders")
            #expect(declared == 0)
        }
    }
}

extension TestCluster {
    /// Publishes a JSON message as a Nameko publisher would.
    static func publish(
        _ value: some Encodable & Sendable,
        exchange: String,
        routingKey: String,
        in cluster: TestCluster
    ) async throws {
        let connection = try await AMQPConnection.connect(configuration: .init(url: cluster.config.amqpURI))
        let channel = try await connection.openChannel()
        try await channel.enablePublisherConfirms()
        let body = JSONWriter.bytes(try JSONValueEncoder().encode(value))
        _ = try await channel.publish(
            body,
            exchange: exchange,
            routingKey: routingKey,
            properties: BasicProperties(contentType: "application/json", contentEncoding: "utf-8")
        ).outcome()
        await connection.close()
    }
}

/// The messages ready in a queue.
func channelQueueDepth(_ cluster: TestCluster, _ queue: String) async throws -> UInt32 {
    let connection = try await AMQPConnection.connect(configuration: .init(url: cluster.config.amqpURI))
    let channel = try await connection.openChannel()
    let result = try await channel.declareQueue(queue, passive: true)
    await connection.close()
    return result.messageCount
}
