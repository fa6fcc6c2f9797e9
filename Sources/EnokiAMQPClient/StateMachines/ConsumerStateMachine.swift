//===----------------------------------------------------------------------===//
// This source file is part of Enoki. Licensed under Apache License v2.0.
//===----------------------------------------------------------------------===//

import DequeModule

/// The consumers of one connection and the flow of their deliveries. Pure: no I/O, no event loop.
///
/// It decides what a delivery becomes (handed to its consumer, given back to the queue, dropped), when the
/// connection stops reading from its socket (while any consumer's buffer is full) and when it reads again, and
/// what a consumer that its reader left still owes the broker (the deliveries it was given but never read go back,
/// then `basic.cancel`). The connection handler keeps one and carries out its answers.
///
/// `Registration` is what the handler needs to reach the consumer's reader; the machine only stores it.
struct ConsumerStateMachine<Registration> {
    /// What the socket should do after an event.
    enum ReadAction: Equatable {
        /// Nothing changes.
        case none
        /// Reads were held back while a consumer was paused; no consumer is paused now, so read again.
        case resumeReading
    }

    /// What to do with a delivery.
    enum DeliveryAction {
        /// No such consumer (it was cancelled a moment ago, say): drop the delivery.
        case unknownConsumer
        /// Its reader has left: give the message back to the queue so another consumer gets it.
        case reject(deliveryTag: UInt64)
        /// Its reader has left, and without acknowledgements there is nothing to give back.
        case drop
        /// Hand it to the consumer's reader.
        case hand(Registration)
    }

    /// What a consumer whose reader left must still do.
    struct Termination: Equatable {
        /// Deliveries handed to the reader's buffer but never taken: reject them with `requeue`.
        var reject: [UInt64]
        /// Whether to send `basic.cancel` (the channel is still open).
        var cancel: Bool
        /// Whether reading resumes because this consumer was the last one paused.
        var read: ReadAction
    }

    private struct Consumer {
        let registration: Registration
        /// Whether delivery tags handed over are remembered until the reader takes them (acknowledged consumers
        /// that read through a buffered sequence).
        let tracksHandedOver: Bool
        let noAck: Bool
        /// Delivery tags handed to the reader's buffer, oldest first, that it may not have taken yet.
        var handedOver: Deque<UInt64> = []
        var paused = false
        /// The reader stopped; deliveries still arriving go back to the queue.
        var terminated = false
    }

    private struct Key: Hashable {
        var channelID: UInt16
        var tag: String
    }

    private var consumers: [Key: Consumer] = [:]
    private var pausedCount = 0
    private var readHeldBack = false

    /// Whether any consumer is paused, so that the socket is not read (and a quiet broker is to be expected).
    var readsPaused: Bool { self.pausedCount > 0 }

    /// How many consumers there are.
    var count: Int { self.consumers.count }

    /// A consumer's registration, if it exists.
    func registration(tag: String, channelID: UInt16) -> Registration? {
        self.consumers[Key(channelID: channelID, tag: tag)]?.registration
    }

    /// A consumer was registered (its `basic.consume` is about to be sent).
    ///
    /// - Parameter tracksHandedOver: Whether the reader takes deliveries from a buffer and acknowledges them, so
    ///   that the deliveries in the buffer go back to the queue if the reader leaves.
    mutating func added(
        _ registration: Registration,
        tag: String,
        channelID: UInt16,
        noAck: Bool,
        tracksHandedOver: Bool
    ) {
        self.consumers[Key(channelID: channelID, tag: tag)] = Consumer(
            registration: registration,
            tracksHandedOver: tracksHandedOver && !noAck,
            noAck: noAck
        )
    }

    /// The pipeline asks for a read: whether to read now or hold it back until no consumer is paused.
    mutating func readRequested() -> Bool {
        if self.pausedCount > 0 {
            self.readHeldBack = true
            return false
        }
        return true
    }

    /// A delivery arrived for a consumer.
    ///
    /// - Parameter lastTaken: The highest delivery tag the reader has taken from its buffer, for consumers that
    ///   track what is handed over.
    mutating func deliveryArrived(
        tag: String,
        channelID: UInt16,
        deliveryTag: UInt64,
        lastTaken: UInt64
    ) -> DeliveryAction {
        let key = Key(channelID: channelID, tag: tag)
        guard var consumer = self.consumers[key] else { return .unknownConsumer }
        if consumer.terminated {
            return consumer.noAck ? .drop : .reject(deliveryTag: deliveryTag)
        }
        if consumer.tracksHandedOver {
            consumer.handedOver.append(deliveryTag)
            while let oldest = consumer.handedOver.first, oldest <= lastTaken {
                consumer.handedOver.removeFirst()
            }
            self.consumers[key] = consumer
        }
        return .hand(consumer.registration)
    }

    /// The consumer's buffer filled up (`paused`) or its reader drained it (not `paused`).
    mutating func setPaused(_ paused: Bool, tag: String, channelID: UInt16) -> ReadAction {
        let key = Key(channelID: channelID, tag: tag)
        guard var consumer = self.consumers[key], consumer.paused != paused else { return .none }
        consumer.paused = paused
        self.consumers[key] = consumer
        return self.pausedCountChanged(by: paused ? 1 : -1)
    }

    /// The consumer's reader left (stopped iterating, or the sequence was dropped). `nil` when the consumer is
    /// unknown or already terminated.
    ///
    /// - Parameters:
    ///   - lastTaken: The highest delivery tag the reader took from its buffer.
    ///   - channelOpen: Whether the channel is open, so that `basic.cancel` can be sent.
    mutating func readerLeft(tag: String, channelID: UInt16, lastTaken: UInt64, channelOpen: Bool) -> Termination? {
        let key = Key(channelID: channelID, tag: tag)
        guard var consumer = self.consumers[key], !consumer.terminated else { return nil }
        consumer.terminated = true
        var read = ReadAction.none
        if consumer.paused {
            consumer.paused = false
            read = self.pausedCountChanged(by: -1)
        }
        let reject = Array(consumer.handedOver.filter { $0 > lastTaken })
        consumer.handedOver = []
        self.consumers[key] = consumer
        return Termination(reject: reject, cancel: channelOpen, read: read)
    }

    /// The consumer ended (cancelled by us or the broker, or its `basic.consume` failed): forget it.
    mutating func removed(tag: String, channelID: UInt16) -> (Registration?, ReadAction) {
        guard let consumer = self.consumers.removeValue(forKey: Key(channelID: channelID, tag: tag)) else {
            return (nil, .none)
        }
        return (consumer.registration, consumer.paused ? self.pausedCountChanged(by: -1) : .none)
    }

    /// The channel closed: its consumers end, returned for the handler to finish.
    mutating func channelClosed(_ channelID: UInt16) -> ([Registration], ReadAction) {
        var ended: [Registration] = []
        var unpaused = 0
        for (key, consumer) in self.consumers where key.channelID == channelID {
            self.consumers.removeValue(forKey: key)
            ended.append(consumer.registration)
            if consumer.paused { unpaused += 1 }
        }
        return (ended, unpaused > 0 ? self.pausedCountChanged(by: -unpaused) : .none)
    }

    /// The connection closed: nothing is paused any more, and no consumer is left.
    mutating func connectionClosed() {
        self.consumers = [:]
        self.pausedCount = 0
        self.readHeldBack = false
    }

    private mutating func pausedCountChanged(by delta: Int) -> ReadAction {
        self.pausedCount += delta
        guard self.pausedCount == 0, self.readHeldBack else { return .none }
        self.readHeldBack = false
        return .resumeReading
    }
}
