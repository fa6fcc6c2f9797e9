//===----------------------------------------------------------------------===//
// This source file is part of Enoki. Licensed under Apache License v2.0.
//===----------------------------------------------------------------------===//

import EnokiCore
import Logging
import NIOCore
import NIOHTTP1
import NIOPosix

/// A small HTTP/1.1 server for the runner's operational endpoints, for a runner that has no HTTP server of its
/// own: `GET` and `HEAD` of a registered path answer it, another path gets 404, another method 405, and a request
/// that is not HTTP gets 400 and the connection closes.
///
/// Each connection is served in a child task of the server's task, which ``close()`` ends; a connection idle for
/// ``idleTimeout`` is closed, so that clients that open connections and send nothing cannot pile them up.
final class MetricsHTTPServer: Sendable {
    /// How long a connection may stay idle.
    static let idleTimeout = TimeAmount.seconds(30)

    let port: Int
    private let channel: any Channel
    private let task: Task<Void, Never>

    private init(port: Int, channel: any Channel, task: Task<Void, Never>) {
        self.port = port
        self.channel = channel
        self.task = task
    }

    typealias Connection = NIOAsyncChannel<HTTPServerRequestPart, HTTPServerResponsePart>

    /// Binds `host:port` and serves until closed.
    ///
    /// - Throws: ``PrometheusError`` when the address cannot be bound.
    static func start(
        host: String,
        port: Int,
        operations: OperationalRoutes,
        logger: Logger
    ) async throws -> MetricsHTTPServer {
        let server: NIOAsyncChannel<Connection, Never>
        do {
            server = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
                .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
                .serverChannelOption(.backlog, value: 128)
                .bind(host: host, port: port) { channel in
                    channel.eventLoop.makeCompletedFuture {
                        try channel.pipeline.syncOperations.addHandler(
                            IdleStateHandler(readTimeout: Self.idleTimeout)
                        )
                        try channel.pipeline.syncOperations.addHandler(CloseOnIdleHandler())
                        try channel.pipeline.syncOperations.configureHTTPServerPipeline(withErrorHandling: true)
                        return try Connection(wrappingChannelSynchronously: channel)
                    }
                }
        } catch {
            throw PrometheusError("the metrics server could not listen on \(host):\(port): \(error)")
        }
        let bound = server.channel.localAddress?.port ?? port
        let channel = server.channel
        // The server's own task: close() ends it and waits for it; each connection is a child task of it.
        let task = Task {
            do {
                try await withThrowingDiscardingTaskGroup { group in
                    try await server.executeThenClose { inbound in
                        for try await connection in inbound {
                            group.addTask { await Self.serve(connection, operations: operations) }
                        }
                    }
                }
            } catch {
                logger.debug("the metrics server stopped", metadata: ["error": "\(error)"])
            }
        }
        return MetricsHTTPServer(port: bound, channel: channel, task: task)
    }

    /// Stops listening, ends the connections, and waits for the server's task.
    func close() async {
        try? await self.channel.close()
        self.task.cancel()
        await self.task.value
    }

    private static func serve(_ connection: Connection, operations: OperationalRoutes) async {
        try? await connection.executeThenClose { inbound, outbound in
            var head: HTTPRequestHead?
            for try await part in inbound {
                switch part {
                case .head(let request):
                    head = request
                case .body:
                    continue
                case .end:
                    guard let request = head else { continue }
                    head = nil
                    let response = await Self.respond(to: request, operations: operations)
                    try await Self.write(response, for: request, to: outbound)
                    if !request.isKeepAlive { return }
                }
            }
        }
    }

    private static func respond(
        to request: HTTPRequestHead,
        operations: OperationalRoutes
    ) async -> OperationalRoutes.Response {
        let path = String(request.uri.prefix { $0 != "?" })
        guard request.method == .GET || request.method == .HEAD else {
            return OperationalRoutes.Response(
                status: 405,
                contentType: "text/plain; charset=utf-8",
                body: Array("method not allowed\n".utf8)
            )
        }
        if let response = await operations.respond(to: path) {
            return response
        }
        return OperationalRoutes.Response(
            status: 404,
            contentType: "text/plain; charset=utf-8",
            body: Array("not found; this port serves \(operations.paths.joined(separator: ", "))\n".utf8)
        )
    }

    private static func write(
        _ response: OperationalRoutes.Response,
        for request: HTTPRequestHead,
        to outbound: NIOAsyncChannelOutboundWriter<HTTPServerResponsePart>
    ) async throws {
        var headers = HTTPHeaders()
        headers.add(name: "Content-Type", value: response.contentType)
        headers.add(name: "Content-Length", value: "\(response.body.count)")
        if response.status == 405 { headers.add(name: "Allow", value: "GET, HEAD") }
        if !request.isKeepAlive { headers.add(name: "Connection", value: "close") }
        let head = HTTPResponseHead(
            version: request.version,
            status: HTTPResponseStatus(statusCode: response.status),
            headers: headers
        )
        try await outbound.write(.head(head))
        if request.method != .HEAD {
            try await outbound.write(.body(.byteBuffer(ByteBuffer(bytes: response.body))))
        }
        try await outbound.write(.end(nil))
    }
}

/// Closes a connection when its ``IdleStateHandler`` says it has been idle.
final class CloseOnIdleHandler: ChannelInboundHandler, Sendable {
    typealias InboundIn = NIOAny

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if event is IdleStateHandler.IdleStateEvent {
            context.close(promise: nil)
            return
        }
        context.fireUserInboundEventTriggered(event)
    }
}
