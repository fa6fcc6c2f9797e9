//===----------------------------------------------------------------------===//
// This source file is part of Enoki. Licensed under Apache License v2.0.
//===----------------------------------------------------------------------===//

import EnokiAMQPClient
public import EnokiCore
public import Logging
import NIOCore
import Synchronization

/// A client of RabbitMQ's own RPC pattern: a request goes to a queue through the default exchange, with
/// `reply_to` naming the client's callback queue and a fresh `correlation_id`; the server answers to that queue
/// with the same correlation id.
///
/// ```swift
/// let client = try QueueRPCClient(config: config)
/// let answer = try await client.call("rpc_queue", "Hello RPC!")  // "Got a message from the client: Hello RPC!"
/// await client.close()
/// ```
///
/// The callback queue is exclusive and named by the broker, consumed without acknowledgements, as the pattern's
/// clients make it. Replies are matched by correlation id; a reply nobody waits for is dropped. A request to a
/// queue that does not exist fails at once (the request is mandatory), and every call has a timeout. When the
/// connection drops, the callback queue goes with it: calls in flight fail, and later calls use a new queue.
/// One client is safe to share between any number of tasks.
public final class QueueRPCClient: Sendable {
    private struct State {
        var callbackQueue: String?
        var slots: [String: ReplySlot] = [:]
    }

    private let transport: AMQPTransport
    private let state = Mutex(State())
    private let ready = SharedOperation<Void>()
    private let logger: Logger
    /// The timeout of every call that sets none; `nil` waits for ever. Default 30 seconds.
    public let defaultTimeout: Duration?

    /// A client; it connects on the first call.
    ///
    /// - Parameters:
    ///   - config: The configuration (its `AMQP_URI`, `HEARTBEAT`, `AMQP_SSL`).
    ///   - defaultTimeout: How long a call waits for its reply before it fails with `EnokiError` `timeout`.
    ///   - logger: Where the client logs its connection.
    public init(
        config: EnokiConfig,
        defaultTimeout: Duration? = .seconds(30),
        logger: Logger = Logger(label: "enoki.queue-rpc", factory: { _ in SwiftLogNoOpLogHandler() })
    ) throws {
        self.transport = try AMQPTransport(config: config, logger: logger, name: "enoki client", reportsRefusals: true)
        self.defaultTimeout = defaultTimeout
        self.logger = logger
    }

    /// Sends `text` as a raw body (no content type, as the pattern's clients send it) and returns the reply's
    /// body as text.
    ///
    /// - Throws: `EnokiCore.EnokiError` `unknownService` when no queue `queue` exists, `timeout` when no reply
    ///   came in time, `transport` when the connection failed.
    public func call(_ queue: String, _ text: String, timeout: Duration? = nil) async throws -> String {
        let reply = try await self.request(queue, body: ByteBuffer(string: text), contentType: nil, timeout: timeout)
        return String(buffer: reply)
    }

    /// Sends a JSON body (`application/json`) and returns the reply parsed as JSON.
    public func call(_ queue: String, json payload: JSONValue, timeout: Duration? = nil) async throws -> JSONValue {
        let reply = try await self.request(
            queue,
            body: MessageBody.json(payload),
            contentType: RPCMessage.contentType,
            timeout: timeout
        )
        do {
            return try JSONParser.parse(reply.readableBytesView)
        } catch {
            throw EnokiError(.transport, "the reply from '\(queue)' is not JSON: \(error.message)")
        }
    }

    /// Sends a body and returns the reply's body.
    func request(
        _ queue: String,
        body: ByteBuffer,
        contentType: String?,
        timeout: Duration? = nil
    ) async throws -> ByteBuffer {
        do {
            try await self.ready.value { [self] in
                self.transport.start()
                try await self.transport.register("the client's callback queue") { connection in
                    try await self.consumeCallbackQueue(on: connection)
                }
            }
        } catch let error as CancellationError {
            throw error
        } catch {
            throw EnokiError(.transport, "could not reach the broker to send to '\(queue)'", underlying: error)
        }
        let correlationID = RandomUUID.make()
        let slot = ReplySlot()
        let replyTo = self.state.withLock { state -> String? in
            state.slots[correlationID] = slot
            return state.callbackQueue
        }
        guard let replyTo else {
            self.forget(correlationID)
            throw EnokiError(.transport, "the callback queue is not ready: the connection is down")
        }
        var properties = BasicProperties()
        properties.contentType = contentType
        properties.replyTo = replyTo
        properties.correlationID = correlationID
        let request = RPCRequest(
            body: body,
            exchange: "",
            routingKey: queue,
            properties: properties,
            target: .queue(queue)
        )
        do {
            try await request.send(on: self.transport, settling: slot)
        } catch {
            self.forget(correlationID)
            throw EnokiError(.transport, "could not send the request to '\(queue)'", underlying: error)
        }
        let timer = (timeout ?? self.defaultTimeout).map { timeout in
            slot.expire(after: timeout) { EnokiError(.timeout, "no reply from '\(queue)' within \(timeout)") }
        }
        defer { timer?.cancel() }
        do {
            return try await slot.value()
        } catch {
            self.forget(correlationID)
            throw error
        }
    }

    /// Closes the client's connections.
    public func close() async {
        await self.transport.stop()
    }

    private func forget(_ correlationID: String) {
        _ = self.state.withLock { $0.slots.removeValue(forKey: correlationID) }
    }

    /// Declares a new callback queue and consumes it; the calls that waited on the previous one fail.
    private func consumeCallbackQueue(on connection: AMQPConnection) async throws {
        let lost = self.state.withLock { state in
            defer {
                state.slots = [:]
                state.callbackQueue = nil
            }
            return state.slots.values
        }
        for slot in lost {
            slot.complete(.failure(EnokiError(.transport, "the connection was lost before the reply came")))
        }
        let channel = try await connection.openChannel()
        let queue = try await channel.declareQueue("", exclusive: true).name
        try await channel.consume(queue: queue, noAck: true) { [weak self] delivery in
            self?.deliver(delivery, queue: queue)
        }
        self.state.withLock { $0.callbackQueue = queue }
    }

    private func deliver(_ delivery: AMQPDelivery, queue: String) {
        guard let id = delivery.properties.correlationID,
            let slot = self.state.withLock({ $0.slots.removeValue(forKey: id) })
        else {
            ReplySlot.dropped(delivery, queue: queue, logger: self.logger)
            return
        }
        slot.complete(ReplySlot.result(of: delivery))
    }
}
