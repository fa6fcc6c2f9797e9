//===----------------------------------------------------------------------===//
// This source file is part of Enoki. Licensed under Apache License v2.0.
//===----------------------------------------------------------------------===//

import Enoki
import EnokiTestSupport
import EnokiTesting
import Foundation
import Logging
import Testing

/// A connection that goes while the broker holds a message it has not confirmed: the message is sent again on a
/// new connection, and the call returns, or the event arrives. The broker's memory alarm holds the message (the
/// broker stops reading from publishing connections); it is broker-wide, so `scripts/test.sh` runs this suite on
/// its own.
@Suite(.serialized, .timeLimit(.minutes(3))) struct LostConnectionRunAloneTests {
    @Test func aReplyLostWithItsConnectionIsSentAgain() async throws {
        let logs = LogCapture()
        try await TestCluster.run(services: [.service(EchoService.self)], logger: logs.logger) { cluster in
            // The service's publisher connection is open before the alarm.
            let first: Double = try await cluster.rpc.echo_test.slow(0)
            #expect(first == 0)
            async let reply: Double = cluster.rpc.echo_test.slow(2.6875)
            try await Self.waitFor("start 2.6875")
            try await Broker.withMemoryAlarm {
                // The alarm is up before the worker replies (the method takes 2.7 s) ...
                #expect(!Recorder.shared.events("slow").contains("end 2.6875"))
                // ... so its reply is held by the broker, unconfirmed, when its connection goes.
                try await Self.waitFor("end 2.6875")
                try await Task.sleep(for: .milliseconds(300))
                try await Broker.closeConnections(named: "enoki publisher", virtualHost: cluster.virtualHost)
            }
            #expect(try await reply == 2.6875)
            // The service said why its reply waited.
            let blocked = try await logs.first(containing: "the broker blocked the connection")
            #expect(blocked.level == .warning)
            #expect(blocked.message.contains("publishing waits until it unblocks"))
            // The reply itself was sent again: the method ran once.
            #expect(Recorder.shared.events("slow").filter { $0 == "start 2.6875" }.count == 1)
            // The request was acknowledged once the reply sent again was confirmed: nothing holds a place in the
            // service's prefetch window.
            var unacknowledged = try await Self.unacknowledged("rpc-echo_test", in: cluster.virtualHost)
            for _ in 0..<50 where unacknowledged != 0 {
                try await Task.sleep(for: .milliseconds(100))
                unacknowledged = try await Self.unacknowledged("rpc-echo_test", in: cluster.virtualHost)
            }
            #expect(unacknowledged == 0)
            let after: String = try await cluster.rpc.echo_test.append_identifier("after")
            #expect(after == "after-y")
        }
    }

    @Test func aRequestLostWithItsConnectionIsSentAgain() async throws {
        try await TestCluster.run(EchoService.self) { cluster in
            let first: Double = try await cluster.rpc.echo_test.slow(0)
            #expect(first == 0)
            let reply = try await Broker.withMemoryAlarm {
                // The request is held by the broker, unconfirmed, when the client's connection goes.
                let call = Task { () async throws -> Double in try await cluster.rpc.echo_test.slow(0.4375) }
                try await Task.sleep(for: .milliseconds(500))
                #expect(!Recorder.shared.events("slow").contains("start 0.4375"))
                try await Broker.closeConnections(named: "enoki client publisher", virtualHost: cluster.virtualHost)
                return call
            }
            #expect(try await reply.value == 0.4375)
        }
    }

    @Test func anEventLostWithItsConnectionIsSentAgain() async throws {
        try await TestCluster.run(Beta.self) { cluster in
            let events = try ClusterEventDispatcher(config: cluster.config)
            let warmUp = cluster.waiter(Beta.self, "on_unreliable")
            try await events.dispatch("alpha", "other_thing", "warm-up")
            _ = try await warmUp.wait()
            let waiter = cluster.waiter(Beta.self, "on_order")
            let dispatch = try await Broker.withMemoryAlarm {
                // The event is held by the broker, unconfirmed, when the dispatcher's connection goes.
                let dispatch = Task { try await events.dispatch("alpha", "ordered", Order(item: "tea", count: 2)) }
                try await Task.sleep(for: .milliseconds(500))
                try await Broker.closeConnections(named: "enoki client publisher", virtualHost: cluster.virtualHost)
                return dispatch
            }
            try await dispatch.value
            #expect(try await waiter.wait().payload == ["item": "tea", "count": 2])
            await events.close()
        }
    }

    /// Waits until `EchoService.slow` has recorded `event`.
    static func waitFor(_ event: String) async throws {
        for _ in 0..<250 where !Recorder.shared.events("slow").contains(event) {
            try await Task.sleep(for: .milliseconds(20))
        }
        try #require(Recorder.shared.events("slow").contains(event))
    }

    /// The `messages_unacknowledged` of a queue.
    static func unacknowledged(_ queue: String, in virtualHost: String) async throws -> Int? {
        let listing = try await Broker.ctl("list_queues", "-p", virtualHost, "name", "messages_unacknowledged")
        for line in listing.split(separator: "\n") {
            let columns = line.split(separator: "\t")
            if columns.count == 2, columns[0] == queue {
                return Int(columns[1])
            }
        }
        return nil
    }
}
