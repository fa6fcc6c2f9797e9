//===----------------------------------------------------------------------===//
// This source file is part of Enoki. Licensed under Apache License v2.0.
//===----------------------------------------------------------------------===//

import Enoki

/// The "Chained Services" tutorial: serviceA answers with serviceB's greeting in brackets.
///
/// ```python
/// class ServiceA(object):
///     name = 'serviceA'
///     serviceB = rpc.RpcProxy('serviceB')
///
///     @rpc.rpc
///     def hello(self):
///         return '[ %s ]' % self.serviceB.hello()
/// ```
struct ServiceA: ServiceDefinition {
    static let serviceName = "serviceA"

    let serviceB: ServiceProxy

    init(dependencies: WorkerDependencies) throws {
        self.serviceB = try dependencies.resolve("serviceB")
    }

    func hello() async throws -> String {
        let reply: String = try await self.serviceB.hello()
        return "[ \(reply) ]"
    }

    static func declare(_ service: inout ServiceDeclaration<Self>) {
        service.dependency("serviceB", RPCProxy("serviceB"))
        service.rpc("hello") { service, _ in try await service.hello() }
    }
}

/// ```python
/// class ServiceB(object):
///     name = 'serviceB'
///
///     @rpc.rpc
///     def hello(self):
///         return 'Hello !'
/// ```
struct ServiceB: ServiceDefinition {
    static let serviceName = "serviceB"

    init(dependencies: WorkerDependencies) throws {}

    func hello() -> String {
        "Hello !"
    }

    static func declare(_ service: inout ServiceDeclaration<Self>) {
        service.rpc("hello") { service, _ in service.hello() }
    }
}
