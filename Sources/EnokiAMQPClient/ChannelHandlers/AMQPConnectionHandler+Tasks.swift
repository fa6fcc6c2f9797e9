//===----------------------------------------------------------------------===//
// This source file is part of Enoki. Licensed under Apache License v2.0.
//===----------------------------------------------------------------------===//

import EnokiAMQPProtocol
import Logging
import NIOCore

extension AMQPConnectionHandler {
    /// Runs a batch of tasks from the facades, then writes what they produced in one flush.
    func run(tasks: [HandlerTask]) {
        for task in tasks {
            self.run(task)
        }
        self.flush()
    }

    private func run(_ task: HandlerTask) {
        switch task {
        case .openChannel(let status, let promise):
            self.openChannel(status: status, promise: promise)
        case .request(let key, let method, let promise):
            guard self.channel(key, orFail: promise) else { return }
            self.sendRequest(method, token: RequestToken(promise: promise), key: key)
        case .consume(let key, let consume, let registration, let promise):
            guard self.channel(key, orFail: promise) else { return }
            self.consumers.added(
                registration,
                tag: registration.tag,
                channelID: key.id,
                noAck: registration.noAck,
                tracksHandedOver: registration.isSequence
            )
            let token = RequestToken(promise: promise)
            token.consumerTag = registration.tag
            self.sendRequest(.basicConsume(consume), token: token, key: key)
        case .publish(let key, let request, let promise):
            self.publish(request, key: key, promise: promise)
        case .writeFrames(let key, var frames):
            guard let entry = self.channels.entry(key), entry.machine.isOpen else {
                return
            }
            self.writeRaw(&frames)
        case .acknowledge(let key, let method):
            guard let entry = self.channels.entry(key), entry.machine.isOpen else {
                self.logger.debug(
                    "acknowledgement for a closed channel dropped",
                    metadata: [LogKey.channelID: "\(key.id)"]
                )
                return
            }
            self.write(method, channelID: key.id)
        case .closeChannel(let key, let promise):
            guard let entry = self.channels.entry(key) else {
                promise.succeed(.method(.channelCloseOk))
                return
            }
            _ = entry
            let token = RequestToken(promise: promise)
            let action = self.channels[key.id]!.machine.closeRequested(token: token)
            if case .send = action {
                // Bounded as every request is; the channel stays closing (its number is not used again while the
                // broker may still think it open).
                self.scheduleTimeout(for: token, method: "channel.close", channelID: key.id, closesChannel: false)
            }
            self.run(action, channelID: key.id)
        case .closeConnection(let promise):
            self.requestConnectionClose(promise)
        case .consumerDemand(let key, let tag, let resume):
            guard self.channels.entry(key) != nil else { return }
            self.setConsumerPaused(!resume, tag: tag, channelID: key.id)
        case .consumerTerminated(let key, let tag):
            self.consumerTerminated(tag: tag, key: key)
        }
    }

    /// Whether the channel is the one the facade means; if not, fails the promise.
    private func channel(_ key: ChannelKey, orFail promise: EventLoopPromise<RequestReply>) -> Bool {
        guard let entry = self.channels.entry(key) else {
            promise.fail(
                self.connectionCloseError ?? AMQPError(.channelClosed, "channel \(key.id) is closed")
            )
            return false
        }
        if let error = entry.status.closeError {
            promise.fail(error)
            return false
        }
        return true
    }

    private func openChannel(status: ChannelStatus, promise: EventLoopPromise<RequestReply>) {
        guard self.connectionIsOpen else {
            promise.fail(self.connectionCloseError ?? AMQPError(.connectionClosed, "the connection is not open"))
            return
        }
        let token = RequestToken(promise: promise)
        let added = self.channels.add { id in
            ChannelEntry(
                machine: ChannelStateMachine(channelID: id, openToken: token, maximumBodySize: self.maximumMessageSize),
                status: status
            )
        }
        guard let id = added?.id else {
            promise.fail(AMQPError(.channelLimitReached, "all channel numbers the broker allows are in use"))
            return
        }
        self.scheduleTimeout(for: token, method: "channel.open", channelID: id)
        self.write(.channelOpen, channelID: id)
    }

    private func sendRequest(_ method: AMQPMethod, token: RequestToken, key: ChannelKey) {
        if case .basicCancel(let cancel) = method {
            token.cancelsConsumer = cancel.consumerTag
        }
        let action = self.channels[key.id]!.machine.requestSent(method, token: token)
        if case .send = action {
            self.scheduleTimeout(for: token, method: method.name, channelID: key.id)
        }
        self.run(action, channelID: key.id)
    }

    /// Fails the request when the broker has not answered within the operation timeout; unless `closesChannel` is
    /// false, its channel is closed then too, since a late answer would be taken for the next request's.
    private func scheduleTimeout(
        for token: RequestToken,
        method: String,
        channelID: UInt16,
        closesChannel: Bool = true
    ) {
        guard let context = self.context else { return }
        let timeout = self.operationTimeout
        token.timeout = context.eventLoop.assumeIsolated().scheduleTask(in: timeout) {
            guard !token.isDone else { return }
            token.fail(
                AMQPError(
                    .operationTimedOut,
                    "the broker did not answer \(method) on channel \(channelID) within \(timeout.nanoseconds / 1_000_000) ms"
                )
            )
            guard closesChannel, self.channels[channelID] != nil else { return }
            let action = self.channels[channelID]!.machine.requestTimedOut(token: RequestToken(promise: nil))
            self.run(action, channelID: channelID)
            self.flush()
        }
    }

    private func publish(_ request: PublishRequest, key: ChannelKey, promise: ConfirmationBox?) {
        guard self.channels.entry(key) != nil else {
            promise?.fail(self.connectionCloseError ?? AMQPError(.channelClosed, "channel \(key.id) is closed"))
            return
        }
        guard self.channels[key.id]!.machine.isOpen else {
            promise?.fail(
                self.channels[key.id]!.status.closeError ?? AMQPError(.channelClosed, "channel \(key.id) is not open")
            )
            return
        }
        // Encode first: a publish that cannot be encoded (a header key over 255 bytes, say) fails alone and
        // takes no confirm sequence number.
        let mark = self.outboundWriterIndex
        do {
            try self.writeContent(
                .basicPublish(
                    .init(exchange: request.exchange, routingKey: request.routingKey, mandatory: request.mandatory)
                ),
                properties: request.properties,
                body: request.body,
                channelID: key.id
            )
        } catch {
            self.rewindOutbound(to: mark)
            promise?.fail(
                AMQPError(.invalidArgument, "the message cannot be published: \(error.message)", underlying: error)
            )
            return
        }
        let decision = self.channels[key.id]!.machine.publishSent(
            mandatory: request.mandatory,
            route: .init(
                exchange: request.exchange,
                routingKey: request.routingKey,
                correlationID: request.properties.correlationID,
                messageID: request.properties.messageID
            ),
            token: promise,
            at: .now()
        )
        switch decision {
        case .failure(let error):
            promise?.fail(error)
        case .success(let sequence):
            if sequence == nil {
                promise?.succeed(.unconfirmed)
            } else if self.confirmSweep == nil {
                self.scheduleConfirmSweep()
            }
        }
    }

    /// Fails the confirms that are overdue, once a second while any publish awaits one.
    private func scheduleConfirmSweep() {
        guard let context = self.context else { return }
        let interval = TimeAmount.seconds(1)
        self.confirmSweep = context.eventLoop.assumeIsolated().scheduleTask(in: min(interval, self.confirmTimeout)) {
            self.confirmSweep = nil
            let timeout = self.confirmTimeout
            let error = AMQPError(
                .operationTimedOut,
                "the broker did not confirm a publish within \(timeout.nanoseconds / 1_000_000) ms"
            )
            var waiting = false
            for channelID in self.channels.ids {
                guard let entry = self.channels[channelID] else { continue }
                let action = entry.machine.confirmationsOverdue(sentBefore: .now() - timeout, error: error)
                self.run(action, channelID: channelID)
                waiting = waiting || entry.machine.hasUnconfirmed
            }
            if waiting {
                self.scheduleConfirmSweep()
            }
        }
    }

    private func consumerTerminated(tag: String, key: ChannelKey) {
        guard let entry = self.channels.entry(key),
            let registration = self.consumers.registration(tag: tag, channelID: key.id),
            let termination = self.consumers.readerLeft(
                tag: tag,
                channelID: key.id,
                lastTaken: registration.lastTakenTag,
                channelOpen: entry.machine.isOpen
            )
        else { return }
        self.run(termination.read)
        // Deliveries waiting in the sequence's buffer were never seen by the reader: give them back.
        for deliveryTag in termination.reject {
            self.write(.basicReject(.init(deliveryTag: deliveryTag, requeue: true)), channelID: key.id)
        }
        if termination.cancel {
            self.sendRequest(.basicCancel(.init(consumerTag: tag)), token: RequestToken(promise: nil), key: key)
        }
    }

    // MARK: Channel actions

    func run(_ action: ChannelStateMachine<RequestToken, ConfirmationBox>.Action, channelID: UInt16) {
        switch action {
        case .send(let method):
            self.write(method, channelID: channelID)
        case .succeedRequest(let token, let method):
            self.requestSucceeded(token, method: method, channelID: channelID)
        case .failRequest(let token, let error):
            self.requestFailed(token, error: error, channelID: channelID)
        case .resolveConfirmations(let confirmations):
            for (promise, outcome) in confirmations {
                promise.succeed(outcome)
            }
        case .failConfirmations(let confirmations, let error):
            for promise in confirmations {
                promise.fail(error)
            }
        case .deliver(let content):
            self.deliver(content, channelID: channelID)
        case .succeedGet(let token, let content):
            token.succeed(.content(content))
        case .unmatchedReturn(let message):
            self.channels[channelID]?.status.yieldReturn(message)
        case .closed(let sendCloseOk, let succeed, let fail, let failConfirmations, let error):
            if sendCloseOk {
                self.write(.channelCloseOk, channelID: channelID)
            }
            guard let entry = self.channels.remove(channelID) else { return }
            entry.status.markClosed(error)
            for token in succeed {
                token.succeed(.method(.channelCloseOk))
            }
            for token in fail {
                token.fail(error)
            }
            for promise in failConfirmations {
                promise.fail(error)
            }
            let clean = error.code == .channelClosed
            let (ended, read) = self.consumers.channelClosed(channelID)
            self.run(read)
            for registration in ended {
                registration.finish(clean ? nil : error)
            }
            if !clean {
                self.logger.debug(
                    "channel closed",
                    metadata: [LogKey.channelID: "\(channelID)", LogKey.error: "\(error)"]
                )
            }
        case .protocolViolation(let error):
            self.protocolViolation(error)
        case .none:
            return
        }
    }

    private func requestSucceeded(_ token: RequestToken, method: AMQPMethod, channelID: UInt16) {
        if case .channelOpenOk = method, let key = self.channels.key(of: channelID) {
            token.succeed(.opened(key))
            return
        }
        if let tag = token.cancelsConsumer, let registration = self.removeConsumer(tag, channelID: channelID) {
            registration.finish(nil)
        }
        token.succeed(.method(method))
    }

    private func requestFailed(_ token: RequestToken, error: AMQPError, channelID: UInt16) {
        if let tag = token.consumerTag, let registration = self.removeConsumer(tag, channelID: channelID) {
            registration.finish(error)
        }
        token.fail(error)
    }

    private func deliver(_ content: AMQPContent, channelID: UInt16) {
        guard case .basicDeliver(let deliver) = content.method else { return }
        let lastTaken = self.consumers.registration(tag: deliver.consumerTag, channelID: channelID)?.lastTakenTag ?? 0
        let registration: ConsumerRegistration
        switch self.consumers.deliveryArrived(
            tag: deliver.consumerTag,
            channelID: channelID,
            deliveryTag: deliver.deliveryTag,
            lastTaken: lastTaken
        ) {
        case .unknownConsumer:
            self.logger.debug(
                "delivery for an unknown consumer dropped",
                metadata: [LogKey.channelID: "\(channelID)", LogKey.consumerTag: "\(deliver.consumerTag)"]
            )
            return
        case .reject(let deliveryTag):
            // Nobody reads this consumer any more: give the message back so another consumer gets it.
            self.write(.basicReject(.init(deliveryTag: deliveryTag, requeue: true)), channelID: channelID)
            return
        case .drop:
            return
        case .hand(let consumer):
            registration = consumer
        }
        let delivery = AMQPDelivery(
            exchange: deliver.exchange,
            routingKey: deliver.routingKey,
            deliveryTag: DeliveryTag(rawValue: deliver.deliveryTag),
            redelivered: deliver.redelivered,
            consumerTag: ConsumerTag(rawValue: deliver.consumerTag),
            properties: content.properties,
            body: content.body,
            problem: content.problem,
            channel: registration.channel
        )
        switch registration.sink {
        case .callback(let handler, _):
            handler(delivery)
        case .sequence(let source, _):
            switch source.yield(delivery) {
            case .produceMore:
                return
            case .stopProducing:
                self.setConsumerPaused(true, tag: deliver.consumerTag, channelID: channelID)
            case .dropped:
                guard let key = self.channels.key(of: channelID) else { return }
                self.consumerTerminated(
                    tag: deliver.consumerTag,
                    key: key
                )
            }
        }
    }
}
