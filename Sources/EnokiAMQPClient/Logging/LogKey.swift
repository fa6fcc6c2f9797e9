//===----------------------------------------------------------------------===//
// This source file is part of Enoki. Licensed under Apache License v2.0.
//===----------------------------------------------------------------------===//

/// Metadata keys of the client's log lines.
enum LogKey {
    static let channelID = "amqp.channel_id"
    static let consumerTag = "amqp.consumer_tag"
    static let broker = "amqp.broker"
    static let error = "error"
    static let reason = "amqp.reason"
    static let retryDelay = "amqp.retry_in_seconds"
    static let attempt = "amqp.attempt"
}
