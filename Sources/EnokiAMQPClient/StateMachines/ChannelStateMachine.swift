//===----------------------------------------------------------------------===//
// This source file is part of Enoki. Licensed under Apache License v2.0.
//===----------------------------------------------------------------------===//

import DequeModule
import EnokiAMQPProtocol
import NIOCore

/// One channel's protocol: opening and closing in both directions, matching each synchronous request to its
/// reply, publisher-confirm bookkeeping (including which publish a `basic.return` belongs to) and reassembling
/// messages from their frames.
///
/// Generic over the tokens the handler uses to answer callers (`Request` for synchronous requests,
/// `Confirmation` for publishes awaiting a confirm), so that tests use plain values. It does no I/O.
struct ChannelStateMachine<Request, Confirmation> {
    private enum State {
        case opening
        case open
        /// We sent `channel.close`; everything but `close`/`close-ok` is discarded until `close-ok`.
        case closing
        case closed(AMQPError)
    }

    private struct PendingRequest {
        var method: String
        var expects: [UInt32]  // (class << 16 | method) of the replies that answer it
        /// For `basic.consume` and `basic.cancel`: the consumer tag its reply carries.
        var consumerTag: String?
        var token: Request
    }

    struct Unconfirmed {
        var sequence: UInt64
        var token: Confirmation
        /// When the publish was written, for ``confirmationsOverdue(sentBefore:error:)``.
        var sentAt: NIODeadline
        /// For mandatory publishes only: what a `basic.return` is matched on.
        var route: Route?
        var returned: AMQPReturnedMessage?
    }

    struct Route: Equatable {
        var exchange: String
        var routingKey: String
        var correlationID: String?
        var messageID: String?
    }

    /// What the handler must do after an event.
    enum Action {
        /// Write the method on this channel.
        case send(AMQPMethod)
        /// Answer a request with the broker's reply.
        case succeedRequest(Request, AMQPMethod)
        /// Answer a request with an error.
        case failRequest(Request, AMQPError)
        /// Answer publishes with the broker's confirm.
        case resolveConfirmations([(Confirmation, PublishOutcome)])
        /// Fail publishes whose confirm did not come in time.
        case failConfirmations([Confirmation], AMQPError)
        /// Hand a message to the consumer with this tag.
        case deliver(AMQPContent)
        /// Answer the pending `basic.get` with its message.
        case succeedGet(Request, AMQPContent)
        /// A `basic.return` that matches no publish awaiting a confirm.
        case unmatchedReturn(AMQPReturnedMessage)
        /// The channel is closed: write `close-ok` if asked, answer the close requests, fail the rest and the
        /// consumers with the error, and free the channel number.
        case closed(
            sendCloseOk: Bool,
            succeed: [Request],
            fail: [Request],
            failConfirmations: [Confirmation],
            AMQPError
        )
        /// The broker broke the protocol on this channel; the connection must be closed.
        case protocolViolation(AMQPError)
        case none
    }

    private var state: State
    private var pending: Deque<PendingRequest> = []
    private var closeRequests: [Request] = []
    private var nextPublishSequence: UInt64?  // nil while confirms are off
    private var unconfirmed: Deque<Unconfirmed> = []
    private var assembler: AMQPContentAssembler
    private let channelID: UInt16

    /// Creates the machine of a channel being opened; send `channel.open` and keep `token` for `open-ok`.
    init(channelID: UInt16, openToken: Request, maximumBodySize: UInt64 = 16 * 1024 * 1024) {
        self.channelID = channelID
        self.state = .opening
        self.assembler = AMQPContentAssembler(maximumBodySize: maximumBodySize)
        self.pending.append(
            PendingRequest(method: "channel.open", expects: [Self.key(20, 11)], consumerTag: nil, token: openToken)
        )
    }

    var isOpen: Bool {
        if case .open = self.state { return true }
        return false
    }

    var isClosed: Bool {
        if case .closed = self.state { return true }
        return false
    }

    var confirmsEnabled: Bool { self.nextPublishSequence != nil }

    var unconfirmedCount: Int { self.unconfirmed.count }

    var pendingRequestCount: Int { self.pending.count }

    // MARK: Requests

    /// The user sends a synchronous request (declare, bind, qos, consume, …).
    mutating func requestSent(_ method: AMQPMethod, token: Request) -> Action {
        switch self.state {
        case .open:
            break
        case .opening, .closing:
            return .failRequest(token, self.notOpenError)
        case .closed(let error):
            return .failRequest(token, error)
        }
        if case .confirmSelect = method {
            if self.nextPublishSequence == nil {
                self.nextPublishSequence = 1
            }
        }
        let consumerTag: String?
        switch method {
        case .basicConsume(let consume): consumerTag = consume.consumerTag
        case .basicCancel(let cancel): consumerTag = cancel.consumerTag
        default: consumerTag = nil
        }
        self.pending.append(
            PendingRequest(
                method: method.name,
                expects: Self.replies(to: method),
                consumerTag: consumerTag,
                token: token
            )
        )
        return .send(method)
    }

    /// The user publishes. Returns the sequence number the confirm will carry (nil when confirms are off), or
    /// an error when the channel is not open.
    mutating func publishSent(
        mandatory: Bool,
        route: @autoclosure () -> Route,
        token: Confirmation?,
        at now: NIODeadline
    ) -> Result<UInt64?, AMQPError> {
        switch self.state {
        case .open:
            break
        case .opening, .closing:
            return .failure(self.notOpenError)
        case .closed(let error):
            return .failure(error)
        }
        guard let sequence = self.nextPublishSequence else {
            return .success(nil)
        }
        self.nextPublishSequence = sequence + 1
        if let token {
            self.unconfirmed.append(
                Unconfirmed(
                    sequence: sequence,
                    token: token,
                    sentAt: now,
                    route: mandatory ? route() : nil,
                    returned: nil
                )
            )
        }
        return .success(sequence)
    }

    /// The user closes the channel.
    mutating func closeRequested(token: Request) -> Action {
        switch self.state {
        case .open, .opening:
            self.state = .closing
            self.closeRequests.append(token)
            return .send(
                .channelClose(
                    .init(replyCode: ReplyCode.replySuccess.rawValue, replyText: "bye", classID: 0, methodID: 0)
                )
            )
        case .closing:
            self.closeRequests.append(token)
            return .none
        case .closed:
            return .succeedRequest(token, .channelCloseOk)
        }
    }

    /// Whether publishes await their confirm.
    var hasUnconfirmed: Bool { !self.unconfirmed.isEmpty }

    /// Fails the publishes written before `deadline` that the broker has not confirmed yet: a broker that never
    /// answers (blocked by a memory alarm, say) must not keep their publishers waiting for ever. A confirm that
    /// comes for them later is ignored.
    mutating func confirmationsOverdue(sentBefore deadline: NIODeadline, error: AMQPError) -> Action {
        var failed: [Confirmation] = []
        self.unconfirmed.removeAll { entry in
            guard entry.sentAt < deadline else { return false }
            failed.append(entry.token)
            return true
        }
        return failed.isEmpty ? .none : .failConfirmations(failed, error)
    }

    /// The oldest request has waited longer than the operation timeout: fail it and close the channel, because
    /// a late reply would otherwise be taken for the answer to the next request.
    mutating func requestTimedOut(token closeToken: Request) -> Action {
        guard !self.pending.isEmpty, case .open = self.state else {
            return .none
        }
        return self.closeRequested(token: closeToken)
    }

    // MARK: Broker methods

    /// A synchronous reply (`declare-ok`, `bind-ok`, `qos-ok`, `consume-ok`, `get-empty`, …).
    mutating func replyReceived(_ method: AMQPMethod) -> Action {
        switch self.state {
        case .closing, .closed:
            return .none
        case .opening, .open:
            break
        }
        // RabbitMQ answers most requests in order, but `consume-ok` and `cancel-ok` come from the queue's process
        // and may be overtaken by later replies: match each reply to the oldest request it can answer, and
        // consumer replies by their tag.
        let key = Self.key(method.classID, method.methodID)
        let replyTag: String?
        switch method {
        case .basicConsumeOk(let ok): replyTag = ok.consumerTag
        case .basicCancelOk(let ok): replyTag = ok.consumerTag
        default: replyTag = nil
        }
        let index = self.pending.firstIndex { pending in
            guard pending.expects.contains(key) else { return false }
            guard let replyTag, let tag = pending.consumerTag, !tag.isEmpty else { return true }
            return tag == replyTag
        }
        guard let index else {
            let waiting = self.pending.first.map { " while waiting for the answer to \($0.method)" } ?? ""
            return .protocolViolation(
                AMQPError(
                    .protocolViolation,
                    "the broker sent \(method.name) on channel \(self.channelID) unasked\(waiting)"
                )
            )
        }
        let head = self.pending.remove(at: index)
        if case .channelOpenOk = method {
            self.state = .open
        }
        return .succeedRequest(head.token, method)
    }

    /// `channel.close` from the broker: a channel error, such as 406 or 404.
    mutating func closeReceived(_ close: AMQPMethod.Channel.Close) -> Action {
        let code = ReplyCode(rawValue: close.replyCode)
        let method = AMQPError.methodName(classID: close.classID, methodID: close.methodID)
        var message = "the broker closed channel \(self.channelID): \(code) - \(close.replyText)"
        if let method {
            message += " (in answer to \(method))"
        }
        let error = AMQPError(
            .channelClosedByBroker,
            message,
            replyCode: code,
            replyText: close.replyText,
            failingMethod: method
        )
        switch self.state {
        case .closed:
            return .none
        case .opening, .open, .closing:
            return self.close(sendCloseOk: true, error: error)
        }
    }

    /// `channel.close-ok`: the close we asked for is done.
    mutating func closeOkReceived() -> Action {
        guard case .closing = self.state else {
            return .protocolViolation(
                AMQPError(.protocolViolation, "the broker sent channel.close-ok on channel \(self.channelID) unasked")
            )
        }
        return self.close(sendCloseOk: false, error: AMQPError(.channelClosed, "channel \(self.channelID) was closed"))
    }

    /// The connection is gone; everything on the channel fails with its error.
    mutating func connectionClosed(_ error: AMQPError) -> Action {
        guard !self.isClosed else { return .none }
        return self.close(sendCloseOk: false, error: error)
    }

    /// `basic.ack` from the broker: publishes up to (or exactly) `tag` are confirmed.
    mutating func ackReceived(deliveryTag: UInt64, multiple: Bool) -> Action {
        self.resolve(deliveryTag: deliveryTag, multiple: multiple, acked: true)
    }

    /// `basic.nack` from the broker: the broker could not take the publishes.
    mutating func nackReceived(deliveryTag: UInt64, multiple: Bool) -> Action {
        self.resolve(deliveryTag: deliveryTag, multiple: multiple, acked: false)
    }

    /// A content-carrying method: `basic.deliver`, `basic.return` or `basic.get-ok`, with what was wrong with its
    /// frame (``EnokiAMQPProtocol/AMQPFrame/problem``), which the message carries on.
    mutating func contentMethodReceived(_ method: AMQPMethod, problem: AMQPProtocolError? = nil) -> Action {
        do throws(AMQPProtocolError) {
            try self.assembler.methodReceived(method, problem: problem)
            return .none
        } catch {
            return .protocolViolation(AMQPError(.protocolViolation, error.message, underlying: error))
        }
    }

    /// A content header, with what was wrong with its frame.
    mutating func headerReceived(_ header: ContentHeader, problem: AMQPProtocolError? = nil) -> Action {
        do throws(AMQPProtocolError) {
            guard let content = try self.assembler.headerReceived(header, problem: problem) else { return .none }
            return self.contentAssembled(content)
        } catch {
            return .protocolViolation(AMQPError(.protocolViolation, error.message, underlying: error))
        }
    }

    /// A body frame.
    mutating func bodyReceived(_ chunk: ByteBuffer) -> Action {
        do throws(AMQPProtocolError) {
            guard let content = try self.assembler.bodyReceived(chunk) else { return .none }
            return self.contentAssembled(content)
        } catch {
            return .protocolViolation(AMQPError(.protocolViolation, error.message, underlying: error))
        }
    }

    // MARK: Helpers

    private mutating func contentAssembled(_ content: AMQPContent) -> Action {
        switch self.state {
        case .closing, .closed:
            return .none
        case .opening, .open:
            break
        }
        switch content.method {
        case .basicDeliver:
            return .deliver(content)
        case .basicReturn(let returned):
            let message = AMQPReturnedMessage(
                replyCode: ReplyCode(rawValue: returned.replyCode),
                replyText: returned.replyText,
                exchange: returned.exchange,
                routingKey: returned.routingKey,
                properties: content.properties,
                body: content.body
            )
            let route = Route(
                exchange: returned.exchange,
                routingKey: returned.routingKey,
                correlationID: content.properties.correlationID,
                messageID: content.properties.messageID
            )
            // Returns come in publish order, before the confirm of the message they belong to: give it to the
            // oldest mandatory publish awaiting its confirm that went to the same place with the same ids.
            if let index = self.unconfirmed.firstIndex(where: { $0.returned == nil && $0.route == route }) {
                self.unconfirmed[index].returned = message
                return .none
            }
            return .unmatchedReturn(message)
        case .basicGetOk:
            guard let head = self.pending.first, head.expects.contains(Self.key(60, 71)) else {
                return .protocolViolation(
                    AMQPError(.protocolViolation, "the broker sent basic.get-ok on channel \(self.channelID) unasked")
                )
            }
            self.pending.removeFirst()
            return .succeedGet(head.token, content)
        default:
            return .protocolViolation(
                AMQPError(.protocolViolation, "\(content.method.name) cannot carry content")
            )
        }
    }

    private mutating func resolve(deliveryTag: UInt64, multiple: Bool, acked: Bool) -> Action {
        guard self.nextPublishSequence != nil else {
            return .protocolViolation(
                AMQPError(
                    .protocolViolation,
                    "the broker confirmed a publish on channel \(self.channelID) without confirm.select"
                )
            )
        }
        var resolved: [(Confirmation, PublishOutcome)] = []
        func outcome(_ entry: Unconfirmed) -> PublishOutcome {
            guard acked else { return .nacked }
            if let returned = entry.returned { return .returned(returned) }
            return .acked
        }
        if multiple || deliveryTag == 0 {
            // tag 0 with multiple set means "everything so far".
            while let first = self.unconfirmed.first, deliveryTag == 0 || first.sequence <= deliveryTag {
                self.unconfirmed.removeFirst()
                resolved.append((first.token, outcome(first)))
            }
        } else if let first = self.unconfirmed.first, first.sequence == deliveryTag {
            self.unconfirmed.removeFirst()
            resolved.append((first.token, outcome(first)))
        } else if let index = self.unconfirmed.firstIndex(where: { $0.sequence == deliveryTag }) {
            let entry = self.unconfirmed.remove(at: index)
            resolved.append((entry.token, outcome(entry)))
        }
        return resolved.isEmpty ? .none : .resolveConfirmations(resolved)
    }

    private mutating func close(sendCloseOk: Bool, error: AMQPError) -> Action {
        self.state = .closed(error)
        let failed = self.pending.map(\.token)
        self.pending.removeAll()
        let confirmations = self.unconfirmed.map(\.token)
        self.unconfirmed.removeAll()
        // Close requests succeed however the channel ended: it is closed, which is what they asked for.
        let closers = self.closeRequests
        self.closeRequests.removeAll()
        return .closed(
            sendCloseOk: sendCloseOk,
            succeed: closers,
            fail: failed,
            failConfirmations: confirmations,
            error
        )
    }

    private var notOpenError: AMQPError {
        AMQPError(.channelClosed, "channel \(self.channelID) is not open")
    }

    static func key(_ classID: UInt16, _ methodID: UInt16) -> UInt32 {
        (UInt32(classID) << 16) | UInt32(methodID)
    }

    /// The replies that answer a synchronous request.
    static func replies(to method: AMQPMethod) -> [UInt32] {
        switch method {
        case .basicGet: return [self.key(60, 71), self.key(60, 72)]
        case .basicRecover: return [self.key(60, 111)]
        case .exchangeUnbind: return [self.key(40, 51)]
        case .channelClose: return [self.key(20, 41)]
        default: return [self.key(method.classID, method.methodID + 1)]
        }
    }
}
