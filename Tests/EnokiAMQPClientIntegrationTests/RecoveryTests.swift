//===----------------------------------------------------------------------===//
// This source file is part of Enoki. Licensed under Apache License v2.0.
//===----------------------------------------------------------------------===//

import EnokiAMQPClient
import EnokiTestSupport
import Foundation
import InMemoryLogging
import Logging
import NIOCore
import Synchronization
import Testing

@Suite(.timeLimit(.minutes(3))) struct RecoveryTests {
    @Test func reconnectsAndLetsTheOwnerRestoreItsTopology() async throws {
        let name = Broker.uniqueName("recover")
        let queueName = Broker.uniqueName("recover-q")
        var configuration = try Broker.configuration(name: name)
        configuration.connectTimeout = .seconds(5)
        let setups = Atomic<Int>(0)
        let client = AMQPClient(
            configuration: configuration,
            reconnectPolicy: .init(initialDelay: .milliseconds(100), maximumDelay: .seconds(1)),
            logger: Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() })
        ) { connection in
            let channel = try await connection.openChannel()
            try await channel.declareQueue(queueName, exclusive: true)
            setups.add(1, ordering: .relaxed)
        }
        let events = client.events()
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await client.run() }
            defer { group.cancelAll() }
            var iterator = events.makeAsyncIterator()
            guard case .connected(let first) = await iterator.next() else {
                Issue.record("expected a connection")
                return
            }
            #expect(setups.load(ordering: .relaxed) == 1)
            try await Broker.closeConnections(named: name)
            guard case .disconnected(let reason) = await iterator.next() else {
                Issue.record("expected a disconnection")
                return
            }
            #expect(reason.replyCode == .connectionForced)
            guard let second = await Self.nextConnection(&iterator) else {
                Issue.record("expected a reconnection")
                return
            }
            #expect(second !== first)
            #expect(setups.load(ordering: .relaxed) == 2)
            // The exclusive queue died with the first connection and was declared again on the second.
            let channel = try await client.connection().openChannel()
            try await channel.declareQueue(queueName, exclusive: true, passive: true)
        }
    }

    @Test func reconnectsAfterTheNetworkDrops() async throws {
        let relay = try await TCPRelay()
        var configuration = try Broker.configuration()
        configuration.port = relay.port
        let client = AMQPClient(
            configuration: configuration,
            reconnectPolicy: .init(initialDelay: .milliseconds(100)),
            logger: Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() })
        )
        let events = client.events()
        await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await client.run() }
            defer { group.cancelAll() }
            var iterator = events.makeAsyncIterator()
            guard await Self.nextConnection(&iterator) != nil else {
                Issue.record("expected a connection")
                return
            }
            relay.cut()
            guard case .disconnected(let reason) = await iterator.next() else {
                Issue.record("expected a disconnection")
                return
            }
            #expect(reason.code == .connectionLost)
            guard await Self.nextConnection(&iterator) != nil else {
                Issue.record("expected a reconnection")
                return
            }
        }
        await relay.stop()
    }

    @Test func aConnectionClosedSoonAfterItOpensIsReopenedWithBackoff() async throws {
        // The peer closes every connection as soon as it opens: a client that reconnected at once would loop. The
        // relay is cut once each connection is open (cutting on a timer instead cut slow handshakes too, when the
        // machine was busy, and then no connection ever opened).
        let relay = try await TCPRelay()
        var configuration = try Broker.configuration()
        configuration.port = relay.port
        let logs = InMemoryLogHandler()
        let client = AMQPClient(
            configuration: configuration,
            reconnectPolicy: .init(initialDelay: .milliseconds(500), maximumDelay: .seconds(10)),
            logger: Logger(label: "test", factory: { _ in logs })
        )
        let events = client.events()
        let connections = TestCounter()
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await client.run() }
            group.addTask {
                for await event in events {
                    guard case .connected = event else { continue }
                    connections.add()
                    try? await Task.sleep(for: .milliseconds(50))
                    relay.cut()
                }
            }
            try await Task.sleep(for: .seconds(6))
            group.cancelAll()
        }
        await relay.stop()
        // Waits of 0.5, 1, 2, 4 seconds: about five connections in six seconds, where reconnecting at once made
        // one every few milliseconds.
        let count = connections.count
        #expect(count >= 2 && count <= 6, "\(count) connections")
        #expect(
            logs.entries.contains {
                "\($0.message)".contains("soon after it opened") && "\($0.message)".contains("reconnecting in")
            }
        )
    }

    @Test func brokerNotUpYetIsRetriedWithALogLineSayingWhereAndWhen() async throws {
        let logs = InMemoryLogHandler()
        var configuration = try AMQPConnection.Configuration(url: "amqp://guest:s3cret@127.0.0.1:1/")
        // Refused at once; the timeout only keeps a loaded machine from turning the refusal into a timeout.
        configuration.connectTimeout = .seconds(5)
        let client = AMQPClient(
            configuration: configuration,
            reconnectPolicy: .init(initialDelay: .milliseconds(50), maximumDelay: .milliseconds(200)),
            logger: Logger(label: "test", factory: { _ in logs })
        )
        let events = client.events()
        await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await client.run() }
            var failures = 0
            for await event in events {
                if case .connectFailed(let error, let delay) = event {
                    #expect(error.code == .connectionFailed)
                    #expect(delay <= .milliseconds(200))
                    failures += 1
                }
                if failures == 3 { break }
            }
            group.cancelAll()
        }
        let warnings = logs.entries.filter { $0.level == .warning }.map { "\($0.message)" }
        #expect(warnings.count >= 3)
        #expect(
            warnings.first
                == "could not connect to amqp://guest:**@127.0.0.1:1// (connection refused); retrying in 0.0 seconds"
        )
        #expect(!logs.entries.contains { "\($0.message)".contains("s3cret") })
        // After it stops, asking for a connection fails instead of waiting.
        let error = await #expect(throws: AMQPError.self) { try await client.connection() }
        #expect(error?.code == .clientStopped)
    }

    @Test func aWaitCanEndOnAFailureNoRetryMends() async throws {
        let url = Broker.url.replacingOccurrences(of: "guest:guest@", with: "guest:wrong@")
        let client = AMQPClient(
            configuration: try AMQPConnection.Configuration(url: url),
            reconnectPolicy: .init(initialDelay: .milliseconds(50), maximumDelay: .milliseconds(200)),
            logger: Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() })
        )
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await client.run() }
            // A plain wait goes on through the refusals, in case an operator mends the user.
            let patient = Task { try await client.connection() }
            let refused = await #expect(throws: AMQPError.self) {
                try await client.connection(failingOn: [.authenticationFailed, .virtualHostRefused])
            }
            #expect(refused?.code == .authenticationFailed)
            // Asked again after a refusal, the answer comes at once.
            let again = await #expect(throws: AMQPError.self) {
                try await client.connection(failingOn: [.authenticationFailed])
            }
            #expect(again?.code == .authenticationFailed)
            // A wait that does not name the failure is still waiting; it ends when the client stops.
            try await Task.sleep(for: .milliseconds(300))
            group.cancelAll()
            let stopped = await #expect(throws: AMQPError.self) { try await patient.value }
            #expect(stopped?.code == .clientStopped)
        }
    }

    /// The next connection the client makes, passing over attempts that fail (on a busy machine one may time out
    /// and be retried); nil when the events end or something else comes first.
    private static func nextConnection(
        _ iterator: inout AsyncStream<AMQPClient.Event>.Iterator
    ) async -> AMQPConnection? {
        while let event = await iterator.next() {
            switch event {
            case .connected(let connection): return connection
            case .connectFailed: continue
            case .disconnected: return nil
            }
        }
        return nil
    }
}
