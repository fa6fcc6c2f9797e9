//===----------------------------------------------------------------------===//
// This source file is part of Enoki. Licensed under Apache License v2.0.
//===----------------------------------------------------------------------===//

import EnokiAMQPClient
import EnokiTestSupport
import Logging
import Testing

/// A broker list whose first node does not answer (nothing listens on port 1): the client goes on to the next.
@Suite(.timeLimit(.minutes(2))) struct FailoverTests {
    static let downNode = "amqp://guest:guest@127.0.0.1:1//"

    @Test func connectGoesOnToTheNextNode() async throws {
        var configuration = try AMQPConnection.Configuration(url: "\(Self.downNode);\(Broker.url)")
        configuration.connectionName = Broker.uniqueName("failover")
        let connection = try await AMQPConnection.connect(configuration: configuration)
        #expect(connection.isOpen)
        #expect(connection.redactedURL == "amqp://guest:**@127.0.0.1:5672//")
        await connection.close()
    }

    @Test func noNodeAnsweringNamesEveryNode() async throws {
        let configuration = try AMQPConnection.Configuration(url: "\(Self.downNode);amqp://guest:guest@127.0.0.1:2//")
        await #expect {
            _ = try await AMQPConnection.connect(configuration: configuration)
        } throws: { error in
            guard let error = error as? AMQPError, error.code == .connectionFailed else { return false }
            return error.message.contains("127.0.0.1:1/") && error.message.contains("127.0.0.1:2/")
                && !error.message.contains("guest:guest")
        }
    }

    @Test func theClientTriesTheNextNodeAtOnce() async throws {
        var configuration = try AMQPConnection.Configuration(url: "\(Self.downNode);\(Broker.url)")
        configuration.connectionName = Broker.uniqueName("failover-client")
        let client = AMQPClient(
            configuration: configuration,
            reconnectPolicy: .init(initialDelay: .seconds(30)),
            logger: Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() })
        )
        let events = client.events()
        await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await client.run() }
            defer { group.cancelAll() }
            var iterator = events.makeAsyncIterator()
            guard case .connectFailed(_, let retryIn) = await iterator.next() else {
                Issue.record("expected the first node to fail")
                return
            }
            #expect(retryIn == .zero)
            // Well before the 30 s backoff: the second node is tried without waiting.
            guard case .connected(let connection) = await iterator.next() else {
                Issue.record("expected a connection to the second node")
                return
            }
            #expect(connection.redactedURL == "amqp://guest:**@127.0.0.1:5672//")
        }
    }
}
