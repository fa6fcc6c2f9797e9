//===----------------------------------------------------------------------===//
// This source file is part of Enoki. Licensed under Apache License v2.0.
//===----------------------------------------------------------------------===//

import DequeModule
import EnokiAMQPClient
import EnokiBenchSupport
import Foundation
import NIOCore
import Synchronization

/// An RPC-shaped echo on the raw client, with Nameko's guarantees: requests to the `nameko-rpc` topic
/// exchange with a correlation id and a `reply_to` routing key, persistent, mandatory, with publisher confirms;
/// replies published to `reply_to` and the request acked only once the reply is confirmed.
enum Echo {
    static let exchange = "nameko-rpc"

    /// Serves `echo.echo` on queue `rpc-echo` until cancelled.
    static func serve(
        configuration: AMQPConnection.Configuration,
        prefetch: Int,
        ready: (@Sendable () -> Void)? = nil
    ) async throws {
        let connection = try await AMQPConnection.connect(configuration: configuration)
        let channel = try await connection.openChannel()
        try await channel.declareExchange(Self.exchange, type: .topic, durable: true)
        try await channel.declareQueue("rpc-echo", durable: true)
        try await channel.bindQueue("rpc-echo", exchange: Self.exchange, routingKey: "echo.*")
        try await channel.qos(prefetchCount: UInt16(prefetch))
        try await channel.enablePublisherConfirms()
        // The server only moves messages along: it answers each request in the consumer's callback on the
        // connection's event loop, as the C reference server answers in its read loop.
        let (done, finished) = AsyncStream.makeStream(of: Void.self)
        try await channel.consume(
            queue: "rpc-echo",
            onEnd: { _ in finished.finish() },
            onDelivery: { request in
                guard let replyTo = request.properties.replyTo else {
                    try? request.reject(requeue: false)
                    return
                }
                var reply = ByteBuffer()
                reply.writeStaticString(#"{"result": "#)
                var argument = Self.firstArgument(request.body)
                reply.writeBuffer(&argument)
                reply.writeStaticString(#", "error": null}"#)
                do {
                    let confirmation = try channel.publishWithoutWaiting(
                        reply,
                        exchange: Self.exchange,
                        routingKey: replyTo,
                        properties: BasicProperties(
                            contentType: request.properties.contentType ?? "application/json",
                            contentEncoding: "utf-8",
                            headers: [:],
                            deliveryMode: 2,
                            priority: 0,
                            correlationID: request.properties.correlationID
                        )
                    )
                    // The request is acked once the broker confirms the reply.
                    confirmation.whenConfirmed { _ in try? request.ack() }
                } catch {
                    try? request.reject(requeue: true)
                }
            }
        )
        ready?()
        await withTaskCancellationHandler {
            for await _ in done {}
        } onCancel: {
            finished.finish()
        }
        await connection.close()
    }

    /// The JSON text of `args[0]` in `{"args": [X, …], "kwargs": {}}`; enough for an echo.
    static func firstArgument(_ body: ByteBuffer) -> ByteBuffer {
        let bytes = body.readableBytesView
        guard let open = bytes.firstIndex(of: UInt8(ascii: "[")) else { return ByteBuffer(string: "null") }
        var depth = 0
        var inString = false
        var escaped = false
        var index = bytes.index(after: open)
        let start = index
        while index < bytes.endIndex {
            let byte = bytes[index]
            if inString {
                if escaped {
                    escaped = false
                } else if byte == UInt8(ascii: "\\") {
                    escaped = true
                } else if byte == UInt8(ascii: "\"") {
                    inString = false
                }
            } else if byte == UInt8(ascii: "\"") {
                inString = true
            } else if byte == UInt8(ascii: "[") || byte == UInt8(ascii: "{") {
                depth += 1
            } else if byte == UInt8(ascii: "]") || byte == UInt8(ascii: "}") {
                if depth == 0 { break }
                depth -= 1
            } else if byte == UInt8(ascii: ","), depth == 0 {
                break
            }
            index = bytes.index(after: index)
        }
        return body.getSlice(at: body.readerIndex + (start - bytes.startIndex), length: index - start)
            ?? ByteBuffer(string: "null")
    }

    /// Keeps `inFlight` calls going for `duration` seconds after `warmup`, and prints a RESULT line.
    static func drive(
        configuration: AMQPConnection.Configuration,
        inFlight: Int,
        duration: Double,
        warmup: Double,
        payload: Int,
        label: String,
        onEventLoop: Bool,
        mandatory: Bool = true,
        callStackHeader: Bool = true
    ) async throws {
        let connection = try await AMQPConnection.connect(configuration: configuration)
        let channel = try await connection.openChannel()
        try await channel.declareExchange(Self.exchange, type: .topic, durable: true)
        let replyKey = UUID().uuidString.lowercased()
        let replyQueue = "rpc.reply-enoki_bench-\(replyKey)"
        // Flagged as the C reference client flags its reply queue (-D): durable, exclusive, auto-delete.
        try await channel.declareQueue(replyQueue, durable: true, exclusive: true, autoDelete: true)
        try await channel.bindQueue(replyQueue, exchange: Self.exchange, routingKey: replyKey)
        try await channel.qos(prefetchCount: UInt16(min(max(200, inFlight * 2), 65535)))
        try await channel.enablePublisherConfirms()
        let router = ReplyRouter()
        try await channel.consume(queue: replyQueue) { delivery in
            router.deliver(delivery)
            try? delivery.ack()
        }

        let body = ByteBuffer(string: #"{"args": [""# + String(repeating: "x", count: payload) + #""], "kwargs": {}}"#)
        let load = ClosedLoad(inFlight: inFlight, duration: duration, warmup: warmup)
        let result = try await load.run(on: onEventLoop ? connection.executor : nil) { number in
            let correlationID = String(number)
            let slot = router.expect(correlationID)
            let confirmation = try await channel.publish(
                body,
                exchange: Self.exchange,
                routingKey: "echo.echo",
                mandatory: mandatory,
                properties: BasicProperties(
                    contentType: "application/json",
                    contentEncoding: "utf-8",
                    headers: callStackHeader
                        ? ["nameko.call_id_stack": .array([.string("enoki_bench.call.\(correlationID)")])]
                        : nil,
                    deliveryMode: 2,
                    priority: 0,
                    correlationID: correlationID,
                    replyTo: replyKey
                )
            )
            // A reply proves the request was routed; only a return or a nack (which come instead of a reply)
            // needs the confirm, so the call ends with whichever comes first.
            confirmation.whenConfirmed { result in
                switch result {
                case .success(.acked), .success(.unconfirmed): return
                case .success(.returned), .success(.nacked), .failure: slot.fulfil(nil)
                }
            }
            guard let reply = await slot.value() else { return false }
            return reply.readableBytes >= payload
        }
        print(
            String(
                format: "RESULT bench=%@ inflight=%d mode=2 confirms=1 durable_reply=1 payload=%d | rate=%.1f",
                label,
                inFlight,
                payload,
                Double(result.measured) / duration
            ) + LatencySummary(samples: result.latencies).description + " total=\(result.total) bad=\(result.failed)"
        )
        await connection.close()
    }
}

/// Hands each reply to the call waiting for its correlation id, straight from the event loop.
final class ReplyRouter: Sendable {
    private let slots = Mutex<[String: ReplySlot]>([:])

    func expect(_ correlationID: String) -> ReplySlot {
        let slot = ReplySlot()
        self.slots.withLock { $0[correlationID] = slot }
        return slot
    }

    func deliver(_ delivery: AMQPDelivery) {
        guard let id = delivery.properties.correlationID,
            let slot = self.slots.withLock({ $0.removeValue(forKey: id) })
        else { return }
        slot.fulfil(delivery.body)
    }
}

/// One awaited reply.
final class ReplySlot: Sendable {
    private enum State {
        case waiting(CheckedContinuation<ByteBuffer?, Never>?)
        case done(ByteBuffer?)
    }

    private let state = Mutex(State.waiting(nil))

    func fulfil(_ body: ByteBuffer?) {
        let waiter = self.state.withLock { state -> CheckedContinuation<ByteBuffer?, Never>? in
            guard case .waiting(let waiter) = state else { return nil }
            state = .done(body)
            return waiter
        }
        waiter?.resume(returning: body)
    }

    func value() async -> ByteBuffer? {
        await withCheckedContinuation { continuation in
            let done = self.state.withLock { state -> ByteBuffer?? in
                switch state {
                case .done(let body): return .some(body)
                case .waiting:
                    state = .waiting(continuation)
                    return nil
                }
            }
            if let done { continuation.resume(returning: done) }
        }
    }
}
