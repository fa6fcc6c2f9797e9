//===----------------------------------------------------------------------===//
// This source file is part of Enoki. Licensed under Apache License v2.0.
//===----------------------------------------------------------------------===//

import Enoki

/// The service of the "Service In Action" tutorial:
///
/// ```python
/// class GreetService(object):
///     name = 'greet_service'
///
///     @rpc.rpc
///     def greet(self):
///         return 'Hello !'
/// ```
///
/// Written without macros, to show what the `@Service` macro writes for the other examples.
struct GreetService: ServiceDefinition {
    static let serviceName = "greet_service"

    init(dependencies: WorkerDependencies) throws {}

    func greet() -> String {
        "Hello !"
    }

    static func declare(_ service: inout ServiceDeclaration<Self>) {
        service.rpc("greet") { service, _ in service.greet() }
        // What `@Service` writes for every service: the discovery call (`enoki describe greet_service`).
        service.discovery()
    }
}
