//===----------------------------------------------------------------------===//
// This source file is part of Enoki. Licensed under Apache License v2.0.
//===----------------------------------------------------------------------===//

import Synchronization

/// The `GET` endpoints a runner offers its operators, such as the Prometheus metrics: a path and what answers it,
/// whatever the transport.
///
/// The runner's HTTP server, when it runs one, serves them after its own routes (a route of the service's with the
/// same path wins) and says so with ``markServed()``; an extension that needs them served otherwise (the Prometheus
/// exporter) binds a port of its own when nobody has.
public final class OperationalRoutes: SharedExtension {
    /// What an operational endpoint answers.
    public struct Response: Sendable {
        /// The HTTP status.
        public var status: Int
        /// The `Content-Type`.
        public var contentType: String
        /// The body.
        public var body: [UInt8]

        /// A response.
        public init(status: Int = 200, contentType: String, body: [UInt8]) {
            self.status = status
            self.contentType = contentType
            self.body = body
        }
    }

    /// Answers one `GET` of an endpoint; it runs in the request's task, never on an event loop.
    public typealias Handler = @Sendable () async -> Response

    private struct State {
        var routes: [String: Handler] = [:]
        var served = false
    }

    private let state = Mutex(State())

    /// No endpoints.
    public init() {}

    /// The runner's operational endpoints, made the first time they are asked for.
    public static func of(_ shared: SharedExtensions) -> OperationalRoutes {
        shared.get(OperationalRoutes.self) { OperationalRoutes() }
    }

    /// Adds an endpoint; a later one for the same path replaces it.
    public func register(_ path: String, _ handler: @escaping Handler) {
        self.state.withLock { $0.routes[path] = handler }
    }

    /// The paths, sorted.
    public var paths: [String] { self.state.withLock { $0.routes.keys.sorted() } }

    /// Answers a `GET` of `path`; `nil` when no endpoint has it.
    public func respond(to path: String) async -> Response? {
        guard let handler = self.state.withLock({ $0.routes[path] }) else { return nil }
        return await handler()
    }

    /// Says that the runner's HTTP server serves these endpoints.
    public func markServed() {
        self.state.withLock { $0.served = true }
    }

    /// Whether the runner's HTTP server serves these endpoints.
    public var isServed: Bool { self.state.withLock { $0.served } }

    public func stop() async {}
}
