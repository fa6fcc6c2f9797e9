//===----------------------------------------------------------------------===//
// This source file is part of Enoki. Licensed under Apache License v2.0.
//===----------------------------------------------------------------------===//

import Enoki
import EnokiOTel
import EnokiTesting
import Logging
import NIOCore
import NIOHTTP1
import NIOPosix
import OTel
import ServiceLifecycle
import Synchronization
import Testing

/// An OTLP/HTTP collector on a free port of 127.0.0.1 that keeps what it is sent.
final class FakeCollector: Sendable {
    struct Export: Sendable {
        var path: String
        var contentType: String?
        var body: [UInt8]
    }

    private let exports = Mutex<[Export]>([])
    private let channel: Mutex<(any Channel)?> = Mutex(nil)

    var received: [Export] { self.exports.withLock { $0 } }

    var port: Int { self.channel.withLock { $0?.localAddress?.port ?? 0 } }

    func start() async throws {
        let bound = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.configureHTTPServerPipeline()
                    try channel.pipeline.syncOperations.addHandler(Handler(collector: self))
                }
            }
            .bind(host: "127.0.0.1", port: 0).get()
        self.channel.withLock { $0 = bound }
    }

    func stop() async {
        try? await self.channel.withLock { $0 }?.close()
    }

    fileprivate func keep(_ export: Export) {
        self.exports.withLock { $0.append(export) }
    }

    private final class Handler: ChannelInboundHandler, @unchecked Sendable {
        typealias InboundIn = HTTPServerRequestPart
        typealias OutboundOut = HTTPServerResponsePart
        let collector: FakeCollector
        var head: HTTPRequestHead?
        var body: [UInt8] = []

        init(collector: FakeCollector) { self.collector = collector }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            switch self.unwrapInboundIn(data) {
            case .head(let head):
                self.head = head
                self.body = []
            case .body(let buffer):
                self.body += buffer.readableBytesView
            case .end:
                guard let head = self.head else { return }
                self.collector.keep(
                    Export(path: head.uri, contentType: head.headers.first(name: "content-type"), body: self.body)
                )
                var headers = HTTPHeaders()
                headers.add(name: "Content-Type", value: "application/x-protobuf")
                headers.add(name: "Content-Length", value: "0")
                context.write(
                    self.wrapOutboundOut(.head(HTTPResponseHead(version: head.version, status: .ok, headers: headers))),
                    promise: nil
                )
                context.writeAndFlush(self.wrapOutboundOut(.end(nil)), promise: nil)
            }
        }
    }
}

@Service("otel_front")
struct OTelFront {
    @Dependency(RPCProxy("otel_back")) var back: ServiceProxy

    @RPC func start() async throws -> String { try await self.back.traceparent() }
}

@Service("otel_back")
struct OTelBack {
    @Dependency(WorkerContextProvider()) var worker: WorkerContext

    /// The `traceparent` that came with the call, as its `nameko.traceparent` header.
    @RPC func traceparent() -> String { self.worker.data["traceparent"]?.stringValue ?? "none" }
}

@Suite(.timeLimit(.minutes(2))) struct OTelExporterTests {
    @Test func theConfigTurnsItOnAndSaysWhere() throws {
        #expect(try OTelExporter.configuration(config: EnokiConfig(), serviceNames: ["a"]) == nil)
        #expect(try OTelExporter.configuration(config: ["OTEL": false], serviceNames: ["a"]) == nil)
        let defaults = try #require(try OTelExporter.configuration(config: ["OTEL": true], serviceNames: ["a", "b"]))
        #expect(defaults.serviceName == "a,b")
        let set = try #require(
            try OTelExporter.configuration(
                config: [
                    "OTEL": ["ENDPOINT": "http://collector:4318", "SERVICE_NAME": "orders", "SCHEDULE_DELAY": 0.5]
                ],
                serviceNames: ["a"]
            )
        )
        #expect(set.serviceName == "orders")
        #expect(set.traces.otlpExporter.endpoint == "http://collector:4318/v1/traces")
        #expect(set.traces.batchSpanProcessor.scheduleDelay == .milliseconds(500))
        #expect(throws: OTelExporterError.self) {
            try OTelExporter.configuration(config: ["OTEL": ["SCHEDULE_DELAY": "soon"]], serviceNames: ["a"])
        }
        #expect(throws: OTelExporterError.self) {
            try OTelExporter.configuration(config: ["OTEL": "yes"], serviceNames: ["a"])
        }
    }

    @Test func spansReachTheCollectorAndTheW3CContextTravelsBetweenServices() async throws {
        let collector = FakeCollector()
        try await collector.start()
        let configuration = try #require(
            try OTelExporter.configuration(
                config: [
                    "OTEL": ["ENDPOINT": .string("http://127.0.0.1:\(collector.port)"), "SCHEDULE_DELAY": 0.1]
                ],
                serviceNames: ["otel_front", "otel_back"]
            )
        )
        let (tracer, exporter) = try OTelExporter.makeTracer(configuration)
        let group = ServiceGroup(
            configuration: .init(services: [.init(service: exporter)], logger: .init(label: "otel-test"))
        )
        try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { try await group.run() }
            try await TestCluster.run(
                services: [.service(OTelFront.self), .service(OTelBack.self)],
                telemetry: Telemetry(tracer: tracer)
            ) { cluster in
                let traceparent: String = try await cluster.rpc.otel_front.start()
                // W3C: version, a trace id of 32 hex digits, a parent id of 16, flags (sampled).
                let parts = traceparent.split(separator: "-")
                #expect(parts.count == 4, "\(traceparent)")
                #expect(parts.first == "00")
                #expect(parts.count > 2 && parts[1].count == 32 && parts[2].count == 16)
                #expect(parts.last == "01")
            }
            let deadline = ContinuousClock.now + .seconds(20)
            while ContinuousClock.now < deadline {
                let bodies = collector.received.flatMap(\.body)
                let text = String(decoding: bodies, as: UTF8.self)
                if text.contains("otel_front.start") && text.contains("otel_back.traceparent") { break }
                try await Task.sleep(for: .milliseconds(100))
            }
            await group.triggerGracefulShutdown()
            try await tasks.waitForAll()
        }
        await collector.stop()
        let exports = collector.received
        #expect(exports.contains { $0.path == "/v1/traces" })
        #expect(exports.allSatisfy { $0.contentType == "application/x-protobuf" })
        let text = String(decoding: exports.flatMap(\.body), as: UTF8.self)
        // Protobuf writes strings as they are: the spans' names and the service name are in the exports.
        #expect(text.contains("otel_front.start"))
        #expect(text.contains("otel_back.traceparent"))
        #expect(text.contains("otel_front,otel_back"))
    }
}
