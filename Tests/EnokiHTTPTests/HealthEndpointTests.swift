//===----------------------------------------------------------------------===//
// This source file is part of Enoki. Licensed under Apache License v2.0.
//===----------------------------------------------------------------------===//

import Enoki
import EnokiTestSupport
import EnokiTesting
import Foundation
import Testing

/// Liveness and readiness of a service process, over its web server and through the discovery call.
@Suite(.timeLimit(.minutes(3))) struct HealthEndpointTests {
    static func probe(_ port: Int, _ path: String) async throws -> (status: Int, body: JSONValue) {
        let answer = try await RawHTTP.request(port: port, "GET", path)
        #expect(answer.header("Content-Type") == "application/json")
        return (answer.status, try JSONParser.parse(answer.body))
    }

    @Test func aStartedServiceIsLiveAndReadyOverHTTPAndTheDiscoveryCall() async throws {
        try await TestCluster.withVirtualHost { _, url in
            let (process, port) = try await WebProcesses.swift(
                "enoki-examples",
                ["http_service", "service_y"],
                config: ["AMQP_URI": "'\(url)'"]
            )
            do {
                let live = try await Self.probe(port, "/health/live")
                #expect(live.status == 200)
                #expect(live.body["live"] == true)
                let ready = try await Self.probe(port, "/health/ready")
                #expect(ready.status == 200, "\(ready.body)")
                #expect(ready.body["ready"] == true)
                #expect(ready.body["checks"]?["amqp"]?["ready"] == true)
                #expect(ready.body["checks"]?["service_y"]?["ready"] == true)
                #expect(ready.body["checks"]?["http_service"]?["ready"] == true)
                // The broker's password is not in the answer.
                #expect(!JSONWriter.string(ready.body).contains("guest:guest"))
                #expect(try await RawHTTP.request(port: port, "HEAD", "/health/ready").status == 200)

                // Without HTTP, the discovery call says the same.
                let described = try await ClusterRPCClient.withClient(config: EnokiConfig(amqpURI: url)) { client in
                    try await client.service_y.call("__enoki_describe__")
                }
                #expect(described["health"]?["ready"] == true)
                #expect(described["health"]?["checks"]?["service_y"]?["detail"] == "consuming")
                await process.stop()
            } catch {
                Issue.record("the service process wrote:\n\(process.log)")
                await process.stop()
                throw error
            }
        }
    }
}

/// Readiness while the broker restarts; alone, since every other test loses its broker meanwhile.
@Suite(.serialized, .timeLimit(.minutes(5))) struct HealthRunAloneTests {
    /// Probes until `condition` holds, for at most `timeout`; returns the last answer.
    static func probeUntil(
        _ port: Int,
        timeout: Duration,
        _ condition: (Int) -> Bool
    ) async throws -> (status: Int, body: JSONValue) {
        let deadline = ContinuousClock.now + timeout
        while true {
            let answer = try await HealthEndpointTests.probe(port, "/health/ready")
            if condition(answer.status) || ContinuousClock.now >= deadline { return answer }
            // Liveness holds throughout.
            #expect(try await HealthEndpointTests.probe(port, "/health/live").status == 200)
            try await Task.sleep(for: .milliseconds(200))
        }
    }

    @Test func readinessGoesFalseWhileTheBrokerIsAwayAndTrueAfterItsBack() async throws {
        try await TestCluster.withVirtualHost { _, url in
            let (process, port) = try await WebProcesses.swift(
                "enoki-examples",
                ["http_service", "service_y"],
                config: ["AMQP_URI": "'\(url)'", "PROMETHEUS": "true"]
            )
            var brokerStopped = false
            do {
                #expect(try await Self.probeUntil(port, timeout: .seconds(10)) { $0 == 200 }.status == 200)
                _ = try await Broker.ctl("stop_app")
                brokerStopped = true
                let away = try await Self.probeUntil(port, timeout: .seconds(30)) { $0 == 503 }
                #expect(away.status == 503, "\(away.body)")
                #expect(away.body["checks"]?["amqp"]?["ready"] == false, "\(away.body)")
                #expect(away.body["checks"]?["service_y"]?["ready"] == false, "\(away.body)")
                _ = try await Broker.ctl("start_app")
                brokerStopped = false
                let back = try await Self.probeUntil(port, timeout: .seconds(90)) { $0 == 200 }
                #expect(back.status == 200, "\(back.body)")
                // And it serves again.
                let reply: String = try await ClusterRPCClient.withClient(config: EnokiConfig(amqpURI: url)) {
                    try await $0.service_y.append_identifier("back")
                }
                #expect(reply == "back-y")
                // Both connections were opened again, and the metrics say so.
                let metrics = try await RawHTTP.request(port: port, "GET", "/metrics")
                let scrape = try PrometheusScrape(metrics.text)
                #expect((scrape.value("enoki_amqp_reconnections_total", ["connection": "consumer"]) ?? 0) >= 1)
                #expect((scrape.value("enoki_amqp_reconnections_total", ["connection": "publisher"]) ?? 0) >= 1)
                await process.stop()
            } catch {
                if brokerStopped { _ = try? await Broker.ctl("start_app") }
                Issue.record("the service process wrote:\n\(process.log)")
                await process.stop()
                throw error
            }
        }
    }
}
