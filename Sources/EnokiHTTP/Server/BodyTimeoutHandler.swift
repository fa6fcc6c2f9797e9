//===----------------------------------------------------------------------===//
// This source file is part of Enoki. Licensed under Apache License v2.0.
//===----------------------------------------------------------------------===//

import HTTPTypes
import NIOCore
import NIOHTTPTypes

/// Closes a connection whose request body has not all arrived `timeout` after its headers
/// (`WEB_SERVER_BODY_TIMEOUT`): a client that trickles its body cannot hold a connection for ever. I/O only.
final class BodyTimeoutHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPRequestPart
    typealias InboundOut = HTTPRequestPart

    private let timeout: TimeAmount
    private var scheduled: Scheduled<Void>?

    init(timeout: TimeAmount) {
        self.timeout = timeout
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch self.unwrapInboundIn(data) {
        case .head(let head):
            self.scheduled?.cancel()
            self.scheduled = nil
            // A request that announces no body (most GETs) needs no timer: its end follows its head.
            let length = head.headerFields[.contentLength]
            guard head.headerFields[.transferEncoding] != nil || (length != nil && length != "0") else { break }
            let loopBound = NIOLoopBound(context, eventLoop: context.eventLoop)
            self.scheduled = context.eventLoop.scheduleTask(in: self.timeout) {
                loopBound.value.close(promise: nil)
            }
        case .end:
            self.scheduled?.cancel()
            self.scheduled = nil
        case .body:
            break
        }
        context.fireChannelRead(data)
    }

    func channelInactive(context: ChannelHandlerContext) {
        self.scheduled?.cancel()
        self.scheduled = nil
        context.fireChannelInactive()
    }
}
