//===----------------------------------------------------------------------===//
// This source file is part of Enoki. Licensed under Apache License v2.0.
//===----------------------------------------------------------------------===//

public import EnokiCore
import HTTPTypes
import Hummingbird
import HummingbirdCore
import Logging
import NIOCore
import ServiceLifecycle
import Synchronization
import Tracing

/// The HTTP server every HTTP entrypoint of a runner shares (Nameko's `WebServer` shared extension), on
/// Hummingbird.
///
/// Entrypoints register their routes when their containers are set up; the server binds `WEB_SERVER_ADDRESS`
/// when the first of them starts, which is after every container of the runner is set up, so it starts with
/// every route. It stops after the containers: each HTTP entrypoint stops taking requests when its container
/// stops (a request for it gets 503 from then on) while the requests in flight finish, then the server closes.
///
/// Besides the routes, it serves the OpenAPI document of every route at `/openapi.json` and a page that shows it at
/// `/apidocs`.
public final class WebServer: SharedExtension {
    /// What serves one route.
    struct Target: Sendable {
        var id: Int
        var serviceName: String
        var entrypoint: HTTPEntrypoint
        var context: EntrypointContext<HTTPEntrypoint>
    }

    private struct State {
        var routes = RouteTable<Target>()
        var stopping: Set<Int> = []
        var nextID = 0
        var task: Task<Void, any Error>?
        var group: ServiceGroup?
    }

    /// The settings.
    public let configuration: WebServerConfiguration
    let logger: Logger
    private let state = Mutex(State())
    private let started = SharedOperation<Int>()

    /// The runner's operational endpoints (metrics, health), served when no route takes their paths.
    let operations: OperationalRoutes

    init(configuration: WebServerConfiguration, logger: Logger, operations: OperationalRoutes = OperationalRoutes()) {
        self.configuration = configuration
        self.operations = operations
        var logger = logger
        logger[metadataKey: "service"] = nil
        self.logger = logger
    }

    /// The runner's server, made the first time an entrypoint asks.
    static func of(_ container: ContainerContext) throws -> WebServer {
        // Outside the shared extensions' lock, which making the server holds.
        let operations = OperationalRoutes.of(container.shared)
        return try container.shared.get(WebServer.self) {
            let server = WebServer(
                configuration: try WebServerConfiguration(config: container.config),
                logger: container.logger,
                operations: operations
            )
            server.operations.markServed()
            return server
        }
    }

    /// Adds a route; returns its id.
    func register(_ entrypoint: HTTPEntrypoint, context: EntrypointContext<HTTPEntrypoint>) throws -> Int {
        try self.state.withLock { state in
            let id = state.nextID
            state.nextID += 1
            let target = Target(
                id: id,
                serviceName: context.container.serviceName,
                entrypoint: entrypoint,
                context: context
            )
            do {
                try state.routes.add(entrypoint.rule, methods: entrypoint.methods, target: target)
            } catch let error as WebError {
                throw WebError(.route, "\(context.container.serviceName).\(context.methodName): \(error.message)")
            }
            return id
        }
    }

    /// The routes, in the order they are tried.
    var routes: [RouteTable<Target>.Route] { self.state.withLock { $0.routes.all } }

    /// Stops serving a route: its requests get 503 from now on.
    func stopServing(_ id: Int) {
        _ = self.state.withLock { $0.stopping.insert(id) }
    }

    /// The port the server listens on, once it does.
    public var port: Int? { self.started.currentValue }

    /// Binds the address and starts serving, once; later calls wait for the first.
    ///
    /// - Returns: The port it listens on.
    @discardableResult
    func start() async throws -> Int {
        try await self.started.value { try await self.run() }
    }

    private func run() async throws -> Int {
        let configuration = self.configuration
        let bodyTimeout = TimeAmount(configuration.bodyTimeout)
        let (bound, boundContinuation) = AsyncStream<Int>.makeStream()
        let application = Application(
            responder: CallbackResponder { (request: Request, _: BasicRequestContext) in
                await self.respond(to: request)
            },
            server: .http1(
                configuration: .init(
                    additionalChannelHandlers: [BodyTimeoutHandler(timeout: bodyTimeout)],
                    idleTimeout: TimeAmount(configuration.headerTimeout)
                )
            ),
            configuration: ApplicationConfiguration(address: .hostname(configuration.host, port: configuration.port)),
            onServerRunning: { channel in
                boundContinuation.yield(channel.localAddress?.port ?? configuration.port)
                boundContinuation.finish()
            },
            logger: self.logger
        )
        let group = ServiceGroup(
            configuration: .init(services: [application], gracefulShutdownSignals: [], logger: self.logger)
        )
        // The server's task belongs to the server: stop and kill end it and wait for it.
        let task = Task {
            defer { boundContinuation.finish() }
            try await group.run()
        }
        self.state.withLock { state in
            state.task = task
            state.group = group
        }
        var iterator = bound.makeAsyncIterator()
        guard let port = await iterator.next() else {
            let reason: String
            switch await task.result {
            case .failure(let error): reason = "\(error)"
            case .success: reason = "it ended"
            }
            throw WebError(
                .server,
                "the web server could not listen on \(configuration.host):\(configuration.port): \(reason)"
            )
        }
        self.logger.info("web server listening on http://\(configuration.host):\(port)")
        return port
    }

    public func stop() async {
        let (task, group) = self.state.withLock { state in
            state.stopping = Set(state.routes.all.map(\.target.id))
            return (state.task, state.group)
        }
        await group?.triggerGracefulShutdown()
        _ = await task?.result
    }

    public func kill() async {
        let task = self.state.withLock { $0.task }
        task?.cancel()
        _ = await task?.result
    }

    // MARK: Requests

    /// Answers one request: a route's worker, a redirect, a page of werkzeug's, or the API's description.
    func respond(to request: Request) async -> Response {
        let method = request.method.rawValue
        let path = PercentDecoding.decode(request.uri.path)
        let response: WebResponse
        switch self.state.withLock({ $0.routes.match(method: method, path: path) }) {
        case .found(let route, let values):
            response = await self.serve(request, route: route.target, method: method, path: path, values: values)
        case .redirect(let target):
            let host = request.head.authority ?? "\(self.configuration.host):\(self.port ?? self.configuration.port)"
            let query = request.uri.query.map { "?" + $0 } ?? ""
            response = WebPages.redirect("http://\(host)\(Self.percentEncodePath(target))\(query)")
        case .methodNotAllowed(let allowed):
            response = WebPages.methodNotAllowed(allowed)
        case .notFound:
            if let described = self.describe(method: method, path: path) {
                response = described
            } else if method == "GET" || method == "HEAD", let answer = await self.operations.respond(to: path) {
                response = WebResponse(
                    status: answer.status,
                    headers: [("Content-Type", answer.contentType)],
                    body: answer.body
                )
            } else {
                response = WebPages.notFound
            }
        }
        return Self.hummingbirdResponse(response, head: method == "HEAD")
    }

    private func serve(
        _ request: Request,
        route: Target,
        method: String,
        path: String,
        values: [String: JSONValue]
    ) async -> WebResponse {
        if self.state.withLock({ $0.stopping.contains(route.id) }) {
            route.context.refused()
            return WebPages.unavailable
        }
        let limit = self.configuration.maxBodySize
        if let length = request.headers[.contentLength].flatMap({ Int($0) }), length > limit {
            route.context.refused()
            return WebPages.tooLarge
        }
        var request = request
        let body: ByteBuffer
        do {
            body = try await request.collectBody(upTo: limit)
        } catch {
            route.context.refused()
            return WebPages.tooLarge
        }
        let webRequest = WebRequest(
            method: method,
            path: path,
            queryString: request.uri.query ?? "",
            headers: request.headers.map { ($0.name.rawName, $0.value) },
            body: Array(body.readableBytesView),
            pathValues: values
        )
        var trace = ServiceContext.topLevel
        route.context.container.tracing.tracer.extract(webRequest, into: &trace, using: RequestHeaderExtractor())
        do {
            return try await route.context.run(webRequest, trace: trace)
        } catch let error as EnokiError where error.code == .containerStopped {
            route.context.refused()
            return WebPages.unavailable
        } catch {
            return route.entrypoint.response(for: error)
        }
    }

    /// The OpenAPI document and its page, when no route takes their paths.
    private func describe(method: String, path: String) -> WebResponse? {
        guard method == "GET" || method == "HEAD" else { return nil }
        switch path {
        case "/openapi.json":
            return WebResponse(OpenAPIDocument.json(for: self.routes), status: 200, contentType: "application/json")
        case "/apidocs", "/apidocs/", "/apidocs/index.html":
            return WebResponse(APIDocsPage.html(for: self.routes), status: 200, contentType: WebPages.htmlContentType)
        default:
            return nil
        }
    }

    static func hummingbirdResponse(_ response: WebResponse, head: Bool) -> Response {
        var fields = HTTPFields()
        for (name, value) in response.headers {
            guard let fieldName = HTTPField.Name(name), fieldName != .contentLength else { continue }
            fields.append(HTTPField(name: fieldName, value: value))
        }
        let status = HTTPResponse.Status(code: response.status, reasonPhrase: WebPages.reason(response.status))
        if head {
            fields[.contentLength] = "\(response.body.count)"
            return Response(status: status, headers: fields, body: ResponseBody())
        }
        return Response(
            status: status,
            headers: fields,
            body: ResponseBody(byteBuffer: ByteBuffer(bytes: response.body))
        )
    }

    /// A decoded path, encoded again for a `Location` header.
    static func percentEncodePath(_ path: String) -> String {
        var encoded = ""
        for byte in path.utf8 {
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
                UInt8(ascii: "0")...UInt8(ascii: "9"):
                encoded.unicodeScalars.append(Unicode.Scalar(byte))
            case UInt8(ascii: "/"), UInt8(ascii: "-"), UInt8(ascii: "_"), UInt8(ascii: "."), UInt8(ascii: "~"),
                UInt8(ascii: ":"), UInt8(ascii: "@"), UInt8(ascii: "!"), UInt8(ascii: "$"), UInt8(ascii: "'"),
                UInt8(ascii: "("), UInt8(ascii: ")"), UInt8(ascii: "*"), UInt8(ascii: "+"), UInt8(ascii: ","),
                UInt8(ascii: ";"), UInt8(ascii: "="), UInt8(ascii: "&"):
                encoded.unicodeScalars.append(Unicode.Scalar(byte))
            default:
                encoded += "%" + String(byte, radix: 16, uppercase: true).leftPadded(to: 2)
            }
        }
        return encoded
    }
}

extension String {
    func leftPadded(to width: Int) -> String {
        String(repeating: "0", count: max(0, width - self.count)) + self
    }
}
