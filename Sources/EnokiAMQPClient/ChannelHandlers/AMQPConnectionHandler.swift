//===----------------------------------------------------------------------===//
// This source file is part of Enoki. Licensed under Apache License v2.0.
//===----------------------------------------------------------------------===//

import EnokiAMQPProtocol
import Logging
import NIOCore

/// The one channel handler of a connection: it decodes frames, hands each one to the connection or channel
/// state machine, and carries out what the machine answers. It makes no protocol decisions of its own.
///
/// Everything here runs on the connection's event loop: frames from the broker, tasks from the facades
/// (through ``HandlerTaskQueue``), heartbeat ticks and request timeouts.
final class AMQPConnectionHandler: ChannelDuplexHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    /// What the connect call learns when the handshake is done.
    struct Established: Sendable {
        var tuning: ConnectionStateMachine.Tuning
        var serverProperties: FieldTable
    }

    /// A channel's state in the handler. A class, so that each frame mutates the machine in place.
    final class ChannelEntry {
        var machine: ChannelStateMachine<RequestToken, ConfirmationBox>
        let status: ChannelStatus

        init(machine: ChannelStateMachine<RequestToken, ConfirmationBox>, status: ChannelStatus) {
            self.machine = machine
            self.status = status
        }
    }

    private var stateMachine: ConnectionStateMachine
    private var decoder = AMQPFrameDecoder(maximumFrameSize: 1 << 20)
    private var cumulation: ByteBuffer?
    private var outbound: ByteBuffer
    private var frameMax: UInt32 = AMQPFrame.minimumFrameMax
    /// The open channels, their numbers and generations.
    var channels = ChannelTable<ChannelEntry>()

    private(set) var context: ChannelHandlerContext?
    private var connectPromise: EventLoopPromise<Established>?
    private var closePromises: [EventLoopPromise<Void>] = []
    private var handshakeTimeout: Scheduled<Void>?
    private var heartbeat = HeartbeatMonitor()
    private var heartbeatTask: Scheduled<Void>?
    /// The consumers of every channel, and whether the socket is read while their readers are behind.
    var consumers = ConsumerStateMachine<ConsumerRegistration>()

    let status: ConnectionStatus
    let logger: Logger
    let operationTimeout: TimeAmount
    /// How long a publish waits for its confirm (``AMQPConnection/Configuration/confirmTimeout``).
    let confirmTimeout: TimeAmount
    /// The sweep that fails overdue confirms, while any publish awaits one.
    var confirmSweep: Scheduled<Void>?
    private let connectTimeout: TimeAmount
    /// The largest message body taken in (``AMQPConnection/Configuration/maximumMessageSize``).
    let maximumMessageSize: UInt64

    init(
        settings: ConnectionStateMachine.Settings,
        connectPromise: EventLoopPromise<Established>,
        status: ConnectionStatus,
        connectTimeout: TimeAmount,
        operationTimeout: TimeAmount,
        confirmTimeout: TimeAmount,
        maximumMessageSize: UInt64,
        logger: Logger
    ) {
        self.confirmTimeout = confirmTimeout
        self.stateMachine = ConnectionStateMachine(settings: settings)
        self.maximumMessageSize = maximumMessageSize
        self.connectPromise = connectPromise
        self.status = status
        self.connectTimeout = connectTimeout
        self.operationTimeout = operationTimeout
        self.logger = logger
        self.outbound = ByteBuffer()
    }

    // MARK: Pipeline events

    func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
        self.outbound = context.channel.allocator.buffer(capacity: 4096)
        if context.channel.isActive {
            self.connected(context: context)
        }
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        self.context = nil
    }

    func channelActive(context: ChannelHandlerContext) {
        self.connected(context: context)
        context.fireChannelActive()
    }

    private func connected(context: ChannelHandlerContext) {
        self.handshakeTimeout = context.eventLoop.assumeIsolated().scheduleTask(in: self.connectTimeout) {
            self.run(
                self.stateMachine.errorHappened(
                    AMQPError(.handshakeFailed, "the broker did not complete the AMQP handshake in time"),
                    replyCode: nil
                )
            )
            self.flush()
        }
        self.run(self.stateMachine.channelActive())
        self.flush()
    }

    func channelInactive(context: ChannelHandlerContext) {
        self.run(self.stateMachine.channelInactive())
        let promises = self.closePromises
        self.closePromises = []
        for promise in promises {
            promise.succeed()
        }
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        self.logger.debug("amqp connection error", metadata: [LogKey.error: "\(error)"])
        self.run(
            self.stateMachine.errorHappened(
                AMQPError(.connectionLost, "the connection to the broker failed", underlying: error),
                replyCode: nil
            )
        )
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        var buffer = self.unwrapInboundIn(data)
        self.heartbeat.didRead()
        if var pending = self.cumulation {
            // Complete the frame left over from the last read with just the bytes it lacks, rather than copying
            // the whole new read behind it; then decode the rest of the read in place.
            self.cumulation = nil
            var missing = self.decoder.bytesNeeded(pending)
            while missing > 0 {
                let take = min(missing, buffer.readableBytes)
                var part = buffer.readSlice(length: take)!
                pending.writeBuffer(&part)
                if take < missing {
                    self.cumulation = pending
                    return
                }
                missing = self.decoder.bytesNeeded(pending)
            }
            self.process(&pending)
        }
        self.process(&buffer)
        if buffer.readableBytes > 0, self.context != nil {
            // Keep a copy of the partial frame, not the read buffer: message bodies still point into that.
            var leftover = context.channel.allocator.buffer(capacity: max(buffer.readableBytes, 4096))
            leftover.writeBuffer(&buffer)
            self.cumulation = leftover
        }
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        self.flush()
        context.fireChannelReadComplete()
    }

    func channelWritabilityChanged(context: ChannelHandlerContext) {
        if context.channel.isWritable {
            self.status.resumeWritabilityWaiters()
        }
        context.fireChannelWritabilityChanged()
    }

    func read(context: ChannelHandlerContext) {
        if self.consumers.readRequested() {
            context.read()
        }
    }

    // MARK: Frames

    private func process(_ buffer: inout ByteBuffer) {
        do {
            while self.context != nil, let frame = try self.decoder.decodeFrame(buffer: &buffer) {
                self.handle(frame)
            }
        } catch {
            self.logger.debug("undecodable bytes from the broker", metadata: [LogKey.error: "\(error)"])
            buffer.moveReaderIndex(to: buffer.writerIndex)
            self.run(
                self.stateMachine.errorHappened(
                    AMQPError(
                        .protocolViolation,
                        "the broker sent bytes that do not decode: \(error.message)",
                        underlying: error
                    ),
                    replyCode: .frameError
                )
            )
        }
    }

    private func handle(_ frame: AMQPFrame) {
        if self.logger.logLevel <= .trace, case .method(let method) = frame.payload {
            self.logger.trace("received \(method.name)", metadata: [LogKey.channelID: "\(frame.channelID)"])
        }
        switch frame.payload {
        case .heartbeat:
            return
        case .method(let method) where frame.channelID == 0:
            self.handleConnectionMethod(method)
        case .method(let method):
            self.handleChannelMethod(method, channelID: frame.channelID, problem: frame.problem)
        case .header(let header):
            self.withChannel(frame.channelID) { $0.machine.headerReceived(header, problem: frame.problem) }
        case .body(let chunk):
            self.withChannel(frame.channelID) { $0.machine.bodyReceived(chunk) }
        }
    }

    private func handleConnectionMethod(_ method: AMQPMethod) {
        switch method {
        case .connectionStart(let start):
            self.run(self.stateMachine.startReceived(start))
        case .connectionSecure:
            self.run(self.stateMachine.secureReceived())
        case .connectionTune(let tune):
            self.run(self.stateMachine.tuneReceived(tune))
        case .connectionOpenOk:
            self.run(self.stateMachine.openOkReceived())
        case .connectionClose(let close):
            self.run(self.stateMachine.closeReceived(close))
        case .connectionCloseOk:
            self.run(self.stateMachine.closeOkReceived())
        case .connectionBlocked(let blocked):
            self.run(self.stateMachine.blockedReceived(reason: blocked.reason))
        case .connectionUnblocked:
            self.run(self.stateMachine.unblockedReceived())
        case .connectionUpdateSecretOk:
            return
        default:
            self.run(
                self.stateMachine.errorHappened(
                    AMQPError(.protocolViolation, "the broker sent \(method.name) on channel 0"),
                    replyCode: .commandInvalid
                )
            )
        }
    }

    private func handleChannelMethod(_ method: AMQPMethod, channelID: UInt16, problem: AMQPProtocolError?) {
        switch method {
        case .channelClose(let close):
            self.withChannel(channelID) { $0.machine.closeReceived(close) }
        case .channelCloseOk:
            self.withChannel(channelID) { $0.machine.closeOkReceived() }
        case .basicAck(let ack):
            self.withChannel(channelID) { $0.machine.ackReceived(deliveryTag: ack.deliveryTag, multiple: ack.multiple) }
        case .basicNack(let nack):
            self.withChannel(channelID) {
                $0.machine.nackReceived(deliveryTag: nack.deliveryTag, multiple: nack.multiple)
            }
        case .basicDeliver, .basicReturn, .basicGetOk:
            self.withChannel(channelID) { $0.machine.contentMethodReceived(method, problem: problem) }
        case .basicCancel(let cancel):
            self.consumerCancelledByBroker(channelID: channelID, cancel: cancel)
        case .channelFlow(let flow):
            self.write(.channelFlowOk(.init(active: flow.active)), channelID: channelID)
        default:
            self.withChannel(channelID) { $0.machine.replyReceived(method) }
        }
    }

    /// Runs a channel machine event and carries out its action. Frames for a channel we do not know (one we
    /// have just closed, say) are dropped.
    private func withChannel(
        _ channelID: UInt16,
        _ event: (ChannelEntry) -> ChannelStateMachine<RequestToken, ConfirmationBox>.Action
    ) {
        guard let entry = self.channels[channelID] else {
            self.logger.debug("frame for a channel that is not open", metadata: [LogKey.channelID: "\(channelID)"])
            return
        }
        let action = event(entry)
        self.run(action, channelID: channelID)
    }

    private func consumerCancelledByBroker(channelID: UInt16, cancel: AMQPMethod.Basic.Cancel) {
        guard self.channels[channelID] != nil else { return }
        if let registration = self.removeConsumer(cancel.consumerTag, channelID: channelID) {
            registration.finish(
                AMQPError(
                    .consumerCancelledByBroker,
                    "the broker cancelled consumer \(cancel.consumerTag) (was its queue deleted?)"
                )
            )
        }
        if !cancel.noWait {
            self.write(.basicCancelOk(.init(consumerTag: cancel.consumerTag)), channelID: channelID)
        }
    }

    // MARK: Connection actions

    func run(_ action: ConnectionStateMachine.Action) {
        switch action {
        case .sendProtocolHeader:
            self.outbound.writeBytes(AMQPProtocolHeader.bytes)
        case .send(let method):
            self.write(method, channelID: 0)
        case .sendTuneOkAndOpen(let tuneOk, let open, let tuning):
            self.write(tuneOk, channelID: 0)
            self.write(open, channelID: 0)
            self.frameMax = tuning.frameMax == 0 ? .max : tuning.frameMax
            self.channels.tuned(channelMax: tuning.channelMax)
            self.decoder.maximumFrameSize = self.frameMax
            self.startHeartbeats(seconds: tuning.heartbeat)
        case .established(let tuning, let serverProperties):
            self.handshakeTimeout?.cancel()
            self.handshakeTimeout = nil
            self.connectPromise?.succeed(Established(tuning: tuning, serverProperties: serverProperties))
            self.connectPromise = nil
        case .sendClose(let method, let error, let closeSocket):
            self.write(method, channelID: 0)
            self.flush()
            self.failAll(error)
            if closeSocket {
                self.context?.close(promise: nil)
            }
        case .closeSocket(let sendCloseOk, let error):
            if sendCloseOk {
                self.write(.connectionCloseOk, channelID: 0)
            }
            self.flush()
            self.failAll(error)
            self.context?.close(promise: nil)
        case .failAll(let error):
            self.failAll(error)
        case .blocked(let reason):
            self.logger.debug("broker blocked the connection", metadata: [LogKey.reason: "\(reason)"])
            self.status.setBlocked(reason)
        case .unblocked:
            self.status.setBlocked(nil)
        case .none:
            return
        }
    }

    /// Fails everything waiting on the connection with the error it ended with.
    private func failAll(_ error: AMQPError) {
        self.handshakeTimeout?.cancel()
        self.handshakeTimeout = nil
        self.heartbeatTask?.cancel()
        self.heartbeatTask = nil
        self.confirmSweep?.cancel()
        self.confirmSweep = nil
        if let promise = self.connectPromise {
            self.connectPromise = nil
            promise.fail(error)
        }
        for channelID in self.channels.ids {
            self.withChannel(channelID) { $0.machine.connectionClosed(error) }
        }
        self.channels.removeAll()
        self.consumers.connectionClosed()
        self.status.markClosed(error)
    }

    private func startHeartbeats(seconds: UInt16) {
        guard seconds > 0 else { return }
        self.scheduleHeartbeatTick(interval: .milliseconds(Int64(seconds) * 500), seconds: seconds)
    }

    private func scheduleHeartbeatTick(interval: TimeAmount, seconds: UInt16) {
        guard let context = self.context else { return }
        self.heartbeatTask = context.eventLoop.assumeIsolated().scheduleTask(in: interval) {
            switch self.heartbeat.tick(readsPaused: self.consumers.readsPaused) {
            case .none:
                break
            case .sendHeartbeat:
                self.outbound.writeBytes([AMQPFrame.FrameType.heartbeat.rawValue, 0, 0, 0, 0, 0, 0, AMQPFrame.frameEnd])
                self.flush()
            case .brokerSilent:
                self.logger.debug("broker missed its heartbeats")
                self.run(
                    self.stateMachine.errorHappened(
                        AMQPError(
                            .heartbeatTimeout,
                            "the broker sent nothing for two heartbeat intervals (\(seconds * 2) s); the connection is dead"
                        ),
                        replyCode: nil
                    )
                )
                return
            }
            if self.heartbeatTask != nil {
                self.scheduleHeartbeatTick(interval: interval, seconds: seconds)
            }
        }
    }

    // MARK: Output

    func write(_ method: AMQPMethod, channelID: UInt16) {
        if self.logger.logLevel <= .trace {
            self.logger.trace("sending \(method.name)", metadata: [LogKey.channelID: "\(channelID)"])
        }
        do {
            try AMQPFrameEncoder.encodeMethod(
                method,
                channelID: channelID,
                frameMax: self.frameMax,
                into: &self.outbound
            )
        } catch {
            // Only reachable through arguments the facades check first; never put a half frame on the wire.
            self.logger.error("could not encode a method", metadata: [LogKey.error: "\(error)"])
        }
    }

    func writeContent(
        _ method: AMQPMethod,
        properties: BasicProperties,
        body: ByteBuffer,
        channelID: UInt16
    ) throws(AMQPProtocolError) {
        try AMQPFrameEncoder.encodeContent(
            method,
            properties: properties,
            body: body,
            channelID: channelID,
            frameMax: self.frameMax,
            into: &self.outbound
        )
    }

    /// Appends bytes that are already frames.
    func writeRaw(_ frames: inout ByteBuffer) {
        self.outbound.writeBuffer(&frames)
    }

    var outboundWriterIndex: Int { self.outbound.writerIndex }

    func rewindOutbound(to writerIndex: Int) {
        self.outbound.moveWriterIndex(to: writerIndex)
    }

    func flush() {
        guard self.outbound.readableBytes > 0, let context = self.context else { return }
        self.heartbeat.didWrite()
        let buffer = self.outbound
        self.outbound = context.channel.allocator.buffer(capacity: 4096)
        context.writeAndFlush(self.wrapOutboundOut(buffer), promise: nil)
    }

    // MARK: Consumer back-pressure

    func setConsumerPaused(_ paused: Bool, tag: String, channelID: UInt16) {
        self.run(self.consumers.setPaused(paused, tag: tag, channelID: channelID))
    }

    /// Forgets a consumer that ended; returns its registration, for the caller to finish.
    func removeConsumer(_ tag: String, channelID: UInt16) -> ConsumerRegistration? {
        let (registration, read) = self.consumers.removed(tag: tag, channelID: channelID)
        self.run(read)
        return registration
    }

    func run(_ action: ConsumerStateMachine<ConsumerRegistration>.ReadAction) {
        guard action == .resumeReading, let context = self.context else { return }
        context.read()
    }

    var connectionIsOpen: Bool { self.stateMachine.isOpen }

    var connectionCloseError: AMQPError? { self.stateMachine.closeError }

    /// Closes the connection: `connection.close`, then the socket once `close-ok` arrives (or the operation
    /// timeout passes). The promise succeeds when the socket is closed.
    func requestConnectionClose(_ promise: EventLoopPromise<Void>) {
        guard let context = self.context, context.channel.isActive else {
            promise.succeed()
            return
        }
        self.closePromises.append(promise)
        self.run(self.stateMachine.closeRequested())
        self.flush()
        context.eventLoop.assumeIsolated().scheduleTask(in: self.operationTimeout) {
            self.context?.close(promise: nil)
        }
    }

    func protocolViolation(_ error: AMQPError) {
        self.run(self.stateMachine.errorHappened(error, replyCode: .unexpectedFrame))
    }
}
