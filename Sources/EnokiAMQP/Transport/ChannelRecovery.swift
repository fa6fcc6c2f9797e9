//===----------------------------------------------------------------------===//
// This source file is part of Enoki. Licensed under Apache License v2.0.
//===----------------------------------------------------------------------===//

import EnokiAMQPClient
import EnokiCore
import Logging

/// What a service or a client does when the broker takes away part of what it set up while the connection lives
/// on. A connection that closes is the transport's to restore; these are the smaller losses:
/// - the broker **cancels a consumer** (someone deleted its queue): say so, wait a second (so that an operator who
///   deletes a queue to declare it anew gets there first), and declare and consume the queue again
///   (``consumerCancelled(queue:while:_:)``);
/// - the broker **closes a channel** (a channel error, such as a queue declared again with other arguments): say
///   so, and set the channel up again after 1, 2, 4 … 30 seconds until it works, on its own while every other
///   container of the process goes on (``watch(_:on:while:reopen:)``).
///
/// Every wait and retry runs in a task of the transport's, which its stop ends.
struct ChannelRecovery: Sendable {
    let transport: AMQPTransport
    let logger: Logger
    /// What is being recovered, for log lines: "the consumers of orders".
    let what: String

    /// Logs the cancelled consumer and runs `again` a second later, unless `isCurrent` says by then that the
    /// channel or connection it belongs to has gone (whoever restores those consumes everything again).
    func consumerCancelled(
        queue: String,
        while isCurrent: @escaping @Sendable () -> Bool,
        _ again: @escaping @Sendable () async throws -> Void
    ) {
        let logger = self.logger
        logger.warning(
            "the broker cancelled a consumer (was its queue deleted?); declaring the queue again",
            metadata: ["queue": "\(queue)"]
        )
        self.transport.spawn {
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

    /// Waits for `channel` to close; when the broker closed it while `connection` lives on and `isCurrent` says
    /// it is still the one in use, logs it and runs `reopen` with backoff until it succeeds.
    func watch(
        _ channel: AMQPChannel,
        on connection: AMQPConnection,
        while isCurrent: @escaping @Sendable () -> Bool,
        reopen: @escaping @Sendable () async throws -> Void
    ) {
        // A task of the transport's: it ends when the channel closes, at the latest when the transport stops.
        self.transport.spawn { [transport, logger, what] in
            let error = await channel.closed()
            guard error.code == .channelClosedByBroker, connection.isOpen, isCurrent() else { return }
            logger.warning(
                "the broker closed the service's channel",
                metadata: ["error": "\(WireText.loggable(error.message))"]
            )
            transport.retry(on: connection, what: what, reopen)
        }
    }
}
