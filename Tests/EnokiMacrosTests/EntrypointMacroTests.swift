//===----------------------------------------------------------------------===//
// This source file is part of Enoki. Licensed under Apache License v2.0.
//===----------------------------------------------------------------------===//

import SwiftSyntaxMacros
import SwiftSyntaxMacrosGenericTestSupport
import SwiftSyntaxMacrosTestSupport
import XCTest

@testable import EnokiMacrosPlugin

/// `@EventHandler`, `@Timer` and `@Consume` inside `@Service`.
final class EntrypointMacroTests: XCTestCase {
    let macros: [String: any Macro.Type] = [
        "Service": ServiceMacro.self,
        "RPC": MarkerMacro.self,
        "EventHandler": MarkerMacro.self,
        "Timer": MarkerMacro.self,
        "Consume": MarkerMacro.self,
    ]

    func testEntrypointsAreDeclared() {
        assertMacroExpansion(
            """
            @Service("svc")
            struct Svc {
                @EventHandler("src", "thing", handlerType: .broadcast, reliableDelivery: false)
                func onThing(_ payload: Thing) async throws {}

                @Timer(interval: 0.5, eager: true)
                func ping() {}

                @Consume(QueueSpec("rpc_queue", durable: false), prefetchCount: 1)
                func onRequest(_ body: String) -> String { body }
            }
            """,
            expandedSource: """
                struct Svc {
                    func onThing(_ payload: Thing) async throws {}
                    func ping() {}
                    func onRequest(_ body: String) -> String { body }

                    init(dependencies: EnokiCore.WorkerDependencies) throws {
                        _ = dependencies
                    }

                    /// Calls this service's methods with their Swift types, through a proxy (from a `ClusterRPCClient` or an
                    /// `RPCProxy` dependency).
                    struct Client: Sendable {
                        /// The proxy the calls go through.
                        let proxy: EnokiAMQP.ServiceProxy

                        /// A client over a proxy to this service.
                        init(_ proxy: EnokiAMQP.ServiceProxy) {
                            self.proxy = proxy
                        }


                    }
                }

                extension Svc: EnokiCore.ServiceDefinition, EnokiAMQP.RPCService {
                    static var serviceName: String {
                        "svc"
                    }

                    static func declare(_ service: inout EnokiCore.ServiceDeclaration<Self>) {
                        service.eventHandler("on_thing", source: "src", eventType: "thing", handlerType: .broadcast, reliableDelivery: false) { (service: Self, payload: Thing) async throws -> Void in
                            try await service.onThing(payload)
                        }
                        service.timer("ping", interval: 0.5, eager: true) { service in
                            service.ping()
                        }
                        service.consume("on_request", queue: QueueSpec("rpc_queue", durable: false), prefetchCount: 1) { (service: Self, payload: String) async throws -> String in
                            service.onRequest(payload)
                        }
                        service.discovery()
                    }

                    static func makeClient(_ proxy: EnokiAMQP.ServiceProxy) -> Client {
                        Client(proxy)
                    }
                }
                """,
            macros: self.macros
        )
    }

    /// An attribute the macro does not know is an entrypoint of another module: it becomes a call of the
    /// declaration method of the same name, with a description of the method and its parameters read by position.
    func testAttributesOfOtherModulesAreDeclared() {
        assertMacroExpansion(
            """
            @Service("web")
            struct Web {
                /// Gets a "value".
                ///
                /// - Returns: its \\(text)
                @HTTP("GET", "/get/<int:value>")
                func getMethod(_ request: WebRequest, value: Int) -> String { "" }

                @EnokiHTTP.HTTP("POST", "/post", expectedErrors: [Bad.self])
                @MainActor
                func doPost(_ request: WebRequest, limit: Int = 3) async throws {}

                @Nightly
                func sweep() {}
            }
            """,
            expandedSource: """
                struct Web {
                    /// Gets a "value".
                    ///
                    /// - Returns: its \\(text)
                    func getMethod(_ request: WebRequest, value: Int) -> String { "" }

                    @EnokiHTTP.HTTP("POST", "/post", expectedErrors: [Bad.self])
                    @MainActor
                    func doPost(_ request: WebRequest, limit: Int = 3) async throws {}
                    func sweep() {}

                    init(dependencies: EnokiCore.WorkerDependencies) throws {
                        _ = dependencies
                    }

                    /// Calls this service's methods with their Swift types, through a proxy (from a `ClusterRPCClient` or an
                    /// `RPCProxy` dependency).
                    struct Client: Sendable {
                        /// The proxy the calls go through.
                        let proxy: EnokiAMQP.ServiceProxy

                        /// A client over a proxy to this service.
                        init(_ proxy: EnokiAMQP.ServiceProxy) {
                            self.proxy = proxy
                        }


                    }
                }

                extension Web: EnokiCore.ServiceDefinition, EnokiAMQP.RPCService {
                    static var serviceName: String {
                        "web"
                    }

                    static func declare(_ service: inout EnokiCore.ServiceDeclaration<Self>) {
                        service.http("GET", "/get/<int:value>", method: EnokiCore.ServiceMethod(swiftName: "getMethod", wireName: "get_method", parameters: [EnokiCore.ServiceMethod.Parameter(label: nil, name: "request", wireName: "request", type: (WebRequest).self, typeName: "WebRequest"), EnokiCore.ServiceMethod.Parameter(label: "value", name: "value", wireName: "value", type: (Int).self, typeName: "Int")], resultType: (String).self, documentation: "Gets a \\"value\\".\\n\\n- Returns: its \\\\(text)")) { (service, arguments) async throws -> String in
                            try service.getMethod(arguments.value(0, as: (WebRequest).self), value: arguments.value(1, as: (Int).self))
                        }
                        service.http("POST", "/post", expectedErrors: [Bad.self], method: EnokiCore.ServiceMethod(swiftName: "doPost", wireName: "do_post", parameters: [EnokiCore.ServiceMethod.Parameter(label: nil, name: "request", wireName: "request", type: (WebRequest).self, typeName: "WebRequest"), EnokiCore.ServiceMethod.Parameter(label: "limit", name: "limit", wireName: "limit", type: (Int).self, typeName: "Int", defaultValue: "3")], resultType: (Void).self)) { (service, arguments) async throws -> Void in
                            try await service.doPost(arguments.value(0, as: (WebRequest).self), limit: arguments.value(1, default: 3 as Int))
                        }
                        service.nightly(method: EnokiCore.ServiceMethod(swiftName: "sweep", wireName: "sweep", parameters: [], resultType: (Void).self)) { (service, _) async throws -> Void in
                            service.sweep()
                        }
                        service.discovery()
                    }

                    static func makeClient(_ proxy: EnokiAMQP.ServiceProxy) -> Client {
                        Client(proxy)
                    }
                }
                """,
            // The test harness knows macros by their plain names and leaves the qualified attribute in place.
            macros: self.macros.merging(["HTTP": MarkerMacro.self, "Nightly": MarkerMacro.self]) { $1 }
        )
    }

    func testAttributeNamesBecomeDeclarationNames() {
        XCTAssertEqual(lowerCamelCase("HTTP"), "http")
        XCTAssertEqual(lowerCamelCase("EventHandler"), "eventHandler")
        XCTAssertEqual(lowerCamelCase("URLFetch"), "urlFetch")
        XCTAssertEqual(lowerCamelCase("Nightly"), "nightly")
    }

    func testMistakesAreReported() {
        assertMacroExpansion(
            """
            @Service("svc")
            struct Svc {
                @EventHandler("src", "thing")
                func noPayload() {}

                @Timer(interval: 1)
                func withPayload(_ x: Int) {}

                @Consume(queue: QueueSpec("q"))
                func labelled(_ body: String) {}

                @EventHandler("src", "thing")
                static func onStatic(_ payload: Int) {}
            }
            """,
            expandedSource: """
                struct Svc {
                    func noPayload() {}
                    func withPayload(_ x: Int) {}
                    func labelled(_ body: String) {}
                    static func onStatic(_ payload: Int) {}

                    init(dependencies: EnokiCore.WorkerDependencies) throws {
                        _ = dependencies
                    }

                    /// Calls this service's methods with their Swift types, through a proxy (from a `ClusterRPCClient` or an
                    /// `RPCProxy` dependency).
                    struct Client: Sendable {
                        /// The proxy the calls go through.
                        let proxy: EnokiAMQP.ServiceProxy

                        /// A client over a proxy to this service.
                        init(_ proxy: EnokiAMQP.ServiceProxy) {
                            self.proxy = proxy
                        }


                    }
                }

                extension Svc: EnokiCore.ServiceDefinition, EnokiAMQP.RPCService {
                    static var serviceName: String {
                        "svc"
                    }

                    static func declare(_ service: inout EnokiCore.ServiceDeclaration<Self>) {
                        service.discovery()
                    }

                    static func makeClient(_ proxy: EnokiAMQP.ServiceProxy) -> Client {
                        Client(proxy)
                    }
                }
                """,
            diagnostics: [
                DiagnosticSpec(
                    message:
                        "@EventHandler methods take exactly one parameter: the message's payload, of a Decodable type",
                    line: 4,
                    column: 19
                ),
                DiagnosticSpec(message: "@Timer methods take no parameters", line: 7, column: 21),
                DiagnosticSpec(
                    message: #"wrong arguments; write @Consume(QueueSpec("queue_name"))"#,
                    line: 9,
                    column: 5
                ),
                DiagnosticSpec(
                    message: "@EventHandler methods must be instance methods: each worker gets its own instance",
                    line: 13,
                    column: 17
                ),
            ],
            macros: self.macros
        )
    }
}
