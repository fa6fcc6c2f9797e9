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
@Service("service_y")
struct ServiceY {
    @RPC func appendIdentifier(_ value: String) -> String {
        "\(value)-y"
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
///
/// The proxy here is the typed client the `@Service` macro writes for `ServiceY`; `@RPCProxy("service_y") var y:
/// ServiceProxy` would call it dynamically, as it would call a Python service.
@Service("service_x")
struct ServiceX {
    @RPCProxy(ServiceY.self) var y: ServiceY.Client

    @RPC func remoteMethod(_ value: String) async throws -> String {
        let res = "\(value)-x"
        return try await y.appendIdentifier(res)
    }
}
