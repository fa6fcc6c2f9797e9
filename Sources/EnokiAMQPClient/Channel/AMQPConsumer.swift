//===----------------------------------------------------------------------===//
// This source file is part of Enoki. Licensed under Apache License v2.0.
//===----------------------------------------------------------------------===//

import NIOCore

/// The deliveries of one consumer, as an `AsyncSequence`.
///
/// See ``AMQPChannel/consume(queue:consumerTag:noAck:exclusive:arguments:)``. Iterate it from one task.
public struct AMQPConsumer: AsyncSequence, Sendable {
    public typealias Element = AMQPDelivery

    typealias Producer = NIOThrowingAsyncSequenceProducer<
        AMQPDelivery, any Error, NIOAsyncSequenceProducerBackPressureStrategies.HighLowWatermark, Delegate
    >
    typealias Source = Producer.Source

    private let sequence: Producer
    /// The consumer's tag.
    public let tag: ConsumerTag
    /// The channel the consumer runs on.
    public let channel: AMQPChannel

    private let progress: ConsumerProgress

    init(sequence: Producer, tag: ConsumerTag, channel: AMQPChannel, progress: ConsumerProgress) {
        self.sequence = sequence
        self.tag = tag
        self.channel = channel
        self.progress = progress
    }

    /// Cancels the consumer; the sequence ends once the broker confirms.
    public func cancel() async throws(AMQPError) {
        try await self.channel.cancel(consumerTag: self.tag)
    }

    public func makeAsyncIterator() -> AsyncIterator {
        AsyncIterator(base: self.sequence.makeAsyncIterator(), progress: self.progress)
    }

    /// Iterates over the deliveries.
    public struct AsyncIterator: AsyncIteratorProtocol {
        var base: Producer.AsyncIterator
        let progress: ConsumerProgress

        /// The next delivery; `nil` when the consumer ended cleanly.
        ///
        /// - Throws: ``AMQPError`` when the broker cancelled the consumer, or its channel or connection failed.
        public mutating func next() async throws -> AMQPDelivery? {
            let delivery = try await self.base.next()
            if let delivery {
                self.progress.taken(delivery.deliveryTag.rawValue)
            }
            return delivery
        }
    }

    /// Tells the connection when the consumer's buffer is full or drained, and when nobody iterates any more.
    final class Delegate: NIOAsyncSequenceProducerDelegate {
        private let queue: HandlerTaskQueue
        private let key: ChannelKey
        private let tag: String

        init(queue: HandlerTaskQueue, key: ChannelKey, tag: String) {
            self.queue = queue
            self.key = key
            self.tag = tag
        }

        func produceMore() {
            self.queue.enqueue(.consumerDemand(self.key, self.tag, resume: true))
        }

        func didTerminate() {
            self.queue.enqueue(.consumerTerminated(self.key, self.tag))
        }
    }
}
