//===----------------------------------------------------------------------===//
// This source file is part of Enoki. Licensed under Apache License v2.0.
//===----------------------------------------------------------------------===//

import EnokiAMQPClient
import EnokiCore
import FoundationEssentials
import NIOCore

/// Makes RPC calls the way Nameko's proxies make them (nameko-wire §4.2, §4.6): a request to the RPC exchange
/// with routing key `{service}.{method}`, mandatory, with publisher confirms, the caller's reply routing key and a
/// new correlation id; then the reply, matched by correlation id.
///
/// A request no queue is bound for comes back (`basic.return`) and the call fails at once with
/// `UnknownService`. A reply proves the request was routed, so a call returns with its reply without waiting
/// for the confirm; a request lost with its connection is published again (``RPCRequest``).
struct RPCCaller: Sendable {
    let transport: AMQPTransport
    let listener: ReplyListener
    let exchange: String
    /// Waits for the listener's queue to be declared and consumed.
    let ready: @Sendable () async throws -> Void

    func call(
        service: String,
        method: String,
        args: [JSONValue],
        kwargs: JSONObject,
        headers: FieldTable,
        timeout: Duration?
    ) async throws -> JSONValue {
        do {
            try await self.ready()
        } catch {
            throw EnokiError(.transport, "could not reach the broker to call \(service).\(method)", underlying: error)
        }
        let correlationID = RandomUUID.make()
        let slot = self.listener.expect(correlationID)
        let target = RPCRequest.Target.method(service: service, method: method)
        let request = RPCRequest(
            body: RPCMessage.requestBody(args: args, kwargs: kwargs),
            exchange: self.exchange,
            routingKey: target.description,
            properties: RPCMessage.requestProperties(
                correlationID: correlationID,
                replyTo: self.listener.routingKey,
                headers: headers
            ),
            target: target
        )
        do {
            try await request.send(on: self.transport, settling: slot)
        } catch {
            self.listener.forget(correlationID)
            throw EnokiError(.transport, "could not send the request to \(service).\(method)", underlying: error)
        }
        let timer = timeout.map { timeout in
            slot.expire(after: timeout) {
                EnokiError(.timeout, "no reply from \(service).\(method) within \(timeout)")
            }
        }
        let body: ByteBuffer
        do {
            body = try await slot.value()
        } catch {
            timer?.cancel()
            self.listener.forget(correlationID)
            throw error
        }
        timer?.cancel()
        switch try RPCMessage.parseReply(body) {
        case .success(let value):
            return value
        case .failure(let error):
            throw error
        }
    }
}
