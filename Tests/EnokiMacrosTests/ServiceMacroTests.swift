//===----------------------------------------------------------------------===//
// This source file is part of Enoki. Licensed under Apache License v2.0.
//===----------------------------------------------------------------------===//

import SwiftSyntaxMacros
import SwiftSyntaxMacrosGenericTestSupport
import SwiftSyntaxMacrosTestSupport
import XCTest

@testable import EnokiMacrosPlugin

final class ServiceMacroTests: XCTestCase {
    let macros: [String: any Macro.Type] = [
        "Service": ServiceMacro.self,
        "RPC": MarkerMacro.self,
        "RPCProxy": MarkerMacro.self,
        "Dependency": MarkerMacro.self,
    ]

    func testServiceWithoutDependencies() {
        assertMacroExpansion(
            """
            @Service("greet_service")
            struct GreetService {
                @RPC func greet() -> String { "Hello !" }
            }
            """,
            expandedSource: """
                struct GreetService {
                    func greet() -> String { "Hello !" }

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

                        /// Calls `greet`.
                        func greet() async throws -> String {
                            let arguments: [EnokiCore.JSONValue] = []
                            let result = try await self.proxy.call("greet", args: arguments)
                            return try EnokiAMQP.RPCClientSupport.decode(result, as: String.self)
                        }
                    }
                }

                extension GreetService: EnokiCore.ServiceDefinition, EnokiAMQP.RPCService {
                    static var serviceName: String {
                        "greet_service"
                    }

                    static func declare(_ service: inout EnokiCore.ServiceDeclaration<Self>) {
                        service.rpc("greet", parameters: []) { service, _ in
                            service.greet()
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

    func testRPCOptionsReachTheDeclaration() {
        assertMacroExpansion(
            """
            @Service("accounts")
            struct Accounts {
                @RPC("sign_in", expectedErrors: [Denied.self], sensitiveArguments: ["password", "user.token"])
                func signIn(_ password: String) -> String { "ok" }
            }
            """,
            expandedSource: """
                struct Accounts {
                    func signIn(_ password: String) -> String { "ok" }

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

                        /// Calls `sign_in`.
                        func signIn(_ password: String) async throws -> String {
                            let arguments: [EnokiCore.JSONValue] = [try EnokiAMQP.RPCClientSupport.encode(password)]
                            let result = try await self.proxy.call("sign_in", args: arguments)
                            return try EnokiAMQP.RPCClientSupport.decode(result, as: String.self)
                        }
                    }
                }

                extension Accounts: EnokiCore.ServiceDefinition, EnokiAMQP.RPCService {
                    static var serviceName: String {
                        "accounts"
                    }

                    static func declare(_ service: inout EnokiCore.ServiceDeclaration<Self>) {
                        service.rpc("sign_in", parameters: [.init("password", type: "String")], expectedErrors: [Denied.self], sensitiveArguments: ["password", "user.token"]) { service, arguments in
                            try service.signIn(arguments.value(0, as: String.self))
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

    func testDependenciesDefaultsAndPythonNames() {
        assertMacroExpansion(
            """
            @Service("service_x")
            public struct ServiceX {
                @RPCProxy("service_y") var y: ServiceProxy
                @Dependency(ConfigProvider()) var config: EnokiConfig
                @RPC func remoteMethod(_ value: String, userID: Int = 7) async throws {
                }
            }
            """,
            expandedSource: """
                public struct ServiceX {
                    var y: ServiceProxy
                    var config: EnokiConfig
                    func remoteMethod(_ value: String, userID: Int = 7) async throws {
                    }

                    public init(dependencies: EnokiCore.WorkerDependencies) throws {
                        self.y = try dependencies.resolve("y")
                        self.config = try dependencies.resolve("config")
                    }

                    /// Calls this service's methods with their Swift types, through a proxy (from a `ClusterRPCClient` or an
                    /// `RPCProxy` dependency).
                    public struct Client: Sendable {
                        /// The proxy the calls go through.
                        public let proxy: EnokiAMQP.ServiceProxy

                        /// A client over a proxy to this service.
                        public init(_ proxy: EnokiAMQP.ServiceProxy) {
                            self.proxy = proxy
                        }

                        /// Calls `remote_method`.
                        public func remoteMethod(_ value: String, userID: Int = 7) async throws {
                            let arguments: [EnokiCore.JSONValue] = [try EnokiAMQP.RPCClientSupport.encode(value), try EnokiAMQP.RPCClientSupport.encode(userID)]
                            let result = try await self.proxy.call("remote_method", args: arguments)
                            _ = result
                        }
                    }
                }

                extension ServiceX: EnokiCore.ServiceDefinition, EnokiAMQP.RPCService {
                    public static var serviceName: String {
                        "service_x"
                    }

                    public static func declare(_ service: inout EnokiCore.ServiceDeclaration<Self>) {
                        service.dependency("y", EnokiAMQP.RPCProxy("service_y"))
                        service.dependency("config", ConfigProvider())
                        service.rpc("remote_method", parameters: [.init("value", type: "String"), .init("user_id", type: "Int", defaultValue: "7")]) { service, arguments in
                            try await service.remoteMethod(arguments.value(0, as: String.self), userID: arguments.value(1, default: 7 as Int))
                        }
                        service.discovery()
                    }

                    public static func makeClient(_ proxy: EnokiAMQP.ServiceProxy) -> Client {
                        Client(proxy)
                    }
                }
                """,
            macros: self.macros
        )
    }

    func testMisuseIsReported() {
        assertMacroExpansion(
            """
            @Service("bad.name")
            struct Bad {
            }
            """,
            expandedSource: """
                struct Bad {

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
                """,
            diagnostics: [
                DiagnosticSpec(
                    message:
                        "service name 'bad.name' contains '.', which would break routing keys ('{service}.{method}')",
                    line: 1,
                    column: 1
                )
            ],
            macros: self.macros
        )
    }

    func testMethodMistakes() {
        assertMacroExpansion(
            """
            @Service("svc")
            enum Wrong {}
            """,
            expandedSource: """
                enum Wrong {}
                """,
            diagnostics: [
                DiagnosticSpec(
                    message: "@Service can only be attached to a struct or a final class",
                    line: 1,
                    column: 1
                )
            ],
            macros: self.macros
        )
        assertMacroExpansion(
            """
            @Service("svc")
            struct Svc {
                @RPC static func a() {}
                @RPC func b<T>(_ x: T) {}
                @RPC func c(_ xs: Int...) {}
                @RPC func d(_ x: inout Int) {}
                @RPC func e() {}
                @RPC("e") func f() {}
                @RPCProxy("y") var y: ServiceProxy = .init()
                @RPCProxy(42) var z: ServiceProxy
            }
            """,
            expandedSource: """
                struct Svc {
                    static func a() {}
                    func b<T>(_ x: T) {}
                    func c(_ xs: Int...) {}
                    func d(_ x: inout Int) {}
                    func e() {}
                    func f() {}
                    var y: ServiceProxy = .init()
                    var z: ServiceProxy

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

                        /// Calls `e`.
                        func e() async throws {
                            let arguments: [EnokiCore.JSONValue] = []
                            let result = try await self.proxy.call("e", args: arguments)
                            _ = result
                        }
                    }
                }

                extension Svc: EnokiCore.ServiceDefinition, EnokiAMQP.RPCService {
                    static var serviceName: String {
                        "svc"
                    }

                    static func declare(_ service: inout EnokiCore.ServiceDeclaration<Self>) {
                        service.rpc("e", parameters: []) { service, _ in
                            service.e()
                        }
                        service.discovery()
                    }

                    static func makeClient(_ proxy: EnokiAMQP.ServiceProxy) -> Client {
                        Client(proxy)
                    }
                }
                """,
            diagnostics: [
                DiagnosticSpec(
                    message: "@RPC methods must be instance methods: each worker gets its own instance",
                    line: 3,
                    column: 22
                ),
                DiagnosticSpec(
                    message: "@RPC methods cannot be generic: the JSON they receive needs concrete types",
                    line: 4,
                    column: 15
                ),
                DiagnosticSpec(
                    message: "@RPC methods cannot take variadic parameters; take an array instead",
                    line: 5,
                    column: 17
                ),
                DiagnosticSpec(message: "@RPC methods cannot take inout parameters", line: 6, column: 17),
                DiagnosticSpec(
                    message: "two @RPC methods have the wire name 'e'; give one another name with @RPC(\"other_name\")",
                    line: 8,
                    column: 20
                ),
                DiagnosticSpec(
                    message: "dependency 'y' is injected into each worker and cannot have an initial value",
                    line: 9,
                    column: 5
                ),
                DiagnosticSpec(
                    message:
                        "@RPCProxy needs the target service: @RPCProxy(\"service_name\") or @RPCProxy(ServiceType.self)",
                    line: 10,
                    column: 15
                ),
            ],
            macros: self.macros
        )
    }
}

final class SnakeCaseTests: XCTestCase {
    func testPythonSpellings() {
        XCTAssertEqual(snakeCase("appendIdentifier"), "append_identifier")
        XCTAssertEqual(snakeCase("remoteMethod"), "remote_method")
        XCTAssertEqual(snakeCase("userID"), "user_id")
        XCTAssertEqual(snakeCase("HTTPServer"), "http_server")
        XCTAssertEqual(snakeCase("getURLForID"), "get_url_for_id")
        XCTAssertEqual(snakeCase("value2"), "value2")
        XCTAssertEqual(snakeCase("already_snake"), "already_snake")
        XCTAssertEqual(snakeCase("greet"), "greet")
    }
}
