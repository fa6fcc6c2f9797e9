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
@Service("serviceA")
struct ServiceA {
    @RPCProxy("serviceB") var serviceB: ServiceProxy

    @RPC func hello() async throws -> String {
        let reply: String = try await serviceB.hello()
        return "[ \(reply) ]"
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
@Service("serviceB")
struct ServiceB {
    @RPC func hello() -> String {
        "Hello !"
    }
}
