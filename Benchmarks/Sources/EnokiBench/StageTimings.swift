//===----------------------------------------------------------------------===//
// This source file is part of Enoki. Licensed under Apache License v2.0.
//===----------------------------------------------------------------------===//

import Enoki
import EnokiBenchSupport
import Foundation
import Logging
import NIOCore

/// Times, without a broker, each stage an RPC echo call goes through in the client and in the service, so that
/// the cost of a call can be split by stage: encoding, decoding, binding, running a worker.
///
/// Every stage runs on the bytes a real call carries (Nameko's headers, a 10-byte payload), `-n` times after a
/// warm-up, and prints nanoseconds per run.
enum StageTimings {
    static func run(_ options: BenchOptions) async throws {
        let count = options.int("n", 200_000)
        let payload = JSONValue.string(String(repeating: "x", count: options.int("s", 10)))
        let callerStack = ["standalone_rpc_proxy.call.\(RandomUUID.make())"]
        let correlationID = RandomUUID.make()
        let replyTo = RandomUUID.make()

        // The request and the reply as the broker delivers them.
        let requestHeaders = ContextHeaders.headers(data: [:], callIDStack: callerStack)
        let requestProperties = RPCMessage.requestProperties(
            correlationID: correlationID,
            replyTo: replyTo,
            headers: requestHeaders
        )
        let requestBody = RPCMessage.requestBody(args: [payload], kwargs: [:])
        let requestFrames = try Self.deliveryFrames(
            routingKey: "echo.echo",
            properties: requestProperties,
            body: requestBody
        )
        let replyBody = RPCMessage.replyBody(result: payload)
        let replyFrames = try Self.deliveryFrames(
            routingKey: replyTo,
            properties: RPCMessage.replyProperties(correlationID: correlationID),
            body: replyBody
        )
        let signature = Signature("echo", [.init("x")])

        var stages: [(String, () throws -> Void)] = []
        // The client's stages.
        stages.append(("client: correlation id", { _ = RandomUUID.make() }))
        stages.append(
            ("client: context headers", { _ = ContextHeaders.headers(data: [:], callIDStack: callerStack) })
        )
        stages.append(("client: request body", { _ = RPCMessage.requestBody(args: [payload], kwargs: [:]) }))
        stages.append(
            (
                "client: publish frames",
                {
                    var buffer = ByteBufferAllocator().buffer(capacity: 512)
                    try Self.encodePublish(
                        routingKey: "echo.echo",
                        properties: RPCMessage.requestProperties(
                            correlationID: correlationID,
                            replyTo: replyTo,
                            headers: requestHeaders
                        ),
                        body: requestBody,
                        into: &buffer
                    )
                }
            )
        )
        stages.append(("client: reply frames decoded", { _ = try Self.decodeDelivery(replyFrames) }))
        stages.append(("client: reply body parsed", { _ = try RPCMessage.parseReply(replyBody) }))
        // The service's stages.
        stages.append(("service: request frames decoded", { _ = try Self.decodeDelivery(requestFrames) }))
        stages.append(
            ("service: request body parsed", { _ = try JSONParser.parse(requestBody.readableBytesView) })
        )
        let parsedRequest = try JSONParser.parse(requestBody.readableBytesView)
        stages.append(("service: kombu type check", { _ = KombuEnvelope.firstUnknownType(in: parsedRequest) }))
        stages.append(("service: arguments bound", { _ = try signature.bind(args: [payload], kwargs: [:]) }))
        let bound = try signature.bind(args: [payload], kwargs: [:])
        stages.append(("service: argument decoded", { _ = try bound.value(0, as: JSONValue.self) }))
        stages.append(("service: argument as String", { _ = try bound.value(0, as: String.self) }))
        stages.append(("service: result encoded", { _ = try JSONValueEncoder().encode(payload) }))
        stages.append(("service: context read", { _ = ContextHeaders.context(from: requestHeaders) }))
        stages.append(
            (
                "service: worker context",
                {
                    _ = WorkerContext(
                        serviceName: "echo",
                        methodName: "echo",
                        parentStack: callerStack,
                        data: [:],
                        parentCallsTracked: 10
                    )
                }
            )
        )
        stages.append(("service: reply body", { _ = RPCMessage.replyBody(result: payload) }))
        stages.append(
            (
                "service: publish frames",
                {
                    var buffer = ByteBufferAllocator().buffer(capacity: 512)
                    try Self.encodePublish(
                        routingKey: replyTo,
                        properties: RPCMessage.replyProperties(correlationID: correlationID),
                        body: replyBody,
                        into: &buffer
                    )
                }
            )
        )

        let only = options.string("o", "")
        print("stage                              ns/run")
        var total = 0.0
        for (name, body) in stages where only.isEmpty || name.contains(only) {
            for _ in 0..<min(count / 10, 10_000) { try body() }
            let clock = ContinuousClock()
            let start = clock.now
            for _ in 0..<count { try body() }
            let perRun = nanoseconds(clock.now - start) / Double(count)
            total += perRun
            Self.printRow(name, perRun)
        }
        Self.printRow("sum", total)

        // A worker's round trip through a container: task start, service instance, method, result hand-over.
        guard only.isEmpty || "service: worker".contains(only) else { return }
        try await Self.timeWorkers(count: min(count, 100_000), payload: payload)
    }

    /// `basic.publish`, its header and its body, as the client writes them.
    static func encodePublish(
        routingKey: String,
        properties: BasicProperties,
        body: ByteBuffer,
        into buffer: inout ByteBuffer
    ) throws {
        let publish = AMQPMethod.basicPublish(
            .init(exchange: "nameko-rpc", routingKey: routingKey, mandatory: true, immediate: false)
        )
        try Self.encode(publish, properties: properties, body: body, into: &buffer)
    }

    /// The bytes of a `basic.deliver` with its header and body, as the broker sends them.
    static func deliveryFrames(routingKey: String, properties: BasicProperties, body: ByteBuffer) throws -> ByteBuffer {
        let deliver = AMQPMethod.basicDeliver(
            .init(
                consumerTag: "ctag-1",
                deliveryTag: 42,
                redelivered: false,
                exchange: "nameko-rpc",
                routingKey: routingKey
            )
        )
        var buffer = ByteBufferAllocator().buffer(capacity: 512)
        try Self.encode(deliver, properties: properties, body: body, into: &buffer)
        return buffer
    }

    /// A content-carrying method with its header and body frames, on channel 1.
    static func encode(
        _ method: AMQPMethod,
        properties: BasicProperties,
        body: ByteBuffer,
        into buffer: inout ByteBuffer
    ) throws {
        try AMQPFrameEncoder.encodeContent(
            method,
            properties: properties,
            body: body,
            channelID: 1,
            frameMax: 131_072,
            into: &buffer
        )
    }

    /// Decodes a delivery's frames and reassembles the message.
    static func decodeDelivery(_ frames: ByteBuffer) throws -> AMQPContent? {
        var buffer = frames
        let decoder = AMQPFrameDecoder()
        var assembler = AMQPContentAssembler()
        while let frame = try decoder.decodeFrame(buffer: &buffer) {
            switch frame.payload {
            case .method(let method): try assembler.methodReceived(method)
            case .header(let header): if let content = try assembler.headerReceived(header) { return content }
            case .body(let chunk): if let content = try assembler.bodyReceived(chunk) { return content }
            case .heartbeat: break
            }
        }
        return nil
    }

    /// Runs `count` echo workers through a container, 10 at a time, and prints the time per worker.
    static func timeWorkers(count: Int, payload: JSONValue) async throws {
        let container = try ServiceContainer<EchoService>(
            config: EnokiConfig(),
            shared: SharedExtensions(),
            logger: Logger(label: "bench", factory: { _ in SwiftLogNoOpLogHandler() })
        )
        let signature = Signature("echo", [.init("x")])
        let arguments = try signature.bind(args: [payload], kwargs: [:])
        let clock = ContinuousClock()
        for inFlight in [1, 10] {
            let runs = count / inFlight * inFlight
            let start = clock.now
            try await withThrowingTaskGroup(of: Void.self) { group in
                for _ in 0..<inFlight {
                    group.addTask {
                        for _ in 0..<(runs / inFlight) {
                            _ = try await container.runWorker(method: "echo", RPCEntrypoint.self, input: arguments)
                        }
                    }
                }
                try await group.waitForAll()
            }
            Self.printRow("service: worker, \(inFlight) at a time", nanoseconds(clock.now - start) / Double(runs))
        }
    }

    /// One line of the table: the stage's name and its nanoseconds per run.
    static func printRow(_ name: String, _ nanoseconds: Double) {
        print("\(name.padding(toLength: 34, withPad: " ", startingAt: 0)) \(String(format: "%7.0f", nanoseconds))")
    }
}
