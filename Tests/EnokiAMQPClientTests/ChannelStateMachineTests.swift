//===----------------------------------------------------------------------===//
// This source file is part of Enoki. Licensed under Apache License v2.0.
//===----------------------------------------------------------------------===//

import EnokiAMQPProtocol
import NIOCore
import Testing

@testable import EnokiAMQPClient

@Suite struct ChannelStateMachineTests {
    typealias Machine = ChannelStateMachine<Int, Int>

    func openMachine() -> Machine {
        var machine = Machine(channelID: 1, openToken: 0)
        _ = machine.replyReceived(.channelOpenOk)
        #expect(machine.isOpen)
        return machine
    }

    static let route = Machine.Route(exchange: "nameko-rpc", routingKey: "ghost.m", correlationID: "c1", messageID: nil)

    @Test func openSucceedsItsRequest() {
        var machine = Machine(channelID: 1, openToken: 7)
        guard case .succeedRequest(7, .channelOpenOk) = machine.replyReceived(.channelOpenOk) else {
            Issue.record("expected the open request to succeed")
            return
        }
    }

    @Test func repliesAreMatchedInOrder() {
        var machine = self.openMachine()
        guard case .send(.queueDeclare) = machine.requestSent(.queueDeclare(.init(queue: "q")), token: 1) else {
            Issue.record("expected queue.declare to be sent")
            return
        }
        _ = machine.requestSent(.queueBind(.init(queue: "q", exchange: "x", routingKey: "k")), token: 2)
        guard
            case .succeedRequest(1, .queueDeclareOk) = machine.replyReceived(
                .queueDeclareOk(.init(queue: "q", messageCount: 0, consumerCount: 0))
            )
        else {
            Issue.record("expected declare to be answered first")
            return
        }
        guard case .succeedRequest(2, .queueBindOk) = machine.replyReceived(.queueBindOk) else {
            Issue.record("expected bind to be answered second")
            return
        }
    }

    @Test func wrongReplyIsAProtocolViolation() {
        var machine = self.openMachine()
        _ = machine.requestSent(.queueDeclare(.init(queue: "q")), token: 1)
        guard case .protocolViolation(let error) = machine.replyReceived(.exchangeDeclareOk) else {
            Issue.record("expected a protocol violation")
            return
        }
        #expect(error.message.contains("queue.declare"))
        #expect(error.message.contains("exchange.declare-ok"))
        var fresh = self.openMachine()
        guard case .protocolViolation = fresh.replyReceived(.basicQosOk) else {
            Issue.record("an unasked reply is a protocol violation")
            return
        }
    }

    @Test func consumerRepliesMayBeOvertaken() {
        // RabbitMQ's queue process sends cancel-ok; the channel's own declare-ok can arrive first.
        var machine = self.openMachine()
        _ = machine.requestSent(.basicConsume(.init(queue: "a", consumerTag: "ca")), token: 1)
        _ = machine.requestSent(.basicConsume(.init(queue: "b", consumerTag: "cb")), token: 2)
        _ = machine.requestSent(.basicCancel(.init(consumerTag: "ca")), token: 3)
        _ = machine.requestSent(.queueDeclare(.init(queue: "q", passive: true)), token: 4)
        guard case .succeedRequest(2, _) = machine.replyReceived(.basicConsumeOk(.init(consumerTag: "cb"))) else {
            Issue.record("consume-ok is matched by its tag")
            return
        }
        guard
            case .succeedRequest(4, _) = machine.replyReceived(
                .queueDeclareOk(.init(queue: "q", messageCount: 0, consumerCount: 0))
            )
        else {
            Issue.record("declare-ok may overtake")
            return
        }
        guard case .succeedRequest(1, _) = machine.replyReceived(.basicConsumeOk(.init(consumerTag: "ca"))) else {
            Issue.record("expected consume a")
            return
        }
        guard case .succeedRequest(3, _) = machine.replyReceived(.basicCancelOk(.init(consumerTag: "ca"))) else {
            Issue.record("expected cancel a")
            return
        }
        #expect(machine.pendingRequestCount == 0)
    }

    @Test func confirmsThatDoNotComeInTimeFailAndALateOneIsIgnored() {
        var machine = self.openMachine()
        _ = machine.requestSent(.confirmSelect(.init()), token: 1)
        _ = machine.replyReceived(.confirmSelectOk)
        let start = NIODeadline.uptimeNanoseconds(1_000_000_000)
        _ = machine.publishSent(mandatory: false, route: Self.route, token: 10, at: start)
        _ = machine.publishSent(mandatory: false, route: Self.route, token: 11, at: start + .seconds(5))
        #expect(machine.hasUnconfirmed)
        let error = AMQPError(.operationTimedOut, "late")
        guard
            case .failConfirmations(let failed, _) = machine.confirmationsOverdue(
                sentBefore: start + .seconds(1),
                error: error
            )
        else {
            Issue.record("expected the first publish to fail")
            return
        }
        #expect(failed == [10])
        guard case .none = machine.confirmationsOverdue(sentBefore: start + .seconds(1), error: error) else {
            Issue.record("nothing more is overdue")
            return
        }
        // The broker confirms both at last: only the second is still waiting.
        guard case .resolveConfirmations(let resolved) = machine.ackReceived(deliveryTag: 2, multiple: true) else {
            Issue.record("expected the second publish to be confirmed")
            return
        }
        #expect(resolved.map(\.0) == [11])
        #expect(!machine.hasUnconfirmed)
    }

    @Test func brokerCloseFailsTheCauseAndEverythingPending() {
        var machine = self.openMachine()
        _ = machine.requestSent(.confirmSelect(.init()), token: 1)
        _ = machine.replyReceived(.confirmSelectOk)
        _ = machine.publishSent(mandatory: false, route: Self.route, token: 50, at: .now())
        _ = machine.requestSent(.queueDeclare(.init(queue: "q", durable: true)), token: 2)
        _ = machine.requestSent(.queueBind(.init(queue: "q", exchange: "x", routingKey: "k")), token: 3)
        let action = machine.closeReceived(
            .init(
                replyCode: 406,
                replyText: "PRECONDITION_FAILED - inequivalent arg 'durable' for queue 'q'",
                classID: 50,
                methodID: 10
            )
        )
        guard case .closed(true, let succeed, let fail, let confirmations, let error) = action else {
            Issue.record("expected the channel to close with close-ok")
            return
        }
        #expect(succeed.isEmpty)
        #expect(fail == [2, 3])
        #expect(confirmations == [50])
        #expect(error.code == .channelClosedByBroker)
        #expect(error.replyCode == .preconditionFailed)
        #expect(error.failingMethod == "queue.declare")
        #expect(error.message.contains("inequivalent arg"))
        guard
            case .failRequest(9, let later) = machine.requestSent(
                .basicQos(.init(prefetchSize: 0, prefetchCount: 1, global: false)),
                token: 9
            )
        else {
            Issue.record("requests on a closed channel fail")
            return
        }
        #expect(later.code == .channelClosedByBroker)
    }

    @Test func clientCloseDiscardsUntilCloseOk() {
        var machine = self.openMachine()
        _ = machine.requestSent(.queueDeclare(.init(queue: "q")), token: 1)
        guard case .send(.channelClose) = machine.closeRequested(token: 2) else {
            Issue.record("expected channel.close")
            return
        }
        guard case .none = machine.replyReceived(.queueDeclareOk(.init(queue: "q", messageCount: 0, consumerCount: 0)))
        else {
            Issue.record("replies while closing are discarded")
            return
        }
        guard case .closed(false, let succeed, let fail, _, let error) = machine.closeOkReceived() else {
            Issue.record("expected closed")
            return
        }
        #expect(succeed == [2])
        #expect(fail == [1])
        #expect(error.code == .channelClosed)
        guard case .succeedRequest(3, .channelCloseOk) = machine.closeRequested(token: 3) else {
            Issue.record("closing a closed channel succeeds")
            return
        }
    }

    @Test func closeCrossingABrokerClose() {
        var machine = self.openMachine()
        _ = machine.closeRequested(token: 1)
        guard
            case .closed(true, let succeed, _, _, _) = machine.closeReceived(
                .init(replyCode: 200, replyText: "", classID: 0, methodID: 0)
            )
        else {
            Issue.record("expected closed with close-ok")
            return
        }
        #expect(succeed == [1])
    }

    @Test func confirmsStartAtOneAndResolveSingleAndMultiple() throws {
        var machine = self.openMachine()
        #expect(try machine.publishSent(mandatory: false, route: Self.route, token: 100, at: .now()).get() == nil)
        _ = machine.requestSent(.confirmSelect(.init()), token: 1)
        #expect(machine.confirmsEnabled)
        for token in 1...5 {
            #expect(
                try machine.publishSent(mandatory: false, route: Self.route, token: token, at: .now()).get()
                    == UInt64(token)
            )
        }
        guard case .resolveConfirmations(let two) = machine.ackReceived(deliveryTag: 2, multiple: false) else {
            Issue.record("expected a confirmation")
            return
        }
        #expect(two.map(\.0) == [2])
        guard case .resolveConfirmations(let upToFour) = machine.ackReceived(deliveryTag: 4, multiple: true) else {
            Issue.record("expected confirmations")
            return
        }
        #expect(upToFour.map(\.0) == [1, 3, 4])
        guard case .resolveConfirmations(let five) = machine.nackReceived(deliveryTag: 5, multiple: false),
            case .nacked = five.first?.1
        else {
            Issue.record("expected a nack")
            return
        }
        #expect(machine.unconfirmedCount == 0)
    }

    @Test func returnGoesToThePublishThatCausedIt() {
        var machine = self.openMachine()
        _ = machine.requestSent(.confirmSelect(.init()), token: 1)
        let routed = Machine.Route(exchange: "nameko-rpc", routingKey: "svc.m", correlationID: "c0", messageID: nil)
        _ = machine.publishSent(mandatory: true, route: routed, token: 1, at: .now())
        _ = machine.publishSent(mandatory: true, route: Self.route, token: 2, at: .now())
        // The broker returns message 2 and acks it at once; message 1's ack comes later.
        _ = machine.contentMethodReceived(
            .basicReturn(.init(replyCode: 312, replyText: "NO_ROUTE", exchange: "nameko-rpc", routingKey: "ghost.m"))
        )
        guard case .none = machine.headerReceived(ContentHeader(bodySize: 0, properties: .init(correlationID: "c1")))
        else {
            Issue.record("a matched return waits for its confirm")
            return
        }
        guard case .resolveConfirmations(let confirmed) = machine.ackReceived(deliveryTag: 2, multiple: false),
            case .returned(let message) = confirmed.first?.1
        else {
            Issue.record("expected publish 2 to be returned")
            return
        }
        #expect(confirmed.first?.0 == 2)
        #expect(message.replyCode == .noRoute)
        guard case .resolveConfirmations(let first) = machine.ackReceived(deliveryTag: 1, multiple: false),
            case .acked = first.first?.1
        else {
            Issue.record("publish 1 was routed")
            return
        }
    }

    @Test func returnWithoutConfirmsIsUnmatched() {
        var machine = self.openMachine()
        _ = machine.publishSent(mandatory: true, route: Self.route, token: nil, at: .now())
        _ = machine.contentMethodReceived(
            .basicReturn(.init(replyCode: 312, replyText: "NO_ROUTE", exchange: "nameko-rpc", routingKey: "ghost.m"))
        )
        guard
            case .unmatchedReturn(let message) = machine.headerReceived(ContentHeader(bodySize: 0, properties: .init()))
        else {
            Issue.record("expected an unmatched return")
            return
        }
        #expect(message.routingKey == "ghost.m")
    }

    @Test func deliveriesAreReassembled() {
        var machine = self.openMachine()
        _ = machine.contentMethodReceived(
            .basicDeliver(.init(consumerTag: "c", deliveryTag: 1, redelivered: false, exchange: "", routingKey: "q"))
        )
        _ = machine.headerReceived(ContentHeader(bodySize: 4, properties: .init()))
        _ = machine.bodyReceived(ByteBuffer(bytes: [1, 2]))
        guard case .deliver(let content) = machine.bodyReceived(ByteBuffer(bytes: [3, 4])) else {
            Issue.record("expected a delivery")
            return
        }
        #expect(content.body == ByteBuffer(bytes: [1, 2, 3, 4]))
    }

    @Test func getOkAnswersTheGet() {
        var machine = self.openMachine()
        _ = machine.requestSent(.basicGet(.init(queue: "q")), token: 4)
        _ = machine.contentMethodReceived(
            .basicGetOk(.init(deliveryTag: 1, redelivered: false, exchange: "", routingKey: "q", messageCount: 0))
        )
        guard case .succeedGet(4, _) = machine.headerReceived(ContentHeader(bodySize: 0, properties: .init())) else {
            Issue.record("expected get-ok to answer the get")
            return
        }
        _ = machine.requestSent(.basicGet(.init(queue: "q")), token: 5)
        guard case .succeedRequest(5, .basicGetEmpty) = machine.replyReceived(.basicGetEmpty) else {
            Issue.record("expected get-empty to answer the get")
            return
        }
    }

    @Test func publishOnAClosedChannelFails() {
        var machine = self.openMachine()
        _ = machine.connectionClosed(AMQPError(.connectionLost, "gone"))
        guard case .failure(let error) = machine.publishSent(mandatory: false, route: Self.route, token: 1, at: .now())
        else {
            Issue.record("expected a failure")
            return
        }
        #expect(error.code == .connectionLost)
    }

    @Test func timedOutRequestClosesTheChannel() {
        var machine = self.openMachine()
        _ = machine.requestSent(.queueDeclare(.init(queue: "q")), token: 1)
        guard case .send(.channelClose) = machine.requestTimedOut(token: 2) else {
            Issue.record("expected channel.close")
            return
        }
    }

    @Test func confirmWithoutSelectIsAProtocolViolation() {
        var machine = self.openMachine()
        guard case .protocolViolation = machine.ackReceived(deliveryTag: 1, multiple: false) else {
            Issue.record("expected a protocol violation")
            return
        }
    }
}
