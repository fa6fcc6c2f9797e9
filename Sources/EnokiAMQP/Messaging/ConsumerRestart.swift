//===----------------------------------------------------------------------===//
// This source file is part of Enoki. Licensed under Apache License v2.0.
//===----------------------------------------------------------------------===//

import Logging

/// What a service or a client does when the broker cancels one of its consumers (someone deleted the queue): it
/// says so, waits a second (so that an operator who deletes a queue to declare it anew gets there first), and
/// declares and consumes the queue again.
enum ConsumerRestart {
    /// Logs the cancelled consumer and runs `again` a second later, unless `isCurrent` says by then that the channel
    /// or connection it belongs to has gone (whoever restores those consumes everything again). The wait and the
    /// restart run in a task of the transport's, which its stop ends.
    static func schedule(
        queue: String,
        logger: Logger,
        on transport: AMQPTransport,
        while isCurrent: @escaping @Sendable () -> Bool,
        _ again: @escaping @Sendable () async throws -> Void
    ) {
        logger.warning(
            "the broker cancelled a consumer (was its queue deleted?); declaring the queue again",
            metadata: ["queue": "\(queue)"]
        )
        transport.spawn {
            do {
                try await Task.sleep(for: .seconds(1))
            } catch {
                return
            }
            guard isCurrent() else { return }
            do {
                try await again()
            } catch {
                logger.error(
                    "could not declare and consume a queue again",
                    metadata: ["queue": "\(queue)", "error": "\(error)"]
                )
            }
        }
    }
}
