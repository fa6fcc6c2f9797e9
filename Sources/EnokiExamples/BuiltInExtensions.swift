//===----------------------------------------------------------------------===//
// This source file is part of Enoki. Licensed under Apache License v2.0.
//===----------------------------------------------------------------------===//

import Enoki

/// The RPC example of Nameko's "built-in extensions" page: `service_x.remote_method("hellø")` returns
/// `"hellø-x-y"`.
///
/// ```python
/// class ServiceY:
///     name = "service_y"
///
///     @rpc
///     def append_identifier(self, value):
///         return u"{}-y".format(value)
/// ```
struct ServiceY: ServiceDefinition {
    static let serviceName = "service_y"

    init(dependencies: WorkerDependencies) throws {}

    func appendIdentifier(_ value: String) -> String {
        "\(value)-y"
    }

    static func declare(_ service: inout ServiceDeclaration<Self>) {
        service.rpc("append_identifier", parameters: [.init("value")]) { service, arguments in
            service.appendIdentifier(try arguments.decode(0))
        }
    }
}

/// ```python
/// class ServiceX:
///     name = "service_x"
///
///     y = RpcProxy("service_y")
///
///     @rpc
///     def remote_method(self, value):
///         res = u"{}-x".format(value)
///         return self.y.append_identifier(res)
/// ```
struct ServiceX: ServiceDefinition {
    static let serviceName = "service_x"

    let y: ServiceProxy

    init(dependencies: WorkerDependencies) throws {
        self.y = try dependencies.resolve("y")
    }

    func remoteMethod(_ value: String) async throws -> String {
        let res = "\(value)-x"
        return try await self.y.append_identifier(res)
    }

    static func declare(_ service: inout ServiceDeclaration<Self>) {
        service.dependency("y", RPCProxy("service_y"))
        service.rpc("remote_method", parameters: [.init("value")]) { service, arguments in
            try await service.remoteMethod(try arguments.decode(0))
        }
    }
}
