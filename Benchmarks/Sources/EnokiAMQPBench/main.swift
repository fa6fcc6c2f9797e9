//===----------------------------------------------------------------------===//
// This source file is part of Enoki. Licensed under Apache License v2.0.
//===----------------------------------------------------------------------===//

import EnokiAMQPClient
import EnokiBenchSupport
import Foundation

// Measures the AMQP client through the real broker and prints RESULT lines in the format of the rabbitmq-c
// reference tools (../shared/tools/rabbitmq-c-bench), so that the two can be compared side by side.
//
//   enoki-amqp-bench oneway [-n N] [-s SIZE] [-m 1|2] [-c 0|1|2] [-C WINDOW] [-f PREFETCH]
//   enoki-amqp-bench echo-server [-f PREFETCH]
//   enoki-amqp-bench echo-client [-w INFLIGHT] [-d SECONDS] [-W WARMUP] [-s PAYLOAD]
//   enoki-amqp-bench echo [-w 1,10,100] [-d SECONDS] [-W WARMUP]   (server and client in one process)
//   echo-client -N: requests shaped as Nameko sends them (mandatory, with a nameko.call_id_stack header); by
//       default they are shaped as the reference C client sends them (neither), for a like-for-like comparison
//   -G  run the benchmark's own tasks on Swift's default executor rather than the connection's event loop
//
// The broker comes from AMQP_URL, or AMQP_HOST/AMQP_PORT/AMQP_USER/AMQP_PASS/AMQP_VHOST like the C tools.

let arguments = CommandLine.arguments.dropFirst()
let command = arguments.first ?? "help"
let options = BenchOptions(arguments.dropFirst(), flags: ["G", "N"])
// The benchmark's own code only moves messages along, so it runs on the connection's event loop
// (EventLoopExecutor), as such code should; -G runs it on the default executor instead.
let onEventLoop = !options.flag("G")

do {
    switch command {
    case "oneway":
        try await OneWay.run(options, onEventLoop: onEventLoop)
    case "echo-server":
        try await Echo.serve(configuration: benchConfiguration(), prefetch: options.int("f", 200))
    case "echo-client":
        try await Echo.drive(
            configuration: benchConfiguration(),
            inFlight: options.int("w", 1),
            duration: options.double("d", 5),
            warmup: options.double("W", 1),
            payload: options.int("s", 16),
            label: options.string("t", "enoki_rpc"),
            onEventLoop: onEventLoop,
            mandatory: options.flag("N"),
            callStackHeader: options.flag("N")
        )
    case "echo":
        let configuration = try benchConfiguration()
        try await withThrowingTaskGroup(of: Void.self) { group in
            let (ready, readyContinuation) = AsyncStream.makeStream(of: Void.self)
            group.addTask {
                try await Echo.serve(configuration: configuration, prefetch: options.int("f", 200)) {
                    readyContinuation.finish()
                }
            }
            for await _ in ready {}
            for inFlight in options.ints("w", [1, 10, 100]) {
                try await Echo.drive(
                    configuration: configuration,
                    inFlight: inFlight,
                    duration: options.double("d", 5),
                    warmup: options.double("W", 1),
                    payload: options.int("s", 16),
                    label: "enoki_rpc",
                    onEventLoop: onEventLoop
                )
            }
            group.cancelAll()
        }
    default:
        print("usage: enoki-amqp-bench oneway|echo-server|echo-client|echo [options]; see the comment in main.swift")
    }
} catch {
    print("enoki-amqp-bench: \(error)")
    exit(1)
}
