//===----------------------------------------------------------------------===//
// This source file is part of Enoki. Licensed under Apache License v2.0.
//===----------------------------------------------------------------------===//

import EnokiAMQPProtocol

/// The type of a service's own durable queues (`QUEUE_TYPE`): see `EnokiConfig.queueType`.
public enum AMQPQueueType: String, Sendable, Hashable {
    /// A queue on one node, as Nameko declares its queues: no `x-queue-type` argument.
    case classic
    /// A replicated queue (`x-queue-type: quorum`), which survives the loss of a minority of the cluster's nodes.
    case quorum
}

extension QueueSpec {
    /// The queue with `x-queue-type: quorum` when `type` is quorum and the queue can be one: durable, not exclusive
    /// and not auto-deleted. Otherwise the queue as it is.
    public func declared(as type: AMQPQueueType) -> QueueSpec {
        guard type == .quorum, self.durable, !self.exclusive, !self.autoDelete else {
            return self
        }
        var queue = self
        queue.arguments["x-queue-type"] = .string("quorum")
        return queue
    }
}
