//===----------------------------------------------------------------------===//
// This source file is part of Enoki. Licensed under Apache License v2.0.
//===----------------------------------------------------------------------===//

import Enoki
import EnokiBenchSupport
import EnokiHTTP
import Foundation

// The framework benchmarks' Swift side (bench/run.py drives it next to Python Nameko):
//
//   enoki-bench run echo [--broker URI | --config FILE]   the echo service, on its own (with PROMETHEUS and
//       BENCH_TRACING: true in the config, with metrics and with every span recorded and none exported)
//   enoki-bench rpc [-w INFLIGHT] [-d SECONDS] [-W WARMUP] [-s PAYLOAD] [-S SERVICE]
//       calls SERVICE.echo(x) (default service echo) through a ClusterRPCClient with INFLIGHT calls in flight
//   enoki-bench events [-n N] [-w WINDOW] [-S SERVICE]
//       dispatches N bench_source.ping events (WINDOW at a time) and waits until SERVICE.events_seen() has grown
//       by N
//   enoki-bench stages [-n RUNS] [-s PAYLOAD] [-o STAGE]
//       times each stage of an echo call in the client and the service, without a broker (ns per run)
//   enoki-bench run http_service --config FILE             the seed's http_service (EnokiHTTP)
//   enoki-bench http-bare PORT
//       a bare Hummingbird server with the same route as http_service: the ceiling of the HTTP benchmark
//   enoki-bench parsing [-m MAX_MIB]
//       times the parsing of request bodies of every shape at growing sizes, and the memory they hold parsed
//
// The client commands find the broker in AMQP_URL, or AMQP_HOST/AMQP_PORT/AMQP_USER/AMQP_PASS/AMQP_VHOST.

let arguments = Array(CommandLine.arguments.dropFirst())
do {
    switch arguments.first {
    case "rpc":
        try await RPCLoad.run(BenchOptions(arguments.dropFirst()))
    case "events":
        try await EventLoad.run(BenchOptions(arguments.dropFirst()))
    case "stages":
        try await StageTimings.run(BenchOptions(arguments.dropFirst()))
    case "parsing":
        try await ParseScaling.run(BenchOptions(arguments.dropFirst()))
    case "http-bare":
        try await BareHTTP.run(port: arguments.dropFirst().first.flatMap(Int.init) ?? 18080)
    default:
        await ServiceCommandLine.main(services: [EchoService.self, BenchHttpService.self], exporters: [BenchTracing.self])
    }
} catch {
    FileHandle.standardError.write(Data("enoki-bench: \(error)\n".utf8))
    exit(1)
}
