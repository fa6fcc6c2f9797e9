//===----------------------------------------------------------------------===//
// This source file is part of Enoki. Licensed under Apache License v2.0.
//===----------------------------------------------------------------------===//

import EnokiAMQPClient
import NIOCore

/// A message the transport publishes: where it goes, what it carries, and what must be declared before the first
/// publish on each publisher channel.
struct OutgoingMessage: Sendable {
    var body: ByteBuffer
    var exchange: String
    var routingKey: String
    /// Whether the broker returns the message when no queue takes it (`basic.return`).
    var mandatory = false
    var properties: BasicProperties
    /// Exchanges to declare first, once per publisher channel (Nameko declares again before the first publish on
    /// each channel, so that a publish after a broker restart finds them).
    var exchanges: [ExchangeSpec] = []
    /// Queues to declare first, once per publisher channel.
    var queues: [QueueSpec] = []
}
