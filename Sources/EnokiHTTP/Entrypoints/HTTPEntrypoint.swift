//===----------------------------------------------------------------------===//
// This source file is part of Enoki. Licensed under Apache License v2.0.
//===----------------------------------------------------------------------===//

public import EnokiCore
import Synchronization

/// Serves a method over HTTP (Nameko's `@http(method, url, expected_exceptions=…)`, nameko-wire §9): requests
/// whose method and path match the route run the method in a worker, and what it gives back is the response.
///
/// Every HTTP entrypoint of every service a runner starts shares one ``WebServer``, bound to
/// `WEB_SERVER_ADDRESS`. Declare it with `@HTTP("GET", "/get/<int:value>")` on a method of a `@Service`, or with
/// ``EnokiCore/ServiceDeclaration/http(_:_:expectedErrors:sensitiveArguments:method:perform:)``.
///
/// Errors: one of `expectedErrors` or a ``BadRequest`` gives 400, anything else 500, with the body
/// `Error: {type}: {value}\n`, unless the service renders its own (``WebErrorResponding``). Workers get empty
/// context data.
public final class HTTPEntrypoint: Entrypoint {
    /// A worker takes the request.
    public typealias Input = WebRequest
    /// A worker gives back the response.
    public typealias Output = WebResponse

    /// The route's rule.
    public let rule: RouteRule
    /// The route's methods, upper case.
    public let methods: [String]
    /// The errors answered with 400.
    public let expectedErrors: [any Error.Type]
    /// The path variables logs and spans never show.
    public let sensitiveArguments: SensitiveArguments
    /// The method the route runs.
    public let method: ServiceMethod
    let errorResponse: @Sendable (any Error) -> WebResponse?
    /// Whether the service renders its own error responses (``WebErrorResponding``).
    let rendersOwnErrors: Bool
    private let route = Mutex<(server: WebServer, id: Int)?>(nil)

    /// An entrypoint.
    ///
    /// - Parameters:
    ///   - methods: The HTTP methods, comma-separated with no spaces, as Nameko's (`"GET,PUT,POST,DELETE"`).
    ///   - rule: The werkzeug rule.
    ///   - expectedErrors: The errors answered with 400.
    ///   - sensitiveArguments: The path variables logs and spans never show.
    ///   - method: The method the route runs.
    ///   - errorResponse: The service's own error responses.
    ///   - rendersOwnErrors: Whether `errorResponse` answers any error (the API document then shows no body for
    ///     400).
    /// - Throws: ``WebError`` when the rule does not parse or names a variable no parameter of the method takes.
    public init(
        methods: String,
        rule: String,
        expectedErrors: [any Error.Type] = [],
        sensitiveArguments: SensitiveArguments = .none,
        method: ServiceMethod,
        errorResponse: @escaping @Sendable (any Error) -> WebResponse? = { _ in nil },
        rendersOwnErrors: Bool = false
    ) throws(WebError) {
        self.rendersOwnErrors = rendersOwnErrors
        self.rule = try RouteRule(rule)
        self.methods = methods.split(separator: ",").map { String($0).trimmingSpaces.uppercased() }
        guard !self.methods.isEmpty else { throw WebError(.route, "\(rule) has no method") }
        self.expectedErrors = expectedErrors
        self.sensitiveArguments = sensitiveArguments
        self.method = method
        self.errorResponse = errorResponse
        let names = Set(method.parameters.flatMap { [$0.label, $0.name].compactMap { $0 } })
        if let missing = self.rule.variableNames.first(where: { !names.contains($0) }) {
            throw WebError(.route, "\(method.swiftName) has no parameter \(missing) for the rule \(rule)")
        }
        let variables = Set(self.rule.variableNames)
        let bodies = method.parameters.filter { parameter in
            parameter.type != WebRequest.self && !variables.contains(parameter.label ?? parameter.name)
                && !variables.contains(parameter.name)
        }
        if bodies.count > 1 {
            throw WebError(
                .route,
                "\(method.swiftName) takes \(bodies.map(\.name).joined(separator: ", ")) from the body; a route takes one body parameter at most"
            )
        }
    }

    /// The request's method and the route's rule (not the path, which holds the variables' values), and its path
    /// variables with the sensitive ones redacted.
    public func shownArguments(_ input: WebRequest) -> JSONObject? {
        var variables = JSONObject()
        for (name, value) in input.pathValues.sorted(by: { $0.key < $1.key }) {
            variables[name] = value
        }
        var shown = self.sensitiveArguments.redact(variables)
        shown["request"] = .string("\(input.method) \(self.rule.text)")
        return shown
    }

    public func isExpected(_ error: any Error) -> Bool {
        error is BadRequest || self.expectedErrors.contains { Self.error(error, is: $0) }
    }

    private static func error<T>(_ error: any Error, is type: T.Type) -> Bool { error is T }

    /// An HTTP route, with its methods, its rule and the method's parameters.
    public func describe(method: String) -> EntrypointDescription? {
        EntrypointDescription(
            kind: "http",
            method: method,
            details: [
                "http_methods": .array(self.methods.map(JSONValue.string)),
                "url": .string(self.rule.text),
                "parameters": EntrypointDescription.parameters(of: self.method.signature),
            ]
        )
    }

    public func setup(_ context: EntrypointContext<HTTPEntrypoint>) async throws {
        let server = try WebServer.of(context.container)
        let id = try server.register(self, context: context)
        self.route.withLock { $0 = (server, id) }
    }

    public func start(_ context: EntrypointContext<HTTPEntrypoint>) async throws {
        try await self.route.withLock { $0 }?.server.start()
    }

    public func stop() async {
        guard let (server, id) = self.route.withLock({ $0 }) else { return }
        server.stopServing(id)
    }

    public func kill() async {
        await self.stop()
    }

    /// The response for a worker's error: the service's own, or 400 (expected) or 500 with
    /// `Error: {type}: {value}\n`.
    func response(for error: any Error) -> WebResponse {
        if let response = self.errorResponse(error) { return response }
        return WebResponse(
            "Error: \(WebErrorText.typeName(of: error)): \(WebErrorText.value(of: error))\n",
            status: self.isExpected(error) ? 400 : 500
        )
    }
}

extension ServiceDeclaration {
    /// Declares an HTTP route (Nameko's `@http`); the `@HTTP` attribute calls this.
    ///
    /// ```swift
    /// service.http("GET", "/get/<int:value>", method: ServiceMethod(…)) { service, arguments in
    ///     service.getMethod(try arguments.value(0, as: WebRequest.self), value: try arguments.value(1, as: Int.self))
    /// }
    /// ```
    ///
    /// - Parameters:
    ///   - methods: The HTTP methods, comma-separated (`"GET,POST"`).
    ///   - rule: The werkzeug rule (`/get/<int:value>`).
    ///   - expectedErrors: Errors answered with 400.
    ///   - sensitiveArguments: Path variables logs and spans never show (Nameko's `sensitive_arguments`).
    ///   - method: The method's description.
    ///   - perform: Runs the method; what it returns becomes the response (``WebResponse/from(_:)``).
    public mutating func http<Result>(
        _ methods: String,
        _ rule: String,
        expectedErrors: [any Error.Type] = [],
        sensitiveArguments: SensitiveArguments = .none,
        method: ServiceMethod,
        perform: @escaping @Sendable (Service, WebArguments) async throws -> Result
    ) {
        let errorResponse: @Sendable (any Error) -> WebResponse? = { error in
            (Service.self as? any WebErrorResponding.Type)?.errorResponse(for: error)
        }
        do {
            let entrypoint = try HTTPEntrypoint(
                methods: methods,
                rule: rule,
                expectedErrors: expectedErrors,
                sensitiveArguments: sensitiveArguments,
                method: method,
                errorResponse: errorResponse,
                rendersOwnErrors: Service.self is any WebErrorResponding.Type
            )
            self.entrypoint(entrypoint, method: method.wireName) { service, request in
                try WebResponse.from(
                    try await perform(service, WebArguments(request: request, method: method)),
                    as: Result.self
                )
            }
        } catch {
            // Reported when the container starts, where a bad declaration stops the service with a clear error.
            self.entrypoint(BrokenEntrypoint(error: error), method: method.wireName) { _, _ in }
        }
    }
}

/// An entrypoint whose declaration was wrong: the container fails to start with its error.
struct BrokenEntrypoint: Entrypoint {
    typealias Input = Void
    typealias Output = Void
    let error: WebError

    func setup(_ context: EntrypointContext<BrokenEntrypoint>) async throws {
        throw WebError(self.error.kind, "\(context.container.serviceName).\(context.methodName): \(self.error.message)")
    }
}

/// The parts of Nameko's error body, `Error: {type}: {value}`.
enum WebErrorText {
    static func typeName(of error: any Error) -> String {
        let name = String(describing: type(of: error))
        return name.split(separator: ".").last.map(String.init) ?? name
    }

    static func value(of error: any Error) -> String {
        "\(error)"
    }
}
