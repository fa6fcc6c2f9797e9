//===----------------------------------------------------------------------===//
// This source file is part of Enoki. Licensed under Apache License v2.0.
//===----------------------------------------------------------------------===//

import EnokiAMQPClient
import EnokiAMQPProtocol
import EnokiTestSupport
import Foundation
import NIOCore
import NIOSSL
import Testing

@Suite(.timeLimit(.minutes(3))) struct ConnectionTests {
    @Test func connectsAndNegotiates() async throws {
        let connection = try await Broker.connect(name: Broker.uniqueName("negotiate"))
        #expect(connection.isOpen)
        #expect(connection.serverProperties["product"] == "RabbitMQ")
        #expect(connection.frameMax == 131_072)
        #expect(connection.channelMax == 2047)
        #expect(connection.heartbeat == 60)
        #expect(connection.redactedURL == "amqp://guest:**@127.0.0.1:5672//")
        await connection.close()
        #expect(!connection.isOpen)
        #expect(await connection.closed().code == .connectionClosed)
    }

    @Test(.timeLimit(.minutes(1))) func wrongPasswordIsAClearErrorNotAHang() async throws {
        var configuration = try Broker.configuration()
        configuration.password = "definitely-wrong"
        let error = await #expect(throws: AMQPError.self) {
            try await AMQPConnection.connect(configuration: configuration)
        }
        #expect(error?.code == .authenticationFailed)
        #expect(error?.message.contains("guest") == true)
        #expect(error?.message.contains("definitely-wrong") == false)
    }

    @Test func amqplainLogin() async throws {
        var configuration = try Broker.configuration()
        configuration.authentication = .amqplain
        let connection = try await AMQPConnection.connect(configuration: configuration)
        #expect(connection.isOpen)
        await connection.close()
    }

    @Test func unknownVirtualHostIsAClearError() async throws {
        var configuration = try Broker.configuration()
        configuration.virtualHost = "enoki-no-such-vhost"
        let error = await #expect(throws: AMQPError.self) {
            try await AMQPConnection.connect(configuration: configuration)
        }
        #expect(error?.code == .virtualHostRefused)
        #expect(error?.message.contains("enoki-no-such-vhost") == true)
    }

    @Test func nothingListeningIsAConnectionFailure() async throws {
        var configuration = try Broker.configuration()
        configuration.port = 1
        let error = await #expect(throws: AMQPError.self) {
            try await AMQPConnection.connect(configuration: configuration)
        }
        #expect(error?.code == .connectionFailed)
        #expect(error?.message == "could not connect to amqp://guest:**@127.0.0.1:1//: connection refused")
    }

    @Test func tlsWithTheTestCertificateAuthority() async throws {
        var configuration = try AMQPConnection.Configuration(url: Broker.tlsURL)
        var tls = TLSConfiguration.makeClientConfiguration()
        tls.trustRoots = .file(Broker.tlsCertificateAuthority)
        configuration.tls = .require(tls)
        let connection = try await AMQPConnection.connect(configuration: configuration)
        #expect(connection.redactedURL.hasPrefix("amqps://guest:**@"))
        let channel = try await connection.openChannel()
        let queue = try await channel.declareQueue("", exclusive: true)
        try await channel.publish(Array("over tls".utf8), routingKey: queue.name)
        let fetched = try await channel.get(queue: queue.name, noAck: true)
        #expect(fetched.map { String(buffer: $0.delivery.body) } == "over tls")
        await connection.close()
    }

    @Test func tlsRefusesAnUntrustedCertificate() async throws {
        let configuration = try AMQPConnection.Configuration(url: Broker.tlsURL)  // system trust roots only
        let error = await #expect(throws: AMQPError.self) {
            try await AMQPConnection.connect(configuration: configuration)
        }
        #expect(error?.code == .connectionLost || error?.code == .handshakeFailed || error?.code == .connectionFailed)
    }

    @Test func manyChannelsOpenAndCloseAtWill() async throws {
        let connection = try await Broker.connect()
        try await withThrowingTaskGroup(of: Void.self) { group in
            for _ in 0..<50 {
                group.addTask {
                    let channel = try await connection.openChannel()
                    try await channel.qos(prefetchCount: 3)
                    try await channel.close()
                    #expect(!channel.isOpen)
                }
            }
            try await group.waitForAll()
        }
        await connection.close()
    }

    @Test func channelNumbersAreReusedAndLimited() async throws {
        var configuration = try Broker.configuration()
        configuration.channelMax = 3
        let connection = try await AMQPConnection.connect(configuration: configuration)
        #expect(connection.channelMax == 3)
        for _ in 0..<10 {
            let channel = try await connection.openChannel()
            #expect((1...3).contains(channel.id.rawValue))
            try await channel.close()
        }
        let open = [
            try await connection.openChannel(), try await connection.openChannel(), try await connection.openChannel(),
        ]
        let error = await #expect(throws: AMQPError.self) { try await connection.openChannel() }
        #expect(error?.code == .channelLimitReached)
        #expect(Set(open.map(\.id.rawValue)) == [1, 2, 3])
        await connection.close()
    }

    @Test func brokerClosingTheConnectionFailsEverythingPending() async throws {
        let name = Broker.uniqueName("forced")
        let connection = try await Broker.connect(name: name)
        let channel = try await connection.openChannel()
        let queue = try await channel.declareQueue("", exclusive: true)
        let consumer = try await channel.consume(queue: queue.name)
        try await Broker.closeConnections(named: name, reason: "test says bye")
        let reason = await connection.closed()
        #expect(reason.code == .connectionClosedByBroker)
        #expect(reason.replyCode == .connectionForced)
        #expect(reason.message.contains("test says bye"))
        let consumerError = await #expect(throws: AMQPError.self) {
            for try await _ in consumer {}
        }
        #expect(consumerError?.code == .connectionClosedByBroker)
        let afterwards = await #expect(throws: AMQPError.self) { try await channel.declareQueue("x", exclusive: true) }
        #expect(afterwards?.code == .connectionClosedByBroker)
        let noChannel = await #expect(throws: AMQPError.self) { try await connection.openChannel() }
        #expect(noChannel?.code == .connectionClosedByBroker)
    }
}
