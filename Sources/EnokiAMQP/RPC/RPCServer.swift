//===----------------------------------------------------------------------===//
// This source file is part of Enoki. Licensed under Apache License v2.0.
//===----------------------------------------------------------------------===//

import EnokiAMQPClient
import EnokiCore
import Logging
import NIOCore

/// Serves a container's RPC queue as a Python Nameko service does (nameko-wire §4.1, §4.4, §4.5).
///
/// It declares the RPC exchange (topic, durable), the queue `rpc-{service}` (durable, no arguments, so that
/// Python and Swift instances of a service share it) bound with `{service}.*`, and consumes it. For each request
/// it finds the method from the routing key, checks the body and binds the arguments to the method's signature;
/// a worker then runs the method, and the reply goes to the RPC exchange with the request's `reply_to` as routing
/// key. The request is acknowledged once the broker has confirmed the reply.
///
/// Bad requests never take the service down and are never redelivered for ever: a request without `reply_to`
/// is logged and dropped (there is nowhere to answer); one without a content type, of a content type other than
/// JSON, with a body that is not JSON or not an object, or without `args` or `kwargs` gets an error reply
/// (`MalformedRequest`, or the `TypeError` a Python service would send for a body that is not an object), and is
/// acknowledged. Python Nameko crashes on the first two and silently drops the others.
struct RPCServer: Sendable {
    /// A method the server serves.
    struct Method: Sendable {
        var signature: Signature
        var context: EntrypointContext
    }

    let endpoint: ServiceEndpoint
    let methods: [String: Method]
    let channel: AMQPChannel

    var logger: Logger { self.endpoint.context.logger }
    var config: EnokiConfig { self.endpoint.context.config }
    var queueName: String { "rpc-\(self.endpoint.serviceName)" }

    /// Declares the RPC exchange and queue and consumes the queue.
    ///
    /// - Parameter onEnd: Called when the consumer ends (the broker cancelled it, say).
    func consume(onEnd: @escaping @Sendable (AMQPError?) -> Void = { _ in }) async throws -> ConsumerTag {
        let exchange = self.config.rpcExchange
        try await self.channel.declareExchange(exchange, type: .topic, durable: true)
        try await self.channel.declareQueue(self.queueName, durable: true)
        try await self.channel.bindQueue(
            self.queueName,
            exchange: exchange,
            routingKey: "\(self.endpoint.serviceName).*"
        )
        return try await self.channel.consume(
            queue: self.queueName,
            onEnd: onEnd,
            onDelivery: { delivery in self.handle(delivery) }
        )
    }

    /// Runs on the event loop: checks the request and hands it to a worker.
    func handle(_ delivery: AMQPDelivery) {
        guard let replyTo = delivery.properties.replyTo else {
            self.logger.warning(
                "RPC request without reply_to dropped: there is nowhere to send the reply",
                metadata: ["queue": "\(self.queueName)", "routing_key": "\(delivery.routingKey)"]
            )
            try? delivery.ack()
            return
        }
        let routingKey = delivery.routingKey
        let methodName =
            routingKey.lastIndex(of: ".").map { String(routingKey[routingKey.index(after: $0)...]) } ?? routingKey
        let request: (BoundArguments, Method)
        switch self.check(delivery, methodName: methodName) {
        case .success(let checked):
            request = checked
        case .failure(let error):
            self.logger.info(
                "bad RPC request answered with an error",
                metadata: [
                    "queue": "\(self.queueName)", "routing_key": "\(delivery.routingKey)",
                    "error": "\(error.excType): \(error.value)",
                ]
            )
            self.replyFromEventLoop(.failure(error), to: replyTo, request: delivery)
            return
        }
        let (arguments, method) = request
        let (data, parentStack) = ContextHeaders.context(from: delivery.properties.headers)
        let accepted = method.context.spawnWorker(arguments: arguments, contextData: data, parentStack: parentStack) {
            _,
            result in
            await self.reply(result, to: replyTo, request: delivery)
        }
        if !accepted {
            // The container is stopping: give the request back for another instance.
            try? delivery.reject(requeue: true)
        }
    }

    /// The request's method and arguments, or the error to answer it with, checked in Nameko's order.
    func check(_ delivery: AMQPDelivery, methodName: String) -> Result<(BoundArguments, Method), RemoteError> {
        guard let contentType = delivery.properties.contentType else {
            return .failure(.malformedRequest("Message has no content_type; Enoki accepts application/json"))
        }
        guard contentType == RPCMessage.contentType || contentType == "json" else {
            return .failure(
                .malformedRequest("Refusing to deserialize untrusted content of type \(contentType) (\(contentType))")
            )
        }
        let body: JSONValue
        do {
            body = try JSONParser.parse(delivery.body.readableBytesView)
        } catch {
            return .failure(.malformedRequest("Can't decode message body: \(error.message)"))
        }
        if let unknown = KombuEnvelope.firstUnknownType(in: body) {
            return .failure(.malformedRequest("Can't decode message body: unsupported type '\(unknown)'"))
        }
        guard let method = self.methods[methodName] else {
            return .failure(.methodNotFound(methodName))
        }
        guard case .object(let object) = body else {
            return .failure(Self.notAnObject(body))
        }
        guard let argsValue = object["args"], let kwargsValue = object["kwargs"] else {
            return .failure(.malformedRequest("Message missing `args` or `kwargs`"))
        }
        let args: [JSONValue]
        switch argsValue {
        case .array(let elements): args = elements
        case .string(let text): args = text.map { .string(String($0)) }
        case .object(let keys): args = keys.keys.map { .string($0) }
        default:
            return .failure(
                .incorrectSignature(
                    "getcallargs() argument after * must be an iterable, not \(argsValue.pythonTypeName)"
                )
            )
        }
        guard case .object(let kwargs) = kwargsValue else {
            return .failure(
                .incorrectSignature(
                    "getcallargs() argument after ** must be a mapping, not \(kwargsValue.pythonTypeName)"
                )
            )
        }
        do {
            return .success((try method.signature.bind(args: args, kwargs: kwargs), method))
        } catch {
            return .failure(error)
        }
    }

    /// What Python raises for `body['args']` when the body is not a dict.
    static func notAnObject(_ body: JSONValue) -> RemoteError {
        let message: String
        switch body {
        case .array: message = "list indices must be integers or slices, not str"
        case .string: message = "string indices must be integers, not 'str'"
        default: message = "'\(body.pythonTypeName)' object is not subscriptable"
        }
        return RemoteError(type: "TypeError", module: "builtins", message: message)
    }

    /// Sends the reply from a worker; the request is acknowledged once the broker has confirmed the reply.
    ///
    /// When the publisher connection goes before the broker has confirmed the reply, the reply is published again on
    /// a new one (the caller takes the first copy that reaches it and drops any other); when every attempt fails,
    /// the request goes back to its queue.
    ///
    /// The worker hands the reply over and is done: the confirm and the acknowledgement happen on the event loop,
    /// bounded by the prefetch window, and a graceful stop waits for them (``ServiceEndpoint/waitForReplies()``).
    /// A worker killed with its container sends nothing and acks nothing: its request goes back to the queue.
    func reply(_ result: Result<JSONValue, any Error>, to replyTo: String, request: AMQPDelivery) async {
        if Task.isCancelled {
            return
        }
        let body: ByteBuffer
        switch result {
        case .success(let value): body = RPCMessage.replyBody(result: value)
        case .failure(let error): body = RPCMessage.replyBody(error: RemoteError.from(error))
        }
        let endpoint = self.endpoint
        let logger = self.logger
        let queueName = self.queueName
        endpoint.replyStarted()
        do {
            try await endpoint.transport.publish(
                body,
                exchange: self.config.rpcExchange,
                routingKey: replyTo,
                properties: RPCMessage.replyProperties(correlationID: request.properties.correlationID)
            ) { outcome in
                switch outcome {
                case .success(.nacked):
                    // The broker refused the reply (an internal error); sending the request round again could
                    // repeat for ever.
                    logger.warning(
                        "the broker refused a reply; its request is acknowledged",
                        metadata: ["queue": "\(queueName)"]
                    )
                    try? request.ack()
                case .success:
                    try? request.ack()
                case .failure(let error):
                    // Every attempt failed. Rejected rather than left unacknowledged: on a consumer channel that
                    // lives on, an unacknowledged request would hold a place in the prefetch window for ever and
                    // never reach an instance again.
                    Self.requeue(request, logger: logger, queueName: queueName, error: error)
                }
                endpoint.replyFinished()
            }
        } catch {
            Self.requeue(request, logger: logger, queueName: queueName, error: error)
            endpoint.replyFinished()
        }
    }

    /// Gives a request whose reply could not be sent back to its queue, for this or another instance to answer.
    static func requeue(_ request: AMQPDelivery, logger: Logger, queueName: String, error: any Error) {
        logger.warning(
            "could not send a reply; the request goes back to its queue",
            metadata: ["queue": "\(queueName)", "error": "\(error)"]
        )
        try? request.reject(requeue: true)
    }

    /// Sends an error reply from the event loop, and acks once it is confirmed.
    func replyFromEventLoop(_ result: Result<JSONValue, RemoteError>, to replyTo: String, request: AMQPDelivery) {
        let body: ByteBuffer
        switch result {
        case .success(let value): body = RPCMessage.replyBody(result: value)
        case .failure(let error): body = RPCMessage.replyBody(error: error)
        }
        let transport = self.endpoint.transport
        let exchange = self.config.rpcExchange
        let logger = self.logger
        Task {
            do {
                _ = try await transport.publishConfirmed(
                    body,
                    exchange: exchange,
                    routingKey: replyTo,
                    mandatory: false,
                    properties: RPCMessage.replyProperties(correlationID: request.properties.correlationID)
                )
            } catch {
                logger.warning("could not send an error reply", metadata: ["error": "\(error)"])
            }
            // Acknowledged even when the reply failed: a bad request must not come back for ever.
            try? request.ack()
        }
    }
}
