//===----------------------------------------------------------------------===//
// This source file is part of Enoki. Licensed under Apache License v2.0.
//===----------------------------------------------------------------------===//

import Enoki
import EnokiBenchSupport
import Foundation

/// Calls `echo.echo(x)` through a ``ClusterRPCClient``, as an application would, with a fixed number of calls in
/// flight, and prints a RESULT line in the format of the rabbitmq-c tools.
enum RPCLoad {
    static func run(_ options: BenchOptions) async throws {
        let inFlight = options.int("w", 1)
        let duration = options.double("d", 5)
        let payload = JSONValue.string(String(repeating: "x", count: options.int("s", 16)))
        let service = options.string("S", "echo")
        let client = try ClusterRPCClient(config: EnokiConfig(amqpURI: benchBrokerURL()))
        try await client.start()
        let echo = client.service(service)
        let load = ClosedLoad(inFlight: inFlight, duration: duration, warmup: options.double("W", 1))
        let result = try await load.run { _ in
            do {
                return try await echo.call("echo", args: [payload]) == payload
            } catch {
                FileHandle.standardError.write(Data("enoki-bench: \(error)\n".utf8))
                return false
            }
        }
        await client.close()
        print(
            String(
                format: "RESULT bench=%@ inflight=%d payload=%d | rate=%.1f",
                options.string("t", "enoki_client"),
                inFlight,
                options.int("s", 16),
                Double(result.measured) / duration
            ) + LatencySummary(samples: result.latencies).description + " total=\(result.total) bad=\(result.failed)"
        )
    }
}
