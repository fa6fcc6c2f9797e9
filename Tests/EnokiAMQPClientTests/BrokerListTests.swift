//===----------------------------------------------------------------------===//
// This source file is part of Enoki. Licensed under Apache License v2.0.
//===----------------------------------------------------------------------===//

import EnokiAMQPClient
import Testing

/// `AMQP_URI` naming the nodes of a cluster, separated by `;` as kombu takes them (Nameko issue #498).
@Suite struct BrokerListTests {
    @Test func severalBrokersAreTheNodesInTheirOrder() throws {
        let configuration = try AMQPConnection.Configuration(
            url: "amqp://guest:guest@node-a:5672//; amqp://alice:secret@node-b:5673/orders;"
        )
        #expect(configuration.host == "node-a")
        #expect(configuration.failoverNodes.map(\.host) == ["node-b"])
        let nodes = configuration.nodes
        #expect(nodes.map(\.host) == ["node-a", "node-b"])
        #expect(nodes.map(\.port) == [5672, 5673])
        #expect(nodes[1].username == "alice")
        #expect(nodes[1].password == "secret")
        #expect(nodes[1].virtualHost == "orders")
        #expect(nodes.allSatisfy { $0.failoverNodes.isEmpty })
        #expect(configuration.redactedURL == "amqp://guest:**@node-a:5672//;amqp://alice:**@node-b:5673/orders")
    }

    @Test func oneBrokerHasNoFailoverNodes() throws {
        let configuration = try AMQPConnection.Configuration(url: "amqp://guest:guest@127.0.0.1")
        #expect(configuration.failoverNodes.isEmpty)
        #expect(configuration.nodes.count == 1)
    }

    @Test func aBadEntryIsNamedByPositionWithoutItsPassword() {
        #expect {
            _ = try AMQPConnection.Configuration(url: "amqp://a:pw@node-a//;amqp://b:topsecret@node-b:99999//")
        } throws: { error in
            let message = (error as? AMQPError)?.message ?? ""
            return message.hasPrefix("broker 2 of 2:") && !message.contains("topsecret")
        }
    }

    @Test func mixingTLSAndPlainIsRefused() {
        #expect(throws: AMQPError.self) {
            _ = try AMQPConnection.Configuration(url: "amqps://node-a//;amqp://node-b//")
        }
    }

    @Test func anEmptyListIsRefused() {
        #expect(throws: AMQPError.self) { _ = try AMQPURL.list(" ; ") }
    }
}
