//===----------------------------------------------------------------------===//
// This source file is part of Enoki. Licensed under Apache License v2.0.
//===----------------------------------------------------------------------===//

import EnokiAMQPClient
import EnokiCore
import NIOCore

/// Makes RPC calls the way Nameko's proxies make them (nameko-wire §4.2, §4.6): a request to the RPC exchange
/// with routing key `{service}.{method}`, mandatory, with publisher confirms, the caller's reply routing key and a
/// new correlation id; then the reply, matched by correlation id.
///
/// A request no queue is bound for comes back (`basic.return`) and the call fails at once with
/// `UnknownService`. A reply proves the request was routed, so a call returns with its reply without waiting
/// for the confirm; a request lost with its connection is published again (``RPCRequest``).
///
/// A call's timeout counts from the moment the call is made: the wait for the reply queue, for a connection, for
/// the publisher channel and for a socket that takes more bytes count against it, as the wait for the reply does.
/// Cancelling the calling task ends the call at once. A call with a timeout sends its deadline with the request
/// (``WireDeadline``): the broker drops the request once it has expired in the queue, and an Enoki service skips
/// it, or cancels its worker, once the deadline has passed.
struct RPCCaller: Sendable {
    let transport: AMQPTransport
    let listener: ReplyListener
    let exchange: String
    /// Waits for the listener's queue to be declared and consumed.
    let ready: @Sendable () async throws -> Void
    /// Whether the listener's queue is consumed already, so that ``ready`` would not wait.
    let isReady: @Sendable () -> Bool

    func call(
        service: String,
        method: String,
        args: [JSONValue],
        kwargs: JSONObject,
        headers: FieldTable,
        timeout: Duration?
    ) async throws -> JSONValue {
        let correlationID = RandomUUID.make()
        let slot = self.listener.expect(correlationID)
        let timer = timeout.map { timeout in
            slot.expire(after: timeout) { [weak slot, transport] in
                guard slot?.wasSent == true else {
                    return EnokiError(
                        .timeout,
                        "could not send the request to \(service).\(method) within \(timeout): is \(transport.redactedURL) up?"
                    )
                }
                return EnokiError(.timeout, "no reply from \(service).\(method) within \(timeout)")
            }
        }
        defer { timer?.cancel() }
        let target = RPCRequest.Target.method(service: service, method: method)
        let deadline = timeout.map { WireDeadline(after: $0) }
        var headers = headers
        if let deadline {
            headers[WireDeadline.header] = .int64(deadline.epochMilliseconds)
        }
        let request = RPCRequest(
            body: RPCMessage.requestBody(args: args, kwargs: kwargs),
            exchange: self.exchange,
            routingKey: target.description,
            properties: RPCMessage.requestProperties(
                correlationID: correlationID,
                replyTo: self.listener.routingKey,
                headers: headers
            ),
            target: target,
            deadline: deadline
        )
        let body: ByteBuffer
        do {
            try await self.send(request, settling: slot)
            body = try await slot.value()
        } catch {
            self.listener.forget(correlationID)
            throw error
        }
        switch try RPCMessage.parseReply(body) {
        case .success(let value):
            return value
        case .failure(let error):
            throw error
        }
    }

    /// Sends the request once the reply queue is ready. When something must be waited for first (the reply queue,
    /// a connection, the publisher channel, a socket that takes more bytes), the wait ends as soon as the slot
    /// settles (its deadline) or the task is cancelled; when nothing must, it costs nothing more.
    private func send(_ request: RPCRequest, settling slot: ReplySlot) async throws {
        if self.isReady(), self.transport.canPublishWithoutWaiting {
            try await self.sendNow(request, settling: slot)
            return
        }
        try await withThrowingTaskGroup(of: Bool.self) { group in
            group.addTask {
                try await self.sendNow(request, settling: slot)
                return true
            }
            group.addTask {
                await slot.settled()
                return false
            }
            _ = try await group.next()
            group.cancelAll()
        }
    }

    private func sendNow(_ request: RPCRequest, settling slot: ReplySlot) async throws {
        do {
            try await self.ready()
        } catch {
            throw Self.failure("could not reach the broker to call \(request.target)", error)
        }
        do {
            try await request.send(on: self.transport, settling: slot)
            slot.wasSent = true
        } catch {
            throw Self.failure("could not send the request to \(request.target)", error)
        }
    }

    /// The error of a failed step; a cancellation stays one (the slot's deadline passed and ended the wait, or
    /// the caller gave up).
    private static func failure(_ message: String, _ error: any Error) -> any Error {
        if error is CancellationError || (error as? AMQPError)?.code == .cancelled {
            return error
        }
        return EnokiError(.transport, message, underlying: error)
    }
}
