//===----------------------------------------------------------------------===//
// This source file is part of Enoki. Licensed under Apache License v2.0.
//===----------------------------------------------------------------------===//

import Testing

@testable import EnokiAMQPClient

@Suite struct ConsumerStateMachineTests {
    typealias Machine = ConsumerStateMachine<String>

    func machine(noAck: Bool = false, sequence: Bool = true) -> Machine {
        var machine = Machine()
        machine.added("reader-a", tag: "a", channelID: 1, noAck: noAck, tracksHandedOver: sequence)
        return machine
    }

    @Test func aDeliveryGoesToItsConsumerAndAnUnknownOneIsDropped() {
        var machine = self.machine()
        guard case .hand("reader-a") = machine.deliveryArrived(tag: "a", channelID: 1, deliveryTag: 1, lastTaken: 0)
        else {
            Issue.record("expected the delivery to be handed to its reader")
            return
        }
        guard case .unknownConsumer = machine.deliveryArrived(tag: "b", channelID: 1, deliveryTag: 2, lastTaken: 0)
        else {
            Issue.record("expected an unknown consumer")
            return
        }
        // The same tag on another channel is another consumer.
        guard case .unknownConsumer = machine.deliveryArrived(tag: "a", channelID: 2, deliveryTag: 3, lastTaken: 0)
        else {
            Issue.record("expected an unknown consumer on channel 2")
            return
        }
    }

    @Test func readsAreHeldBackWhileAnyConsumerIsPausedAndResumeWhenTheLastOneDrains() {
        var machine = self.machine()
        machine.added("reader-b", tag: "b", channelID: 2, noAck: false, tracksHandedOver: true)
        #expect(machine.readRequested() == true)
        #expect(machine.setPaused(true, tag: "a", channelID: 1) == .none)
        #expect(machine.setPaused(true, tag: "b", channelID: 2) == .none)
        #expect(machine.readsPaused)
        #expect(machine.readRequested() == false)
        #expect(machine.setPaused(false, tag: "a", channelID: 1) == .none)
        #expect(machine.readRequested() == false)
        #expect(machine.setPaused(false, tag: "b", channelID: 2) == .resumeReading)
        #expect(!machine.readsPaused)
        #expect(machine.readRequested() == true)
        // Pausing twice counts once.
        #expect(machine.setPaused(true, tag: "a", channelID: 1) == .none)
        #expect(machine.setPaused(true, tag: "a", channelID: 1) == .none)
        #expect(machine.setPaused(false, tag: "a", channelID: 1) == .none)
        #expect(!machine.readsPaused)
    }

    @Test func aReaderThatLeavesGivesBackWhatItNeverTookAndCancels() {
        var machine = self.machine()
        for tag in 1...5 as ClosedRange<UInt64> {
            _ = machine.deliveryArrived(tag: "a", channelID: 1, deliveryTag: tag, lastTaken: 2)
        }
        let termination = machine.readerLeft(tag: "a", channelID: 1, lastTaken: 3, channelOpen: true)
        #expect(termination == .init(reject: [4, 5], cancel: true, read: .none))
        // Deliveries in flight after that go back one by one; leaving twice does nothing.
        guard
            case .reject(deliveryTag: 6) = machine.deliveryArrived(tag: "a", channelID: 1, deliveryTag: 6, lastTaken: 3)
        else {
            Issue.record("expected a late delivery to be rejected")
            return
        }
        #expect(machine.readerLeft(tag: "a", channelID: 1, lastTaken: 3, channelOpen: true) == nil)
    }

    @Test func aPausedReaderThatLeavesResumesReadingAndAClosedChannelIsNotCancelledOn() {
        var machine = self.machine()
        _ = machine.setPaused(true, tag: "a", channelID: 1)
        #expect(machine.readRequested() == false)
        let termination = machine.readerLeft(tag: "a", channelID: 1, lastTaken: 0, channelOpen: false)
        #expect(termination == .init(reject: [], cancel: false, read: .resumeReading))
    }

    @Test func withoutAcknowledgementsOrWithACallbackNothingIsGivenBack() {
        var noAck = self.machine(noAck: true)
        _ = noAck.deliveryArrived(tag: "a", channelID: 1, deliveryTag: 1, lastTaken: 0)
        #expect(noAck.readerLeft(tag: "a", channelID: 1, lastTaken: 0, channelOpen: true)?.reject == [])
        guard case .drop = noAck.deliveryArrived(tag: "a", channelID: 1, deliveryTag: 2, lastTaken: 0) else {
            Issue.record("expected a late no-ack delivery to be dropped")
            return
        }
        var callback = self.machine(sequence: false)
        _ = callback.deliveryArrived(tag: "a", channelID: 1, deliveryTag: 1, lastTaken: 0)
        #expect(callback.readerLeft(tag: "a", channelID: 1, lastTaken: 0, channelOpen: true)?.reject == [])
    }

    @Test func aClosedChannelEndsItsConsumersOnlyAndUnpausesThem() {
        var machine = self.machine()
        machine.added("reader-b", tag: "b", channelID: 1, noAck: false, tracksHandedOver: true)
        machine.added("reader-c", tag: "c", channelID: 2, noAck: false, tracksHandedOver: true)
        _ = machine.setPaused(true, tag: "a", channelID: 1)
        _ = machine.setPaused(true, tag: "b", channelID: 1)
        #expect(machine.readRequested() == false)
        let (ended, read) = machine.channelClosed(1)
        #expect(ended.sorted() == ["reader-a", "reader-b"])
        #expect(read == .resumeReading)
        #expect(machine.count == 1)
        #expect(machine.registration(tag: "c", channelID: 2) == "reader-c")
    }

    @Test func aRemovedConsumerIsForgottenAndUnpaused() {
        var machine = self.machine()
        _ = machine.setPaused(true, tag: "a", channelID: 1)
        #expect(machine.readRequested() == false)
        let (registration, read) = machine.removed(tag: "a", channelID: 1)
        #expect(registration == "reader-a")
        #expect(read == .resumeReading)
        #expect(machine.removed(tag: "a", channelID: 1).0 == nil)
        machine.added("reader-b", tag: "b", channelID: 1, noAck: false, tracksHandedOver: true)
        _ = machine.setPaused(true, tag: "b", channelID: 1)
        machine.connectionClosed()
        #expect(!machine.readsPaused)
        #expect(machine.count == 0)
    }
}
