//===----------------------------------------------------------------------===//
// This source file is part of Enoki. Licensed under Apache License v2.0.
//===----------------------------------------------------------------------===//

import Logging
import NIOCore
import NIOSSL
import NIOTLS

/// Runs one ``SMTPSessionStateMachine`` on a channel: it hands the machine each reply, handshake and failure, and
/// does what the machine says (write, start TLS, arm the step's timeout, close). It decides nothing itself.
final class SMTPChannelHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = SMTPReply
    typealias OutboundOut = ByteBuffer

    private var machine: SMTPSessionStateMachine
    private let promise: EventLoopPromise<SMTPReceipt>
    private let timeout: TimeAmount
    private let startTLS: (context: NIOSSLContext, serverHostname: String?)?
    private let logger: Logger
    private var timer: Scheduled<Void>?
    private var answered = false

    init(
        machine: SMTPSessionStateMachine,
        promise: EventLoopPromise<SMTPReceipt>,
        timeout: TimeAmount,
        startTLS: (context: NIOSSLContext, serverHostname: String?)?,
        logger: Logger
    ) {
        self.machine = machine
        self.promise = promise
        self.timeout = timeout
        self.startTLS = startTLS
        self.logger = logger
    }

    func handlerAdded(context: ChannelHandlerContext) {
        if context.channel.isActive { self.arm(context) }
    }

    func channelActive(context: ChannelHandlerContext) {
        self.arm(context)
        context.fireChannelActive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let reply = self.unwrapInboundIn(data)
        self.logger.trace("smtp reply", metadata: ["smtp.reply": "\(reply)"])
        self.disarm()
        self.run(self.machine.replyReceived(reply), context)
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if case .handshakeCompleted = event as? TLSUserEvent {
            self.run(self.machine.tlsEstablished(), context)
        }
        context.fireUserInboundEventTriggered(event)
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        self.disarm()
        if error is NIOSSLError || error is BoringSSLError || error is NIOSSLExtraError {
            self.run(self.machine.tlsFailed("\(error)"), context)
        } else {
            self.run(self.machine.errorCaught(error), context)
        }
    }

    func channelInactive(context: ChannelHandlerContext) {
        self.disarm()
        self.run(self.machine.connectionClosed(), context)
        context.fireChannelInactive()
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        self.disarm()
        if !self.answered {
            self.answered = true
            self.promise.fail(SMTPError(.connectionClosed, "the connection ended", step: self.machine.step))
        }
    }

    private func run(_ action: SMTPSessionStateMachine.Action, _ context: ChannelHandlerContext) {
        switch action {
        case .send(let command):
            self.logger.trace("smtp command", metadata: ["smtp.command": "\(command)"])
            var buffer = context.channel.allocator.buffer(capacity: 64)
            command.write(into: &buffer)
            context.writeAndFlush(self.wrapOutboundOut(buffer), promise: nil)
            self.arm(context)
        case .sendMessage(let bytes):
            self.logger.trace("smtp message", metadata: ["smtp.bytes": "\(bytes.count)"])
            context.writeAndFlush(self.wrapOutboundOut(context.channel.allocator.buffer(bytes: bytes)), promise: nil)
            self.arm(context)
        case .startTLS:
            guard let startTLS = self.startTLS else {
                self.run(self.machine.tlsFailed("no TLS settings"), context)
                return
            }
            do {
                let handler = try NIOSSLClientHandler(
                    context: startTLS.context,
                    serverHostname: startTLS.serverHostname
                )
                try context.pipeline.syncOperations.addHandler(handler, position: .first)
                self.arm(context)
            } catch {
                self.run(self.machine.tlsFailed("\(error)"), context)
            }
        case .accepted(let receipt):
            self.answer(.success(receipt))
            self.run(.send(.quit), context)
        case .fail(let error):
            self.answer(.failure(error))
            context.close(promise: nil)
        case .close:
            context.close(promise: nil)
        case .none:
            break
        }
    }

    private func answer(_ result: Result<SMTPReceipt, SMTPError>) {
        guard !self.answered else { return }
        self.answered = true
        self.promise.completeWith(result.mapError { $0 as any Error })
    }

    private func arm(_ context: ChannelHandlerContext) {
        self.disarm()
        let bound = NIOLoopBound((self, context), eventLoop: context.eventLoop)
        self.timer = context.eventLoop.scheduleTask(in: self.timeout) {
            let (handler, context) = bound.value
            handler.timer = nil
            handler.run(handler.machine.timedOut(), context)
        }
    }

    private func disarm() {
        self.timer?.cancel()
        self.timer = nil
    }
}
