//===----------------------------------------------------------------------===//
// This source file is part of Enoki. Licensed under Apache License v2.0.
//===----------------------------------------------------------------------===//

import NIOCore
import NIOPosix
import Synchronization

/// A TCP relay on 127.0.0.1 between a client and the real broker, which a test can freeze (the broker seems to
/// go silent) or cut (the network drops every connection), to see how the client copes. Call ``stop()`` at the
/// end: it also ends the relay's thread.
public final class TCPRelay: Sendable {
    private struct State {
        var frozen = false
        var channels: [any Channel] = []
    }

    private let state = Mutex(State())
    private let serverChannel = Mutex<(any Channel)?>(nil)
    /// The relay's own thread: it stands for the network, so it never waits for the event loops of the client
    /// under test (or of any other test in the process).
    private let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
    private let targetHost: String
    private let targetPort: Int

    /// The port the relay listens on.
    public var port: Int { self.serverChannel.withLock { $0?.localAddress?.port ?? 0 } }

    /// Starts a relay to `host:port`.
    public init(targetHost: String = "127.0.0.1", targetPort: Int = 5672) async throws {
        self.targetHost = targetHost
        self.targetPort = targetPort
        let server = try await ServerBootstrap(group: self.group)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { inbound in
                self.connect(inbound)
            }
            .bind(host: "127.0.0.1", port: 0)
            .get()
        self.serverChannel.withLock { $0 = server }
    }

    private func connect(_ inbound: any Channel) -> EventLoopFuture<Void> {
        inbound.setOption(.autoRead, value: false).flatMap {
            ClientBootstrap(group: inbound.eventLoop)
                .channelInitializer { outbound in
                    outbound.pipeline.addHandler(Forwarder(peer: inbound, relay: self))
                }
                .connect(host: self.targetHost, port: self.targetPort)
        }.flatMap { outbound in
            self.state.withLock { $0.channels += [inbound, outbound] }
            return inbound.pipeline.addHandler(Forwarder(peer: outbound, relay: self)).flatMap {
                inbound.setOption(.autoRead, value: true)
            }
        }
    }

    var isFrozen: Bool { self.state.withLock { $0.frozen } }

    /// Stops forwarding in both directions (bytes are dropped); connections stay open.
    public func freeze() {
        self.state.withLock { $0.frozen = true }
    }

    /// Forwards again.
    public func thaw() {
        self.state.withLock { $0.frozen = false }
    }

    /// Closes every relayed connection, as a network failure would.
    public func cut() {
        let channels = self.state.withLock { state in
            defer { state.channels = [] }
            return state.channels
        }
        for channel in channels {
            channel.close(promise: nil)
        }
    }

    /// Stops the relay.
    public func stop() async {
        self.cut()
        let server = self.serverChannel.withLock { $0 }
        try? await server?.close()
        try? await self.group.shutdownGracefully()
    }

    private final class Forwarder: ChannelInboundHandler, Sendable {
        typealias InboundIn = ByteBuffer
        let peer: any Channel
        let relay: TCPRelay

        init(peer: any Channel, relay: TCPRelay) {
            self.peer = peer
            self.relay = relay
        }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            guard !self.relay.isFrozen else { return }
            let buffer = self.unwrapInboundIn(data)
            self.peer.writeAndFlush(buffer, promise: nil)
        }

        func channelInactive(context: ChannelHandlerContext) {
            // A frozen relay stays silent: the other side must notice on its own (heartbeats).
            guard !self.relay.isFrozen else { return }
            self.peer.close(promise: nil)
        }

        func errorCaught(context: ChannelHandlerContext, error: any Error) {
            context.close(promise: nil)
        }
    }
}
