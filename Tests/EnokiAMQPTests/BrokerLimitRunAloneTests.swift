//===----------------------------------------------------------------------===//
// This source file is part of Enoki. Licensed under Apache License v2.0.
//===----------------------------------------------------------------------===//

import Enoki
import EnokiTestSupport
import EnokiTesting
import Foundation
import Logging
import Testing

/// A reply the broker refuses every time (larger than its `max_message_size`) is final: the caller gets an error,
/// the method is not run again for ever, and the other replies on the same publisher channel arrive. The broker's
/// limit is broker-wide, so `scripts/test.sh` runs this suite on its own.
@Suite(.serialized, .timeLimit(.minutes(3))) struct BrokerLimitRunAloneTests {
    /// Runs `body` with the broker's `max_message_size` at `limit` for channels opened meanwhile.
    static func withBrokerLimit<Result: Sendable>(
        _ limit: Int,
        _ body: () async throws -> Result
    ) async throws -> Result {
        try await Broker.ctl("eval", "application:set_env(rabbit, max_message_size, \(limit)).")
        do {
            let result = try await body()
            try await Broker.ctl("eval", "application:set_env(rabbit, max_message_size, 134217728).")
            return result
        } catch {
            _ = try? await Broker.ctl("eval", "application:set_env(rabbit, max_message_size, 134217728).")
            throw error
        }
    }

    @Test func aReplyLargerThanTheBrokerTakesIsAnErrorForItsCallerAndRunsOnce() async throws {
        let logs = LogCapture()
        try await Self.withBrokerLimit(1_048_576) {
            try await TestCluster.run(services: [.service(EchoService.self)], logger: logs.logger) { cluster in
                let rpc = cluster.rpc
                // Small calls in flight on the same publisher channel all the while.
                let small = Task { () async throws -> Int in
                    var answered = 0
                    for index in 0..<40 {
                        let reply: String = try await rpc.echo_test.append_identifier("s\(index)")
                        if reply == "s\(index)-y" { answered += 1 }
                    }
                    return answered
                }
                let error = await #expect(throws: RemoteError.self) {
                    let _: String = try await rpc.echo_test.big(2_000_000)
                }
                #expect(error?.excType == "ReplyTooLarge")
                #expect(
                    error?.value.contains("is larger than the broker takes (1048576 bytes)") == true,
                    "\(String(describing: error))"
                )
                #expect(try await small.value == 40)
                // Once the limit is known, a second large reply fails at once, without closing the channel.
                let again = await #expect(throws: RemoteError.self) {
                    let _: String = try await rpc.echo_test.big(3_000_000)
                }
                #expect(again?.excType == "ReplyTooLarge")
                // Each ran once: nothing went back to the queue to be run again.
                try await Task.sleep(for: .seconds(2))
                #expect(Recorder.shared.events("big").filter { $0 == "run 2000000" }.count == 1)
                #expect(Recorder.shared.events("big").filter { $0 == "run 3000000" }.count == 1)
                let line = try await logs.first(containing: "the broker takes messages of at most 1048576 bytes")
                #expect(line.level == .warning)
            }
        }
    }
}
