//===----------------------------------------------------------------------===//
// This source file is part of Enoki. Licensed under Apache License v2.0.
//===----------------------------------------------------------------------===//

import SwiftDiagnostics
public import SwiftSyntax
import SwiftSyntaxBuilder
public import SwiftSyntaxMacros

/// `@Service("name")`: writes a type's `ServiceDefinition` conformance from its `@RPC` methods and its
/// `@RPCProxy` and `@Dependency` properties, an `init(dependencies:)` that injects the dependencies, and a typed
/// `Client` for calling the service from Swift.
public struct ServiceMacro: MemberMacro, ExtensionMacro {
    public static func expansion(
        of node: AttributeSyntax,
        providingMembersOf declaration: some DeclGroupSyntax,
        conformingTo protocols: [TypeSyntax],
        in context: some MacroExpansionContext
    ) throws -> [DeclSyntax] {
        guard declaration.is(StructDeclSyntax.self) || declaration.is(ClassDeclSyntax.self) else {
            context.diagnose(Diagnostic(node: node, message: EnokiDiagnostic.notAStructOrClass))
            return []
        }
        let model = ServiceModel.read(declaration.memberBlock.members, in: context)
        let access = declaration.modifiers.contains { $0.name.tokenKind == .keyword(.public) } ? "public " : ""
        var members: [DeclSyntax] = []

        let assignments = model.dependencies.map { dependency in
            let resolved = "try dependencies.resolve(\(literal(dependency.property)))"
            let value = dependency.makeValue(resolved)
            return "self.\(dependency.property) = \(value)"
        }
        members.append(
            """
            \(raw: access)init(dependencies: EnokiCore.WorkerDependencies) throws {
            \(raw: assignments.isEmpty ? "_ = dependencies" : assignments.joined(separator: "\n"))
            }
            """
        )

        let clientMethods = model.rpcMethods.map { method -> String in
            let parameters = method.parameters.map { parameter -> String in
                let label = parameter.label ?? "_"
                let head = label == parameter.name ? parameter.name : "\(label) \(parameter.name)"
                let defaultValue = parameter.defaultValue.map { " = \($0)" } ?? ""
                return "\(head): \(parameter.type)\(defaultValue)"
            }.joined(separator: ", ")
            var body: [String] = []
            if method.parameters.isEmpty {
                body.append("let arguments: [EnokiCore.JSONValue] = []")
            } else {
                let encoded = method.parameters.map { "try EnokiAMQP.RPCClientSupport.encode(\($0.name))" }
                    .joined(separator: ", ")
                body.append("let arguments: [EnokiCore.JSONValue] = [\(encoded)]")
            }
            body.append("let result = try await self.proxy.call(\(literal(method.wireName)), args: arguments)")
            let signature: String
            if let returnType = method.returnType {
                signature = "async throws -> \(returnType)"
                body.append("return try EnokiAMQP.RPCClientSupport.decode(result, as: \(returnType).self)")
            } else {
                signature = "async throws"
                body.append("_ = result")
            }
            return """
                /// Calls `\(method.wireName)`.
                \(access)func \(method.swiftName)(\(parameters)) \(signature) {
                \(body.joined(separator: "\n"))
                }
                """
        }
        members.append(
            """
            /// Calls this service's methods with their Swift types, through a proxy (from a `ClusterRPCClient` or an
            /// `RPCProxy` dependency).
            \(raw: access)struct Client: Sendable {
            /// The proxy the calls go through.
            \(raw: access)let proxy: EnokiAMQP.ServiceProxy

            /// A client over a proxy to this service.
            \(raw: access)init(_ proxy: EnokiAMQP.ServiceProxy) {
            self.proxy = proxy
            }

            \(raw: clientMethods.joined(separator: "\n\n"))
            }
            """
        )
        return members
    }

    public static func expansion(
        of node: AttributeSyntax,
        attachedTo declaration: some DeclGroupSyntax,
        providingExtensionsOf type: some TypeSyntaxProtocol,
        conformingTo protocols: [TypeSyntax],
        in context: some MacroExpansionContext
    ) throws -> [ExtensionDeclSyntax] {
        guard declaration.is(StructDeclSyntax.self) || declaration.is(ClassDeclSyntax.self) else {
            return []
        }
        guard let name = node.firstStringArgument else {
            context.diagnose(Diagnostic(node: node, message: EnokiDiagnostic.missingName))
            return []
        }
        if name.contains(".") {
            context.diagnose(Diagnostic(node: node, message: EnokiDiagnostic.nameWithDot(name)))
            return []
        }
        let model = ServiceModel.read(declaration.memberBlock.members, in: DiscardingContext(base: context))
        let access = declaration.modifiers.contains { $0.name.tokenKind == .keyword(.public) } ? "public " : ""
        var lines: [String] = []
        for dependency in model.dependencies {
            lines.append("service.dependency(\(literal(dependency.property)), \(dependency.provider))")
        }
        for method in model.rpcMethods {
            let parameters = method.parameters.map { parameter in
                let defaultValue = parameter.defaultValue.map { ", defaultValue: \(literal($0))" } ?? ""
                return ".init(\(literal(parameter.wireName)), type: \(literal(parameter.type))\(defaultValue))"
            }.joined(separator: ", ")
            let call = self.call(method, parenthesizingTypes: false)
            let closureArguments = method.parameters.isEmpty ? "service, _" : "service, arguments"
            let options = method.options.isEmpty ? "" : ", \(method.options)"
            lines.append(
                """
                service.rpc(\(literal(method.wireName)), parameters: [\(parameters)]\(options)) { \(closureArguments) in
                \(call)
                }
                """
            )
        }
        for method in model.messageMethods {
            var call = "service.\(method.swiftName)(\(method.payloadType == nil ? "" : "payload"))"
            if method.isAsync { call = "await " + call }
            if method.isThrowing { call = "try " + call }
            let closure: String
            if let payloadType = method.payloadType {
                let result = method.returnType.map { " -> \($0)" } ?? " -> Void"
                closure = "(service: Self, payload: \(payloadType)) async throws\(result) in"
            } else {
                closure = "service in"
            }
            lines.append(
                """
                service.\(method.declaration)(\(literal(method.wireName)), \(method.arguments)) { \(closure)
                \(call)
                }
                """
            )
        }
        for method in model.customMethods {
            lines.append(self.declaration(of: method))
        }
        // Every service answers the discovery call (`__enoki_describe__`) with what the lines above declare.
        lines.append("service.discovery()")
        let extensionDecl: DeclSyntax = """
            extension \(type.trimmed): EnokiCore.ServiceDefinition, EnokiAMQP.RPCService {
            \(raw: access)static var serviceName: String { \(raw: literal(name)) }

            \(raw: access)static func declare(_ service: inout EnokiCore.ServiceDeclaration<Self>) {
            \(raw: lines.joined(separator: "\n"))
            }

            \(raw: access)static func makeClient(_ proxy: EnokiAMQP.ServiceProxy) -> Client {
            Client(proxy)
            }
            }
            """
        guard let extensionSyntax = extensionDecl.as(ExtensionDeclSyntax.self) else { return [] }
        return [extensionSyntax]
    }
}

/// A Swift string literal for a text.
extension ServiceMacro {
    /// `service.http("GET", "/x", method: EnokiCore.ServiceMethod(…)) { (service, arguments) async throws -> R in … }`
    static func declaration(of custom: ServiceModel.CustomMethod) -> String {
        let method = custom.method
        let parameters = method.parameters.map { parameter in
            let label = parameter.label.map(literal) ?? "nil"
            return
                "EnokiCore.ServiceMethod.Parameter(label: \(label), name: \(literal(parameter.name)), wireName: \(literal(parameter.wireName)), type: (\(parameter.type)).self, typeName: \(literal(parameter.type))\(parameter.defaultValue.map { ", defaultValue: \(literal($0))" } ?? ""))"
        }.joined(separator: ", ")
        let returnType = method.returnType ?? "Void"
        let documentation = method.documentation.map { ", documentation: \(literal($0))" } ?? ""
        let description =
            "EnokiCore.ServiceMethod(swiftName: \(literal(method.swiftName)), wireName: \(literal(method.wireName)), parameters: [\(parameters)], resultType: (\(returnType)).self\(documentation))"
        let leading = custom.arguments.isEmpty ? "" : custom.arguments + ", "
        let names = method.parameters.isEmpty ? "service, _" : "service, arguments"
        return """
            service.\(custom.declaration)(\(leading)method: \(description)) { (\(names)) async throws -> \(returnType) in
            \(self.call(method, parenthesizingTypes: true))
            }
            """
    }

    /// `try await service.m(arguments.value(0, as: T.self), label: arguments.value(1, default: d as U))`: the
    /// method called with each parameter read by position (`try` when it throws or reads any, `await` when async).
    /// Types are parenthesized where they may be written in any form (another module's attributes).
    static func call(_ method: ServiceModel.Method, parenthesizingTypes: Bool) -> String {
        let arguments = method.parameters.enumerated().map { index, parameter -> String in
            let type = parenthesizingTypes ? "(\(parameter.type))" : parameter.type
            let value =
                parameter.defaultValue.map { "arguments.value(\(index), default: \($0) as \(parameter.type))" }
                ?? "arguments.value(\(index), as: \(type).self)"
            return parameter.label.map { "\($0): \(value)" } ?? value
        }.joined(separator: ", ")
        var call = "service.\(method.swiftName)(\(arguments))"
        if method.isAsync { call = "await " + call }
        if method.isThrowing || !method.parameters.isEmpty { call = "try " + call }
        return call
    }
}

func literal(_ text: String) -> String {
    "\""
        + text.replacingAll("\\", with: "\\\\").replacingAll("\"", with: "\\\"").replacingAll("\n", with: "\\n")
        .replacingAll("\r", with: "\\r").replacingAll("\t", with: "\\t") + "\""
}

extension String {
    func replacingAll(_ target: String, with replacement: String) -> String {
        self.split(separator: target, omittingEmptySubsequences: false).joined(separator: replacement)
    }
}

/// Reads a second time without reporting the diagnostics twice.
final class DiscardingContext<Base: MacroExpansionContext>: MacroExpansionContext {
    let base: Base

    init(base: Base) {
        self.base = base
    }

    var lexicalContext: [Syntax] { self.base.lexicalContext }

    func makeUniqueName(_ name: String) -> TokenSyntax { self.base.makeUniqueName(name) }

    func diagnose(_ diagnostic: Diagnostic) {}

    func location(
        of node: some SyntaxProtocol,
        at position: PositionInSyntaxNode,
        filePathMode: SourceLocationFilePathMode
    ) -> AbstractSourceLocation? {
        self.base.location(of: node, at: position, filePathMode: filePathMode)
    }
}
