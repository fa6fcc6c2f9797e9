//===----------------------------------------------------------------------===//
// This source file is part of Enoki. Licensed under Apache License v2.0.
//===----------------------------------------------------------------------===//

import Enoki
import EnokiAMQPClient
import EnokiTestSupport
import EnokiTesting
import Logging
import Testing

@Suite(.timeLimit(.minutes(3))) struct TopologyAndLifecycleTests {
    @Test func queuesAndBindingsAreDeclaredAsNamekoDeclaresThem() async throws {
        try await TestCluster.run(EchoService.self, RelayService.self) { cluster in
            _ = try await cluster.rpc.relay_test.relay_dynamic("x")
            let vhosts = VirtualHosts()
            let queues = try await vhosts.run([
                "list_queues", "-p", cluster.virtualHost, "name", "durable", "auto_delete", "exclusive", "arguments",
            ])
            let rows = queues.split(separator: "\n").map { $0.split(separator: "\t").map(String.init) }
            let rpcQueue = try #require(rows.first { $0.first == "rpc-echo_test" })
            #expect(rpcQueue == ["rpc-echo_test", "true", "false", "false", "[]"])
            let reply = try #require(rows.first { $0.first?.hasPrefix("rpc.reply-relay_test-") == true })
            #expect(Array(reply[1...]) == ["true", "false", "false", #"[{"x-expires",300000}]"#])
            let standalone = try #require(rows.first { $0.first?.hasPrefix("rpc.reply-standalone_rpc_proxy-") == true })
            #expect(standalone[1] == "true")
            let bindings = try await vhosts.run([
                "list_bindings", "-p", cluster.virtualHost, "source_name", "destination_name", "routing_key",
            ])
            #expect(bindings.contains("nameko-rpc\trpc-echo_test\techo_test.*"))
            let replyKey = String(reply[0].dropFirst("rpc.reply-relay_test-".count))
            #expect(bindings.contains("nameko-rpc\t\(reply[0])\t\(replyKey)"))
            let exchanges = try await vhosts.run([
                "list_exchanges", "-p", cluster.virtualHost, "name", "type", "durable", "auto_delete",
            ])
            #expect(exchanges.contains("nameko-rpc\ttopic\ttrue\tfalse"))
            let consumers = try await vhosts.run([
                "list_consumers", "-p", cluster.virtualHost, "queue_name", "ack_required", "prefetch_count",
            ])
            #expect(consumers.contains("rpc-echo_test\ttrue\t20"))
        }
    }

    @Test func aQueueDeletedUnderARunningServiceIsDeclaredAgain() async throws {
        let logs = LogCapture()
        try await TestCluster.run(services: [.service(EchoService.self), .service(Beta.self)], logger: logs.logger) {
            cluster in
            let queues: Set = ["rpc-echo_test", "evt-alpha-ordered--beta.on_order"]
            for queue in queues {
                try await Broker.ctl("delete_queue", "-p", cluster.virtualHost, queue)
            }
            // Each cancelled consumer is logged with its queue.
            var warned: Set<String> = []
            for _ in 0..<500 where warned != queues {
                try await Task.sleep(for: .milliseconds(20))
                warned = Set(
                    logs.lines.filter { $0.level == .warning && $0.message.contains("the broker cancelled a consumer") }
                        .compactMap { $0.metadata["queue"] }
                )
            }
            #expect(warned == queues)
            for queue in queues {
                #expect(try await Self.isConsumed(queue, in: cluster.virtualHost))
            }
            // Both queues are back, bound and consumed: calls and events reach the service again.
            let answer: String = try await cluster.rpc.echo_test.append_identifier("back")
            #expect(answer == "back-y")
            let waiter = cluster.waiter(Beta.self, "on_order")
            let events = try ClusterEventDispatcher(config: cluster.config)
            try await events.dispatch("alpha", "ordered", Order(item: "tea", count: 1))
            await events.close()
            #expect(try await waiter.wait().payload == ["item": "tea", "count": 1])
        }
    }

    @Test func aClientsDeletedReplyQueueIsDeclaredAgain() async throws {
        try await TestCluster.run(EchoService.self) { cluster in
            let first: String = try await cluster.rpc.echo_test.append_identifier("one")
            #expect(first == "one-y")
            let listing = try await Broker.ctl("list_queues", "-p", cluster.virtualHost, "name")
            let replyQueue = try #require(
                listing.split(separator: "\n").map(String.init).first {
                    $0.hasPrefix("rpc.reply-standalone_rpc_proxy-")
                }
            )
            try await Broker.ctl("delete_queue", "-p", cluster.virtualHost, replyQueue)
            #expect(try await Self.isConsumed(replyQueue, in: cluster.virtualHost))
            let second: String = try await cluster.rpc.echo_test.append_identifier("two")
            #expect(second == "two-y")
        }
    }

    @Test func aChannelErrorIsLoggedAndTheServiceServesAgainOnceMended() async throws {
        let logs = LogCapture()
        try await TestCluster.run(services: [.service(EchoService.self)], logger: logs.logger) { cluster in
            let connection = try await AMQPConnection.connect(configuration: .init(url: cluster.config.amqpURI))
            let channel = try await connection.openChannel()
            // An operator deletes the queue and declares it anew with other arguments, before the service can.
            _ = try await channel.deleteQueue("rpc-echo_test")
            try await channel.declareQueue("rpc-echo_test", durable: true, arguments: ["x-max-length": .int32(5)])
            // The service's declaration is refused, which closes its channel: logged, and tried again.
            let closed = try await logs.first(containing: "the broker closed the service's channel")
            #expect(closed.level == .warning)
            #expect(closed.metadata["error"]?.contains("PRECONDITION_FAILED") == true)
            // Once the queue is gone, the service declares it as it wants it, and serves again.
            _ = try await channel.deleteQueue("rpc-echo_test")
            #expect(try await Self.isConsumed("rpc-echo_test", in: cluster.virtualHost))
            #expect(try await Broker.queueInfo("rpc-echo_test", vhost: cluster.virtualHost)?.contains("x-max") == false)
            let answer: String = try await cluster.rpc.echo_test.append_identifier("mended")
            #expect(answer == "mended-y")
            await connection.close()
        }
    }

    @Test func eachQueueHasOneConsumerPerInstanceOnTheContainersOneChannel() async throws {
        // As a Python instance of the same service has: one consumer per queue, one channel per container, the
        // prefetch window the config says.
        try await TestCluster.run(
            services: [.service(EchoService.self), .service(RelayService.self), .service(Beta.self)],
            config: ["max_workers": 3, "PREFETCH_COUNT": 7]
        ) { cluster in
            _ = try await cluster.rpc.relay_test.relay_dynamic("x")
            let listing = try await VirtualHosts().run([
                "list_consumers", "-p", cluster.virtualHost, "queue_name", "channel_pid", "prefetch_count",
            ])
            let rows = listing.split(separator: "\n").map { $0.split(separator: "\t").map(String.init) }
                .filter { $0.count == 3 && Int($0[2]) != nil && !$0[0].hasPrefix("rpc.reply-standalone_rpc_proxy-") }
            var consumers: [String: [[String]]] = [:]
            for row in rows { consumers[row[0], default: []].append(row) }
            for (queue, rows) in consumers {
                #expect(rows.count == 1, "\(queue) has \(rows.count) consumers:\n\(listing)")
                #expect(rows.allSatisfy { $0[2] == "7" }, "\(queue): \(rows)")
            }
            #expect(Set(consumers.keys).isSuperset(of: ["rpc-echo_test", "rpc-relay_test"]))
            #expect(consumers.keys.contains { $0.hasPrefix("evt-alpha-thing_happened--beta.") })
            // The relay's RPC queue and its reply queue share its one channel.
            let relayChannels = Set(
                rows.filter { $0[0] == "rpc-relay_test" || $0[0].hasPrefix("rpc.reply-relay_test-") }.map { $0[1] }
            )
            #expect(relayChannels.count == 1, "\(listing)")
        }
    }

    @Test func aContainerWhoseDeclarationsFailOnReconnectionBacksOffAlone() async throws {
        try await TestCluster.withVirtualHost { vhost, url in
            let relay = try await TCPRelay()
            let viaRelay = url.replacing(":5672/", with: ":\(relay.port)/")
            let logs = LogCapture()
            let runner = try ServiceRunner(
                services: [EchoService.self, LimitedService.self],
                config: ["AMQP_URI": .string(viaRelay)],
                logger: logs.logger
            )
            try await runner.start()
            let client = try ClusterRPCClient(config: ["AMQP_URI": .string(url)], defaultTimeout: .seconds(20))
            let admin = try await AMQPConnection.connect(configuration: .init(url: url))
            let channel = try await admin.openChannel()
            // While the service's connection is silent, an operator declares its queue anew with other arguments;
            // then the connection drops, and the service reconnects.
            relay.freeze()
            _ = try await channel.deleteQueue("rpc-echo_test")
            try await channel.declareQueue("rpc-echo_test", durable: true, arguments: ["x-max-length": .int32(5)])
            relay.cut()
            relay.thaw()
            // The other container of the process serves again at once, while the echo service's declarations are
            // refused and retried on their own.
            let line = try await logs.first(containing: "could not set up the consumers of echo_test")
            #expect(line.level == .warning)
            let peak: Int = try await client.limited_test.work()
            #expect(peak >= 1)
            // Mended: the echo service serves again within its backoff.
            _ = try await channel.deleteQueue("rpc-echo_test")
            #expect(try await Self.isConsumed("rpc-echo_test", in: vhost))
            let answer: String = try await client.echo_test.append_identifier("mended")
            #expect(answer == "mended-y")
            // One reconnection, not a loop of them.
            #expect(logs.lines.filter { $0.message.hasPrefix("Reconnected to") }.count == 1)
            await admin.close()
            await client.close()
            await runner.stop()
            await relay.stop()
        }
    }

    @Test func prefetchIsItsOwnSetting() async throws {
        try await TestCluster.run(EchoService.self, config: ["max_workers": 3, "PREFETCH_COUNT": 7]) { cluster in
            let consumers = try await VirtualHosts().run([
                "list_consumers", "-p", cluster.virtualHost, "queue_name", "prefetch_count",
            ])
            #expect(consumers.contains("rpc-echo_test\t7"))
        }
    }

    @Test func gracefulStopFinishesAndAnswersRunningWorkers() async throws {
        try await TestCluster.withVirtualHost { _, url in
            let config: EnokiConfig = ["AMQP_URI": .string(url)]
            let logger = Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() })
            let runner = try ServiceRunner(services: [EchoService.self], config: config, logger: logger)
            try await runner.start()
            let client = try ClusterRPCClient(config: config)
            async let reply: Double = client.echo_test.slow(0.8125)
            // Stop once the worker runs.
            while !Recorder.shared.events("slow").contains("start 0.8125") {
                try await Task.sleep(for: .milliseconds(20))
            }
            await runner.stop()
            #expect(try await reply == 0.8125)
            #expect(Recorder.shared.events("slow").contains("end 0.8125"))
            // After the stop nobody serves the queue: a new call waits, and times out.
            let error = await #expect(throws: EnokiError.self) {
                try await client.echo_test.withTimeout(.milliseconds(300)).slow(0)
            }
            #expect(error?.code == .timeout)
            await client.close()
        }
    }

    @Test func killLeavesTheRequestForAnotherInstance() async throws {
        try await TestCluster.withVirtualHost { _, url in
            let config: EnokiConfig = ["AMQP_URI": .string(url)]
            let logger = Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() })
            let first = try ServiceRunner(services: [EchoService.self], config: config, logger: logger)
            try await first.start()
            let client = try ClusterRPCClient(config: config, defaultTimeout: .seconds(20))
            async let reply: Double = client.echo_test.slow(0.5625)
            while !Recorder.shared.events("slow").contains("start 0.5625") {
                try await Task.sleep(for: .milliseconds(20))
            }
            await first.kill()
            // The request was not acknowledged: a second instance gets it again and answers.
            let second = try ServiceRunner(services: [EchoService.self], config: config, logger: logger)
            try await second.start()
            #expect(try await reply == 0.5625)
            await second.stop()
            await client.close()
        }
    }

    /// Whether a queue has a consumer (so it is declared, bound and consumed again), waiting up to 20 seconds.
    static func isConsumed(_ queue: String, in virtualHost: String) async throws -> Bool {
        for _ in 0..<400 {
            let listing = try await Broker.ctl("list_queues", "-p", virtualHost, "name", "consumers")
            let consumed = listing.split(separator: "\n").contains { line in
                let columns = line.split(separator: "\t")
                return columns.count == 2 && columns[0] == queue && (Int(columns[1]) ?? 0) > 0
            }
            if consumed { return true }
            try await Task.sleep(for: .milliseconds(50))
        }
        return false
    }
}
