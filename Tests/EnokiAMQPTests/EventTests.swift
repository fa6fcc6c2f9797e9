//===----------------------------------------------------------------------===//
// This source file is part of Enoki. Licensed under Apache License v2.0.
//===----------------------------------------------------------------------===//

import Enoki
import EnokiAMQPClient
import EnokiTesting
import Logging
import Synchronization
import Testing

@Service("alpha")
struct Alpha {
    @Dependency(EventDispatcher()) var dispatch: EventDispatch

    @RPC func emit(_ eventType: String, _ payload: JSONValue) async throws {
        try await self.dispatch.dispatch(eventType, payload)
    }
}

struct Order: Codable, Sendable, Equatable {
    var item: String
    var count: Int
}

/// Counts attempts per payload, so that a handler can fail the first time only.
final class Attempts: Sendable {
    static let shared = Attempts()
    private let counts = Mutex<[String: Int]>([:])

    func next(_ key: String) -> Int {
        self.counts.withLock { counts in
            counts[key, default: 0] += 1
            return counts[key]!
        }
    }
}

struct FirstAttemptFails: Error, CustomStringConvertible {
    var description: String { "the first attempt fails" }
}

@Service("beta")
struct Beta {
    @EventHandler("alpha", "thing_happened")
    func onPool(_ payload: JSONValue) {}

    @EventHandler("alpha", "thing_happened", handlerType: .singleton)
    func onSingleton(_ payload: JSONValue) {}

    @EventHandler("alpha", "thing_happened", handlerType: .broadcast, reliableDelivery: false)
    func onBroadcast(_ payload: JSONValue) {}

    @EventHandler("alpha", "other_thing", reliableDelivery: false)
    func onUnreliable(_ payload: JSONValue) {}

    @EventHandler("alpha", "ordered")
    func onOrder(_ order: Order) {}

    @EventHandler("alpha", "flaky", requeueOnError: true)
    func onFlaky(_ key: String) throws {
        if Attempts.shared.next("requeue-" + key) == 1 { throw FirstAttemptFails() }
    }

    @EventHandler("alpha", "fragile")
    func onFragile(_ key: String) throws {
        if Attempts.shared.next("drop-" + key) == 1 { throw FirstAttemptFails() }
    }
}

/// Events as nameko-wire §6 describes them, through the real broker.
@Suite(.timeLimit(.minutes(3))) struct EventTests {
    @Test func queuesAreNamedAndFlaggedAsNamekos() throws {
        let config = EnokiConfig()
        func queue(_ type: EventHandlerType, reliable: Bool = true) throws -> QueueSpec {
            try EventHandlerQueue.queue(
                source: "alpha",
                eventType: "thing_happened",
                service: "beta",
                method: "on_x",
                handlerType: type,
                reliableDelivery: reliable,
                broadcastIdentifier: "5ac9057d3e3143c5872a3a82317e84f4",
                config: config
            )
        }
        let pool = try queue(.servicePool)
        #expect(pool.name == "evt-alpha-thing_happened--beta.on_x")
        #expect([pool.durable, pool.autoDelete, pool.exclusive] == [true, false, false])
        #expect(pool.exchange == ExchangeSpec("alpha.events", type: .topic))
        #expect(pool.routingKey == "thing_happened")
        let unreliable = try queue(.servicePool, reliable: false)
        #expect([unreliable.durable, unreliable.autoDelete, unreliable.exclusive] == [true, true, false])
        let singleton = try queue(.singleton)
        #expect(singleton.name == "evt-alpha-thing_happened")
        let broadcast = try queue(.broadcast, reliable: false)
        #expect(broadcast.name == "evt-alpha-thing_happened--beta.on_x-5ac9057d3e3143c5872a3a82317e84f4")
        #expect([broadcast.durable, broadcast.autoDelete, broadcast.exclusive] == [true, true, true])
        let error = #expect(throws: EnokiError.self) { try queue(.broadcast) }
        #expect(error?.code == .serviceDefinition)
        #expect(error?.message.contains("cannot have reliable delivery") == true)
        #expect(error?.message.contains("reliableDelivery: false") == true)
        let stable = try queue(.broadcast(identifier: "host-1"))
        #expect(stable.name == "evt-alpha-thing_happened--beta.on_x-host-1")
        #expect([stable.durable, stable.autoDelete, stable.exclusive] == [true, false, false])
        var autoDeleting = EnokiConfig()
        autoDeleting["AUTO_DELETE_EVENT_EXCHANGES"] = true
        #expect(EventHandlerQueue.exchange(of: "alpha", config: autoDeleting).autoDelete)
    }

    @Test func everyHandlerTypeGetsTheEventAndContinuesTheStack() async throws {
        try await TestCluster.run(Alpha.self, Beta.self) { cluster in
            let waiters = ["on_pool", "on_singleton", "on_broadcast"].map { cluster.waiter(Beta.self, $0) }
            let rpc = try ClusterRPCClient(config: cluster.config, contextData: ["language": "fr"])
            try await rpc.alpha.emit("thing_happened", ["n": 1])
            await rpc.close()
            for waiter in waiters {
                let record = try await waiter.wait()
                #expect(record.payload == ["n": 1])
                #expect(record.context.data["language"] == "fr")
                let stack = record.context.callIDStack
                #expect(stack.count == 3)
                #expect(stack[0].hasPrefix("standalone_rpc_proxy.call."))
                #expect(stack[1].hasPrefix("alpha.emit."))
                #expect(stack[2].hasPrefix("beta.\(waiter.methodName)."))
            }
        }
    }

    /// Case 28: payloads of every JSON kind arrive as they were sent.
    @Test func payloadsOfEveryKind() async throws {
        try await TestCluster.run(Alpha.self, Beta.self) { cluster in
            let waiter = cluster.waiter(Beta.self, "on_unreliable")
            let payloads: [JSONValue] = [["a": [1, 2.5]], [1, "two", nil], "hellø", 42, 1.0, nil, true]
            for payload in payloads {
                try await cluster.rpc.alpha.emit("other_thing", payload)
            }
            for payload in payloads {
                #expect(try await waiter.wait().payload == payload)
            }
        }
    }

    @Test func typedPayloadsAndBadBodiesAreLoggedAndDropped() async throws {
        let logs = LogCapture()
        try await TestCluster.run(services: [.service(Alpha.self), .service(Beta.self)], logger: logs.logger) {
            cluster in
            try await self.checkBadBodies(cluster, logs)
        }
    }

    func checkBadBodies(_ cluster: TestCluster, _ logs: LogCapture) async throws {
        let waiter = cluster.waiter(Beta.self, "on_order")
        // A payload of another shape fails the worker, which is logged; the event is not redelivered.
        try await cluster.rpc.alpha.emit("ordered", ["item": "socks"] as JSONValue)
        let failed = try await waiter.wait()
        #expect(failed.failed)
        let line = try await logs.first(containing: "event handler on_order failed")
        #expect(line.metadata["queue"] == "evt-alpha-ordered--beta.on_order")
        #expect(line.metadata["error"]?.contains("count") == true)

        // A body that is not JSON never reaches a worker: it is logged with the queue and the reason.
        let connection = try await AMQPConnection.connect(configuration: .init(url: cluster.config.amqpURI))
        let channel = try await connection.openChannel()
        try await channel.publish(
            Array("{not json".utf8),
            exchange: "alpha.events",
            routingKey: "ordered",
            properties: BasicProperties(contentType: "application/json", contentEncoding: "utf-8")
        )
        try await channel.publish(
            Array("<xml/>".utf8),
            exchange: "alpha.events",
            routingKey: "ordered",
            properties: BasicProperties(contentType: "application/xml")
        )
        let unreadable = try await logs.first(containing: "Can't decode message body")
        #expect(unreadable.metadata["queue"] == "evt-alpha-ordered--beta.on_order")
        let refused = try await logs.first(containing: "refusing to deserialize untrusted content")
        #expect(refused.message.contains("application/xml"))
        await connection.close()

        // The service goes on: a good event is handled, and nothing is left in the queue.
        try await cluster.rpc.alpha.emit("ordered", Order(item: "socks", count: 2))
        let good = try await waiter.wait()
        #expect(try good.json() == .null)
        #expect(good.payload == ["item": "socks", "count": 2])
    }

    /// Case 27: with `requeueOnError` a failed event comes back; without it, it is acknowledged and dropped.
    @Test func requeueOnError() async throws {
        try await TestCluster.run(Alpha.self, Beta.self) { cluster in
            let key = EnokiTestKey.make()
            let flaky = cluster.waiter(Beta.self, "on_flaky")
            try await cluster.rpc.alpha.emit("flaky", key)
            let firstFlaky = try await flaky.wait()
            #expect(throws: FirstAttemptFails.self) { try firstFlaky.result.get() }
            #expect(try await flaky.wait().json() == .null)

            let fragile = cluster.waiter(Beta.self, "on_fragile")
            try await cluster.rpc.alpha.emit("fragile", key)
            let firstFragile = try await fragile.wait()
            #expect(throws: FirstAttemptFails.self) { try firstFragile.result.get() }
            await #expect(throws: EntrypointWaiter<Beta>.Timeout.self) {
                try await fragile.wait(timeout: .seconds(1))
            }
        }
    }

    /// Case 26: events wait in a reliable queue while the handler is down; an unreliable queue goes with its
    /// consumer, and so do its events.
    @Test func reliableDeliverySurvivesAHandlerRestart() async throws {
        try await TestCluster.withVirtualHost { _, url in
            let config: EnokiConfig = ["AMQP_URI": .string(url)]
            let logger = Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() })
            let first = try ServiceRunner(services: [Alpha.self, Beta.self], config: config, logger: logger)
            try await first.start()
            await first.stop()

            let events = try ClusterEventDispatcher(config: config)
            try await events.dispatch("alpha", "thing_happened", "while down")
            try await events.dispatch("alpha", "other_thing", "lost")
            await events.close()

            let second = try ServiceRunner(services: [Alpha.self, Beta.self], config: config, logger: logger)
            let container = try #require(second.containers.lazy.compactMap { $0 as? ServiceContainer<Beta> }.first)
            let pool = EntrypointWaiter(container, "on_pool")
            let singleton = EntrypointWaiter(container, "on_singleton")
            let broadcast = EntrypointWaiter(container, "on_broadcast")
            let unreliable = EntrypointWaiter(container, "on_unreliable")
            try await second.start()
            #expect(try await pool.wait().payload == "while down")
            #expect(try await singleton.wait().payload == "while down")
            await #expect(throws: EntrypointWaiter<Beta>.Timeout.self) {
                try await broadcast.wait(timeout: .milliseconds(500))
            }
            await #expect(throws: EntrypointWaiter<Beta>.Timeout.self) {
                try await unreliable.wait(timeout: .milliseconds(500))
            }
            await second.stop()
        }
    }

    /// nameko-wire §6.2: the standalone dispatcher does not declare the exchange, and says so clearly.
    @Test func standaloneDispatcherToAServiceWithoutEvents() async throws {
        try await TestCluster.withVirtualHost { _, url in
            let events = try ClusterEventDispatcher(config: ["AMQP_URI": .string(url)])
            let error = await #expect(throws: EnokiError.self) {
                try await events.dispatch("gamma", "thing", ["x": 1])
            }
            #expect(error?.code == .transport)
            #expect(error?.message.contains("no exchange 'gamma.events'") == true)
            // The dispatcher goes on working after the channel error.
            let again = await #expect(throws: EnokiError.self) { try await events.dispatch("gamma", "thing", 1) }
            #expect(again?.message.contains("no exchange 'gamma.events'") == true)
            await events.close()
        }
    }

    @Test func dispatcherDoublesRecordEvents() async throws {
        let worker = try WorkerFactory.make(Alpha.self)
        try await worker.service.emit("thing_happened", ["n": 1])
        let events = worker.doubles.events("dispatch")
        #expect(events.items.map(\.eventType) == ["thing_happened"])
        #expect(events.items.first?.source == "alpha")
        #expect(events.items.first?.payload == ["n": 1])
        events.fail(with: FirstAttemptFails())
        await #expect(throws: FirstAttemptFails.self) { try await worker.service.emit("x", 1) }
    }
}

/// Unique keys, so that tests that run at once do not share counters.
enum EnokiTestKey {
    static func make() -> String {
        String(UInt64.random(in: 0...UInt64.max), radix: 36)
    }
}
