//===----------------------------------------------------------------------===//
// This source file is part of Enoki. Licensed under Apache License v2.0.
//===----------------------------------------------------------------------===//

import Enoki
import EnokiAMQPClient
import EnokiTesting
import Testing

@Service("readiness_probe")
struct ReadinessProbe {
    @RPC func ping() -> String { "pong" }
}

/// Readiness follows the consumers: a queue deleted under a running service makes it unready until it consumes the
/// queue again.
@Suite(.timeLimit(.minutes(2))) struct ReadinessTests {
    static func until(_ timeout: Duration, _ condition: () -> Bool) async throws -> Bool {
        let deadline = ContinuousClock.now + timeout
        while !condition() {
            guard ContinuousClock.now < deadline else { return false }
            try await Task.sleep(for: .milliseconds(10))
        }
        return true
    }

    @Test func aCancelledConsumerMakesTheServiceUnreadyUntilItConsumesAgain() async throws {
        try await TestCluster.run(ReadinessProbe.self) { cluster in
            let health = cluster.runner.health
            #expect(health.isReady, "\(health.json)")
            let connection = try await AMQPConnection.connect(configuration: .init(url: cluster.config.amqpURI))
            let channel = try await connection.openChannel()
            _ = try await channel.deleteQueue("rpc-readiness_probe")
            // The service waits a second before it declares and consumes the queue again: unready meanwhile.
            #expect(try await Self.until(.seconds(1)) { !health.isReady }, "\(health.json)")
            let detail = health.statuses()["readiness_probe"]?.detail ?? ""
            #expect(detail.contains("cancelled the consumer of rpc-readiness_probe"), "\(detail)")
            #expect(try await Self.until(.seconds(10)) { health.isReady }, "\(health.json)")
            let pong: String = try await cluster.rpc.readiness_probe.ping()
            #expect(pong == "pong")
            await connection.close()
        }
    }
}
