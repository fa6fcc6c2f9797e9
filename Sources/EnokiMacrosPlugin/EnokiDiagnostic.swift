//===----------------------------------------------------------------------===//
// This source file is part of Enoki. Licensed under Apache License v2.0.
//===----------------------------------------------------------------------===//

import SwiftDiagnostics

/// The mistakes the macros report, with what to do instead.
enum EnokiDiagnostic: DiagnosticMessage {
    case notAStructOrClass
    case missingName
    case nameWithDot(String)
    case staticMethod(String)
    case genericMethod(String)
    case variadicParameter
    case inoutParameter
    case payloadParameter(String, expected: Int)
    case entrypointArguments(String)
    case duplicateMethod(String)
    case oneProperty
    case missingType(String)
    case initialValue(String)
    case proxyTarget
    case dependencyProvider

    var message: String {
        switch self {
        case .notAStructOrClass:
            return "@Service can only be attached to a struct or a final class"
        case .missingName:
            return "@Service needs the service's name on the wire: @Service(\"greet_service\")"
        case .nameWithDot(let name):
            return "service name '\(name)' contains '.', which would break routing keys ('{service}.{method}')"
        case .staticMethod(let attribute):
            return "@\(attribute) methods must be instance methods: each worker gets its own instance"
        case .genericMethod(let attribute):
            return "@\(attribute) methods cannot be generic: the JSON they receive needs concrete types"
        case .variadicParameter:
            return "@RPC methods cannot take variadic parameters; take an array instead"
        case .inoutParameter:
            return "@RPC methods cannot take inout parameters"
        case .duplicateMethod(let name):
            return "two @RPC methods have the wire name '\(name)'; give one another name with @RPC(\"other_name\")"
        case .payloadParameter(let attribute, let expected):
            return expected == 0
                ? "@\(attribute) methods take no parameters"
                : "@\(attribute) methods take exactly one parameter: the message's payload, of a Decodable type"
        case .entrypointArguments(let usage):
            return "wrong arguments; write \(usage)"
        case .oneProperty:
            return "declare one dependency per property"
        case .missingType(let name):
            return "dependency '\(name)' needs a type annotation"
        case .initialValue(let name):
            return "dependency '\(name)' is injected into each worker and cannot have an initial value"
        case .proxyTarget:
            return "@RPCProxy needs the target service: @RPCProxy(\"service_name\") or @RPCProxy(ServiceType.self)"
        case .dependencyProvider:
            return "@Dependency needs a provider: @Dependency(MyProvider())"
        }
    }

    var diagnosticID: MessageID {
        MessageID(domain: "Enoki", id: String(describing: self).prefix { $0 != "(" }.description)
    }

    var severity: DiagnosticSeverity { .error }
}
