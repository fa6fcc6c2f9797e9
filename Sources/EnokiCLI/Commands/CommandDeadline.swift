//===----------------------------------------------------------------------===//
// This source file is part of Enoki. Licensed under Apache License v2.0.
//===----------------------------------------------------------------------===//

import EnokiAMQP
import EnokiAMQPClient
import EnokiCore

/// Ends a one-shot command that waits too long: the broker may be down, and the clients wait for it, saying so
/// on stderr at each attempt.
enum CommandDeadline {
    /// Runs `body`, and fails after `seconds` (plus `grace`) when it has not finished; `body` is cancelled then.
    ///
    /// - Parameter grace: Added to the wait, so that a call's own timeout (which names the call) comes first.
    static func within<Result: Sendable>(
        _ seconds: Double,
        grace: Double = 0,
        config: EnokiConfig,
        _ body: @escaping @Sendable () async throws -> Result
    ) async throws -> Result {
        let broker = (try? config.amqpConfiguration().redactedURL) ?? "the broker"
        return try await withThrowingTaskGroup(of: Result?.self) { group in
            group.addTask { try await body() }
            group.addTask {
                try await Task.sleep(for: .milliseconds(Int64((seconds + grace) * 1000)))
                return nil
            }
            defer { group.cancelAll() }
            guard let first = try await group.next(), let result = first else {
                throw EnokiError(.timeout, "nothing done within \(seconds) seconds: is \(broker) up?")
            }
            return result
        }
    }
}
