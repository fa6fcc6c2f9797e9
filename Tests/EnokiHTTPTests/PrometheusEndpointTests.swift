//===----------------------------------------------------------------------===//
// This source file is part of Enoki. Licensed under Apache License v2.0.
//===----------------------------------------------------------------------===//

import Enoki
import EnokiTestSupport
import EnokiTesting
import Foundation
import Synchronization
import Testing

/// One scrape in Prometheus' text format, parsed strictly enough that a malformed line fails the test.
struct PrometheusScrape {
    struct Sample {
        var name: String
        var labels: [String: String]
        var value: Double
    }

    var samples: [Sample] = []
    var types: [String: String] = [:]

    init(_ text: String) throws {
        for line in text.split(separator: "\n") {
            if line.hasPrefix("# TYPE ") {
                let parts = line.split(separator: " ")
                guard parts.count == 4 else { throw RawHTTPError(description: "bad TYPE line: \(line)") }
                self.types[String(parts[2])] = String(parts[3])
                continue
            }
            if line.hasPrefix("#") { continue }
            self.samples.append(try Self.sample(line))
        }
    }

    private static func sample(_ line: Substring) throws -> Sample {
        let bad = RawHTTPError(description: "bad sample line: \(line)")
        guard let space = line.lastIndex(of: " "), let value = Double(line[line.index(after: space)...]) else {
            throw bad
        }
        let series = line[..<space]
        guard let brace = series.firstIndex(of: "{") else {
            return Sample(name: String(series), labels: [:], value: value)
        }
        guard series.last == "}" else { throw bad }
        var labels: [String: String] = [:]
        var rest = series[series.index(after: brace)..<series.index(before: series.endIndex)]
        while !rest.isEmpty {
            guard let equals = rest.firstIndex(of: "="), rest[rest.index(after: equals)] == "\"" else { throw bad }
            let name = String(rest[..<equals])
            var cursor = rest.index(equals, offsetBy: 2)
            var text = ""
            while cursor < rest.endIndex, rest[cursor] != "\"" {
                if rest[cursor] == "\\" { cursor = rest.index(after: cursor) }
                text.append(rest[cursor])
                cursor = rest.index(after: cursor)
            }
            guard cursor < rest.endIndex else { throw bad }
            labels[name] = text
            rest = rest[rest.index(after: cursor)...]
            if rest.first == "," { rest = rest.dropFirst() }
        }
        return Sample(name: String(series[..<brace]), labels: labels, value: value)
    }

    /// The sum of the samples of `name` whose labels include `labels`.
    func value(_ name: String, _ labels: [String: String] = [:]) -> Double? {
        let matching = self.samples.filter { sample in
            sample.name == name && labels.allSatisfy { sample.labels[$0.key] == $0.value }
        }
        return matching.isEmpty ? nil : matching.map(\.value).reduce(0, +)
    }
}

/// What successive scrapes saw.
final class ScrapedValues: Sendable {
    private let values = Mutex<[Double]>([])

    func append(_ value: Double) { self.values.withLock { $0.append(value) } }

    var all: [Double] { self.values.withLock { $0 } }
}

/// The Prometheus endpoint of a service process, on a port of its own and on the web server.
@Suite(.timeLimit(.minutes(3))) struct PrometheusEndpointTests {
    static func scrape(_ port: Int, _ path: String = "/metrics") async throws -> PrometheusScrape {
        let answer = try await RawHTTP.request(port: port, "GET", path)
        guard answer.status == 200 else { throw RawHTTPError(description: "scrape answered \(answer)") }
        #expect(answer.header("Content-Type") == "text/plain; version=0.0.4; charset=utf-8")
        return try PrometheusScrape(answer.text)
    }

    /// The port a process says its metrics are on.
    static func metricsPort(_ process: Subprocess) throws -> Int {
        let marker = "metrics served at http://127.0.0.1:"
        guard let line = process.log.split(separator: "\n").first(where: { $0.contains(marker) }),
            let tail = line.components(separatedBy: marker).last,
            let port = Int(tail.prefix { $0.isNumber })
        else {
            throw RawHTTPError(description: "the service did not say where its metrics are:\n\(process.log)")
        }
        return port
    }

    @Test func aServiceWithoutHTTPServesItsMetricsOnAPortOfItsOwnWhileUnderLoad() async throws {
        try await TestCluster.withVirtualHost { _, url in
            let (process, _) = try await WebProcesses.swift(
                "enoki-examples",
                ["service_y"],
                config: ["AMQP_URI": "'\(url)'", "PROMETHEUS": "{ADDRESS: '127.0.0.1:0'}"],
                serves: false
            )
            do {
                let port = try Self.metricsPort(process)
                let labels = ["service": "service_y", "entrypoint": "append_identifier", "kind": "rpc"]
                let total = 400
                let scrapes = ScrapedValues()
                try await ClusterRPCClient.withClient(config: EnokiConfig(amqpURI: url)) { client in
                    try await withThrowingTaskGroup(of: Void.self) { group in
                        // 20 callers, 20 calls each.
                        for caller in 0..<20 {
                            group.addTask {
                                for index in 0..<(total / 20) {
                                    let reply: String = try await client.service_y.append_identifier(
                                        "\(caller)-\(index)"
                                    )
                                    #expect(reply == "\(caller)-\(index)-y")
                                }
                            }
                        }
                        // A scraper at the same time, bounded in count.
                        group.addTask {
                            for _ in 0..<100 {
                                let scrape = try await Self.scrape(port)
                                let done = scrape.value(
                                    "enoki_worker_calls_total",
                                    labels.merging(["outcome": "success"]) { $1 }
                                )
                                scrapes.append(done ?? 0)
                                if (done ?? 0) >= Double(total) { return }
                                try await Task.sleep(for: .milliseconds(20))
                            }
                        }
                        try await group.waitForAll()
                    }
                    // Arguments that do not fit, and a method that does not exist.
                    await #expect(throws: RemoteError.self) { try await client.service_y.append_identifier() }
                    await #expect(throws: RemoteError.self) { try await client.service_y.no_such_method() }
                }
                let seen = scrapes.all
                #expect(seen.count >= 2)
                #expect(seen == seen.sorted(), "a counter never goes down between scrapes")

                let scrape = try await Self.scrape(port)
                #expect(scrape.value("enoki_worker_calls_total", labels.merging(["outcome": "success"]) { $1 }) == 400)
                #expect(scrape.value("enoki_worker_calls_total", labels.merging(["outcome": "refused"]) { $1 }) == 1)
                #expect(
                    scrape.value(
                        "enoki_worker_calls_total",
                        ["service": "service_y", "entrypoint": "(unknown)", "outcome": "refused"]
                    ) == 1
                )
                #expect(scrape.types["enoki_worker_duration_seconds"] == "histogram")
                #expect(scrape.value("enoki_worker_duration_seconds_count", labels) == 400)
                #expect(scrape.value("enoki_workers_max", ["service": "service_y"]) == 10)
                #expect(scrape.value("enoki_workers_busy", ["service": "service_y"]) == 0)
                #expect(!scrape.samples.contains { $0.labels.values.contains { $0.contains("no_such") } })

                // Bytes that are not HTTP get a 400; the endpoint keeps serving.
                let connection = try await RawConnection.open(port: port)
                try await connection.send(Array("\u{0}\u{1}garbage\r\n\r\n".utf8))
                let refused = try await connection.response()
                await connection.close()
                #expect(refused?.status == 400)
                #expect(try await RawHTTP.request(port: port, "GET", "/elsewhere").status == 404)
                // The probes are on the metrics port too, when there is no web server.
                #expect(try await RawHTTP.request(port: port, "GET", "/health/ready").status == 200)
                #expect(try await RawHTTP.request(port: port, "POST", "/metrics").status == 405)
                #expect(try await Self.scrape(port).value("enoki_workers_max") == 10)
                await process.stop()
            } catch {
                Issue.record("the service process wrote:\n\(process.log)")
                await process.stop()
                throw error
            }
        }
    }

    @Test func aServiceWithHTTPServesItsMetricsOnTheWebServer() async throws {
        try await TestCluster.withVirtualHost { _, url in
            let (process, port) = try await WebProcesses.swift(
                "enoki-examples",
                ["http_service", "http_exceptions_service"],
                config: ["AMQP_URI": "'\(url)'", "PROMETHEUS": "true"]
            )
            do {
                #expect(try await RawHTTP.request(port: port, "GET", "/get/42").status == 200)
                #expect(try await RawHTTP.request(port: port, "GET", "/get/43").status == 200)
                #expect(try await RawHTTP.request(port: port, "GET", "/custom_exception").status == 400)
                let scrape = try await Self.scrape(port)
                #expect(
                    scrape.value(
                        "enoki_worker_calls_total",
                        ["service": "http_service", "entrypoint": "get_method", "kind": "http", "outcome": "success"]
                    ) == 2
                )
                #expect(
                    scrape.value(
                        "enoki_worker_calls_total",
                        ["service": "http_exceptions_service", "entrypoint": "custom_exception", "outcome": "error"]
                    ) == 1
                )
                // No port of its own: the web server serves the metrics.
                #expect(process.log.contains("metrics served at /metrics on the web server"))
                #expect(!process.log.contains("metrics served at http://"))
                await process.stop()
            } catch {
                Issue.record("the service process wrote:\n\(process.log)")
                await process.stop()
                throw error
            }
        }
    }
}
