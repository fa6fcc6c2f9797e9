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
/// a worker reads the request (off the event loop: the body is parsed and the arguments bound in the worker's
/// task), runs the method, and the reply goes to the RPC exchange with the request's `reply_to` as routing key.
/// The request is acknowledged once the broker has confirmed the reply.
///
/// Bad requests never take the service down and are never redelivered for ever: a request without `reply_to`
/// is logged and dropped (there is nowhere to answer); one that cannot be read (a routing key, property or header
/// that does not decode, a body over `MAX_MESSAGE_SIZE`), without a content type, of a content type other than
/// JSON, with a body that is not JSON or not an object, or without `args` or `kwargs` gets an error reply
/// (`MalformedRequest`, or the `TypeError` a Python service would send for a body that is not an object), and is
/// rejected without requeueing (dead-lettered where the queue has a dead-letter exchange). Python Nameko crashes on
/// some of these and silently drops the others.
struct RPCServer: Sendable {
    /// A method the server serves.
    struct Method: Sendable {
        var signature: Signature
        var context: EntrypointContext<RPCEntrypoint>
        var metrics: DeliveryMetrics

        init(signature: Signature, context: EntrypointContext<RPCEntrypoint>) {
            self.signature = signature
            self.context = context
            self.metrics = DeliveryMetrics(context.container.metrics, entrypoint: context.methodName)
        }
    }

    /// The label of requests for a method the service does not have: one label for all of them, so that a caller
    /// cannot add labels by naming methods.
    static let unknownMethodLabel = "(unknown)"

    /// The built-in discovery call (``EnokiCore/ServiceDescription/discoveryMethod``): its worker answers with
    /// the service's description, and runs no method of the service.
    struct Discovery: Sendable {
        var context: EntrypointContext<DiscoveryEntrypoint>
        var description: JSONValue

        /// The description, with the runner's health (``EnokiCore/RunnerHealth/json``) under `health`, so that a
        /// runner without an HTTP server answers probes too.
        func answer() -> JSONValue {
            guard case .object(var object) = self.description else { return self.description }
            object["health"] = RunnerHealth.of(self.context.container.shared).json
            return .object(object)
        }
    }

    let serviceName: String
    let methods: [String: Method]
    let discovery: Discovery?
    let channel: AMQPChannel
    /// Where replies go, and who waits for their confirms.
    let replier: RPCReply.Replier
    let config: EnokiConfig
    /// The context workers of requests for unknown methods run in (to answer them); any method's, since the
    /// methods of a container share its workers. `nil` when the service has no RPC method (only discovery).
    private let anyContext: EntrypointContext<RPCEntrypoint>?
    /// The counts of requests for methods the service does not have.
    private let unknown: (worker: EntrypointMetrics, delivery: DeliveryMetrics)

    init(
        serviceName: String,
        methods: [String: Method],
        discovery: Discovery? = nil,
        channel: AMQPChannel,
        replier: RPCReply.Replier,
        config: EnokiConfig
    ) {
        precondition(!methods.isEmpty || discovery != nil, "an RPC server serves at least one method")
        self.serviceName = serviceName
        self.methods = methods
        self.discovery = discovery
        self.channel = channel
        self.replier = replier
        self.config = config
        self.anyContext = methods.values.first?.context
        let metrics = (methods.values.first?.context.container ?? discovery!.context.container).metrics
        self.unknown = (
            metrics.entrypoint(kind: "rpc", method: Self.unknownMethodLabel),
            DeliveryMetrics(metrics, entrypoint: Self.unknownMethodLabel)
        )
    }

    var logger: Logger { self.replier.logger }
    var queueName: String { self.replier.queueName }

    /// The name of a service's RPC queue: `rpc-{service}`.
    static func queueName(service: String) -> String { "rpc-\(service)" }

    /// The queue `rpc-{service}` (durable; a quorum queue when `QUEUE_TYPE` says so) bound to the RPC exchange
    /// (topic, durable) with `{service}.*`: what the server declares, and what the topology dry run shows.
    static func queue(service: String, config: EnokiConfig) -> QueueSpec {
        QueueSpec(
            self.queueName(service: service),
            exchange: ExchangeSpec(config.rpcExchange, type: .topic, durable: true),
            routingKey: "\(service).*",
            durable: true
        ).declared(as: config.queueType)
    }

    /// Declares the RPC exchange and queue and consumes the queue.
    ///
    /// - Parameter onEnd: Called when the consumer ends (the broker cancelled it, say).
    func consume(onEnd: @escaping @Sendable (AMQPError?) -> Void = { _ in }) async throws -> ConsumerTag {
        try await Self.queue(service: self.serviceName, config: self.config).declare(on: self.channel)
        return try await self.channel.consume(
            queue: self.queueName,
            onEnd: onEnd,
            onDelivery: { delivery in self.handle(delivery) }
        )
    }

    /// Runs on the event loop: hands the request, unread, to a worker.
    func handle(_ delivery: AMQPDelivery) {
        let routingKey = delivery.routingKey
        let methodName =
            routingKey.lastIndex(of: ".").map { String(routingKey[routingKey.index(after: $0)...]) } ?? routingKey
        let method = self.methods[methodName]
        let isDiscovery = method == nil && methodName == ServiceDescription.discoveryMethod
        let metrics = method?.metrics ?? (isDiscovery ? nil : self.unknown.delivery)
        metrics?.received(delivery.redelivered)
        guard let replyTo = delivery.properties.replyTo else {
            metrics?.droppedWithoutReplyTo()
            self.logger.warning(
                "RPC request without reply_to dropped: there is nowhere to send the reply",
                metadata: ["queue": "\(self.queueName)", "routing_key": "\(WireText.loggable(delivery.routingKey))"]
            )
            try? delivery.reject(requeue: false)
            return
        }
        if isDiscovery, let discovery = self.discovery {
            Self.answer(delivery, replyTo: replyTo, methodName: methodName, on: discovery.context, self.replier) { _ in
                .success(discovery.answer())
            }
        } else if let context = method?.context ?? self.anyContext {
            let signature = method?.signature
            Self.answer(
                delivery,
                replyTo: replyTo,
                methodName: methodName,
                on: context,
                self.replier,
                deadline: method == nil ? nil : WireDeadline(headers: delivery.properties.headers)
            ) { slot in
                switch self.read(delivery, methodName: methodName, signature: signature) {
                case .success(let arguments):
                    let (data, parentStack) = ContextHeaders.context(from: delivery.properties.headers)
                    return await slot.run(arguments, contextData: data, parentStack: parentStack)
                case .failure(let refusal):
                    // Refused before any worker: no dependency, hook or observer hears of it.
                    return .failure(refusal)
                }
            }
        } else if let discovery = self.discovery {
            // A service with no RPC method of its own: every other name is unknown (or the request unreadable).
            Self.answer(delivery, replyTo: replyTo, methodName: methodName, on: discovery.context, self.replier) { _ in
                switch self.read(delivery, methodName: methodName, signature: nil) {
                case .success:
                    return .failure(RPCReply.Refusal(error: .methodNotFound(WireText.loggable(methodName))))
                case .failure(let refusal):
                    return .failure(refusal)
                }
            }
        }
    }

    /// Hands a request to a worker of `context`, which answers it with what `produce` gives.
    ///
    /// With a caller's `deadline` (``WireDeadline``), a request whose deadline has passed when its turn comes is
    /// acknowledged unanswered and its method does not run, and a worker still running when the deadline passes
    /// is cancelled and its result dropped: the caller has given up, and nothing would read the reply.
    static func answer<E: Entrypoint>(
        _ delivery: AMQPDelivery,
        replyTo: String,
        methodName: String,
        on context: EntrypointContext<E>,
        _ replier: RPCReply.Replier,
        deadline: WireDeadline? = nil,
        produce: @escaping @Sendable (WorkerSlot<E>) async -> Result<JSONValue, any Error>
    ) {
        let accepted = context.spawn(
            giveBack: { try? delivery.reject(requeue: true) },
            work: { slot in
                guard delivery.channel.isOpen else {
                    // The broker delivers the request again elsewhere: answering it here would answer it twice.
                    replier.logger.debug("work from a closed channel skipped", metadata: ["method": "\(methodName)"])
                    return
                }
                guard let deadline else {
                    await RPCReply.send(await produce(slot), to: replyTo, request: delivery, from: replier)
                    return
                }
                let late = -deadline.remainingMilliseconds()
                guard late < 0 else {
                    context.refused()
                    replier.logger.info(
                        "RPC request skipped: its caller's deadline passed \(late) ms before its turn came",
                        metadata: ["queue": "\(replier.queueName)", "method": "\(methodName)"]
                    )
                    try? delivery.ack()
                    return
                }
                guard let result = await deadline.run({ await produce(slot) }) else {
                    replier.logger.warning(
                        "RPC worker cancelled: its caller's deadline passed while it ran",
                        metadata: ["queue": "\(replier.queueName)", "method": "\(methodName)"]
                    )
                    try? delivery.ack()
                    return
                }
                await RPCReply.send(result, to: replyTo, request: delivery, from: replier)
            }
        )
        if !accepted {
            context.refused()
            // The container is stopping: give the request back for another instance.
            try? delivery.reject(requeue: true)
        }
    }

    /// Runs in the worker's task: the request's arguments, or the refusal to answer it with.
    ///
    /// - Parameter signature: The method's signature, looked up once when the request arrived; `nil` for a method
    ///   the service does not have.
    func read(
        _ delivery: AMQPDelivery,
        methodName: String,
        signature: Signature?
    ) -> Result<BoundArguments, RPCReply.Refusal> {
        switch Self.check(delivery, methodName: methodName, signature: signature) {
        case .success(let arguments):
            return .success(arguments)
        case .failure(let error):
            let unreadable = error.excPath == RemoteError.KnownPath.malformedRequest
            if signature != nil, let method = self.methods[methodName] {
                method.context.refused()
                if unreadable { method.metrics.droppedUnreadable() }
            } else {
                self.unknown.worker.count(.refused)
                if unreadable { self.unknown.delivery.droppedUnreadable() }
            }
            self.logger.info(
                "bad RPC request answered with an error",
                metadata: [
                    "queue": "\(self.queueName)", "routing_key": "\(WireText.loggable(delivery.routingKey))",
                    "error": "\(error.excType): \(WireText.loggable(error.value))",
                ]
            )
            return .failure(RPCReply.Refusal(error: error))
        }
    }

    /// The request's arguments bound to its method, or the error to answer it with, checked in Nameko's order.
    ///
    /// Pure: the delivery's properties and body in, the arguments or the error out, so that it is tested (and
    /// fuzzed) without a broker.
    static func check(
        _ delivery: AMQPDelivery,
        methodName: String,
        signature: Signature?
    ) -> Result<BoundArguments, RemoteError> {
        self.check(
            problem: delivery.problem,
            contentType: delivery.properties.contentType,
            body: delivery.body,
            methodName: methodName,
            signature: signature
        )
    }

    /// ``check(_:methodName:signature:)`` on the parts of a delivery.
    static func check(
        problem: EnokiAMQPProtocol.AMQPProtocolError?,
        contentType: String?,
        body: ByteBuffer,
        methodName: String,
        signature: Signature?
    ) -> Result<BoundArguments, RemoteError> {
        if let problem {
            return .failure(.malformedRequest("Can't read the message: \(problem.message)"))
        }
        guard let contentType else {
            return .failure(.malformedRequest("Message has no content_type; Enoki accepts application/json"))
        }
        guard contentType == RPCMessage.contentType || contentType == "json" else {
            let shown = WireText.loggable(contentType)
            return .failure(.malformedRequest("Refusing to deserialize untrusted content of type \(shown) (\(shown))"))
        }
        let parsed: JSONValue
        do {
            parsed = try JSONParser.parse(body.readableBytesView)
        } catch {
            return .failure(.malformedRequest("Can't decode message body: \(error.message)"))
        }
        if let unknown = KombuEnvelope.firstUnknownType(in: parsed) {
            return .failure(
                .malformedRequest("Can't decode message body: unsupported type '\(WireText.loggable(unknown))'")
            )
        }
        guard let signature else {
            return .failure(.methodNotFound(WireText.loggable(methodName)))
        }
        guard case .object(let object) = parsed else {
            return .failure(Self.notAnObject(parsed))
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
            return .success(try signature.bind(args: args, kwargs: kwargs))
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
}
