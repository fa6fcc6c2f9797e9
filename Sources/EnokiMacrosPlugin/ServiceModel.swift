//===----------------------------------------------------------------------===//
// This source file is part of Enoki. Licensed under Apache License v2.0.
//===----------------------------------------------------------------------===//

import SwiftDiagnostics
import SwiftSyntax
import SwiftSyntaxMacros

/// What `@Service` reads from a type: its RPC methods and its dependencies.
struct ServiceModel {
    struct Parameter {
        var label: String?
        var name: String
        var wireName: String
        var type: String
        var defaultValue: String?
    }

    /// A method whose parameters its entrypoint reads by position: an `@RPC` method, or one marked by another
    /// module's attribute.
    struct Method {
        var swiftName: String
        var wireName: String
        var parameters: [Parameter]
        var isAsync: Bool
        var isThrowing: Bool
        var returnType: String?
        /// The method's `///` comment, if it has one.
        var documentation: String? = nil
        /// The attribute's labeled arguments (`expectedErrors: […]`, `sensitiveArguments: […]`), as written, for the
        /// declaration method.
        var options: String = ""
    }

    struct Dependency {
        var property: String
        var type: String
        /// The provider expression.
        var provider: String
        /// How the injected value is made from what the provider gives.
        var makeValue: (String) -> String
    }

    /// A method run by an entrypoint other than RPC: an event handler, a timer, a consumer.
    struct MessageMethod {
        /// The `ServiceDeclaration` method that declares it: `eventHandler`, `timer` or `consume`.
        var declaration: String
        var swiftName: String
        var wireName: String
        /// The type of the payload parameter; `nil` for a timer.
        var payloadType: String?
        var isAsync: Bool
        var isThrowing: Bool
        var returnType: String?
        /// The declaration's arguments after the method's name, rendered.
        var arguments: String
    }

    /// A method marked by an entrypoint attribute the macro does not know, which an entrypoint module declares
    /// (`@HTTP("GET", "/get/<int:value>")` from EnokiHTTP): the macro calls the declaration method named after the
    /// attribute (`service.http(…)`) with the attribute's arguments, a `ServiceMethod` that describes the method,
    /// and a closure that reads each parameter from the entrypoint's arguments by position
    /// (`arguments.value(i, as: T.self)`).
    struct CustomMethod {
        /// The declaration method: the attribute's name in lower camel case.
        var declaration: String
        /// The attribute's arguments, as written.
        var arguments: String
        var method: Method
    }

    var rpcMethods: [Method] = []
    var messageMethods: [MessageMethod] = []
    var customMethods: [CustomMethod] = []
    var dependencies: [Dependency] = []

    /// The entrypoint attributes other than `@RPC`: the declaration each makes, the labels its leading unlabeled
    /// arguments get, and how many payload parameters its method takes.
    private static let messageAttributes:
        [(name: String, declaration: String, leading: [String], payloads: Int, usage: String)] = [
            (
                "EventHandler", "eventHandler", ["source", "eventType"], 1,
                "@EventHandler(\"source_service\", \"event_type\")"
            ),
            ("Timer", "timer", [], 0, "@Timer(interval: 1)"),
            ("Consume", "consume", ["queue"], 1, "@Consume(QueueSpec(\"queue_name\"))"),
        ]

    /// Reads the members of a type, reporting misuse as diagnostics.
    static func read(_ members: MemberBlockItemListSyntax, in context: some MacroExpansionContext) -> ServiceModel {
        var model = ServiceModel()
        for member in members {
            if let function = member.decl.as(FunctionDeclSyntax.self) {
                if let attribute = function.attributes.named("RPC"),
                    let method = self.readRPC(function, attribute: attribute, in: context)
                {
                    if model.rpcMethods.contains(where: { $0.wireName == method.wireName }) {
                        context.diagnose(
                            Diagnostic(node: function.name, message: EnokiDiagnostic.duplicateMethod(method.wireName))
                        )
                    } else {
                        model.rpcMethods.append(method)
                    }
                }
                for kind in self.messageAttributes {
                    if let attribute = function.attributes.named(kind.name),
                        let method = self.readMessageMethod(function, attribute: attribute, kind: kind, in: context)
                    {
                        model.messageMethods.append(method)
                    }
                }
                for attribute in function.attributes.customEntrypoints {
                    if let method = self.readCustom(function, attribute: attribute, in: context) {
                        model.customMethods.append(method)
                    }
                }
            } else if let variable = member.decl.as(VariableDeclSyntax.self) {
                if let attribute = variable.attributes.named("RPCProxy") {
                    if let dependency = self.readRPCProxy(variable, attribute: attribute, in: context) {
                        model.dependencies.append(dependency)
                    }
                } else if let attribute = variable.attributes.named("Dependency") {
                    if let dependency = self.readDependency(variable, attribute: attribute, in: context) {
                        model.dependencies.append(dependency)
                    }
                }
            }
        }
        return model
    }

    /// Reports a static or generic method; `false` when the method cannot be an entrypoint.
    private static func checkInstanceMethod(
        _ function: FunctionDeclSyntax,
        attribute: String,
        in context: some MacroExpansionContext
    ) -> Bool {
        if function.modifiers.contains(where: {
            $0.name.tokenKind == .keyword(.static) || $0.name.tokenKind == .keyword(.class)
        }) {
            context.diagnose(Diagnostic(node: function.name, message: EnokiDiagnostic.staticMethod(attribute)))
            return false
        }
        if function.genericParameterClause != nil {
            context.diagnose(Diagnostic(node: function.name, message: EnokiDiagnostic.genericMethod(attribute)))
            return false
        }
        return true
    }

    private static func readMessageMethod(
        _ function: FunctionDeclSyntax,
        attribute: AttributeSyntax,
        kind: (name: String, declaration: String, leading: [String], payloads: Int, usage: String),
        in context: some MacroExpansionContext
    ) -> MessageMethod? {
        guard self.checkInstanceMethod(function, attribute: kind.name, in: context) else { return nil }
        let parameters = Array(function.signature.parameterClause.parameters)
        guard parameters.count == kind.payloads, parameters.allSatisfy({ $0.ellipsis == nil && $0.defaultValue == nil })
        else {
            context.diagnose(
                Diagnostic(
                    node: function.signature.parameterClause,
                    message: EnokiDiagnostic.payloadParameter(kind.name, expected: kind.payloads)
                )
            )
            return nil
        }
        // The attribute's arguments, with labels for the leading unlabeled ones.
        var rendered: [String] = []
        let arguments = Array(attribute.arguments?.as(LabeledExprListSyntax.self) ?? [])
        for (index, argument) in arguments.enumerated() {
            if index < kind.leading.count {
                guard argument.label == nil else {
                    context.diagnose(
                        Diagnostic(node: attribute, message: EnokiDiagnostic.entrypointArguments(kind.usage))
                    )
                    return nil
                }
                rendered.append("\(kind.leading[index]): \(argument.expression.trimmedDescription)")
            } else {
                rendered.append(argument.trimmedDescription.trimmingTrailingComma)
            }
        }
        if arguments.count < kind.leading.count || (kind.name == "Timer" && arguments.isEmpty) {
            context.diagnose(Diagnostic(node: attribute, message: EnokiDiagnostic.entrypointArguments(kind.usage)))
            return nil
        }
        let effects = function.signature.effectSpecifiers
        var returnType = function.signature.returnClause?.type.trimmedDescription
        if returnType == "Void" || returnType == "()" {
            returnType = nil
        }
        return MessageMethod(
            declaration: kind.declaration,
            swiftName: function.name.text,
            wireName: snakeCase(function.name.text),
            payloadType: parameters.first.map { $0.type.trimmedDescription },
            isAsync: effects?.asyncSpecifier != nil,
            isThrowing: effects?.throwsClause != nil,
            returnType: kind.declaration == "consume" ? returnType : nil,
            arguments: rendered.joined(separator: ", ")
        )
    }

    private static func readRPC(
        _ function: FunctionDeclSyntax,
        attribute: AttributeSyntax,
        in context: some MacroExpansionContext
    ) -> Method? {
        guard self.checkInstanceMethod(function, attribute: "RPC", in: context) else { return nil }
        guard var method = self.readMethod(function, wireName: attribute.firstStringArgument, in: context) else {
            return nil
        }
        let labeled = (attribute.arguments?.as(LabeledExprListSyntax.self)).map { list in
            list.filter { $0.label != nil }.map { $0.trimmedDescription.trimmingTrailingComma }
        }
        method.options = (labeled ?? []).joined(separator: ", ")
        return method
    }

    private static func readCustom(
        _ function: FunctionDeclSyntax,
        attribute: AttributeSyntax,
        in context: some MacroExpansionContext
    ) -> CustomMethod? {
        let name = attribute.simpleName
        guard self.checkInstanceMethod(function, attribute: name, in: context),
            let method = self.readMethod(function, wireName: nil, in: context)
        else { return nil }
        let arguments = (attribute.arguments?.as(LabeledExprListSyntax.self)).map { list in
            list.map { $0.trimmedDescription.trimmingTrailingComma }.joined(separator: ", ")
        }
        return CustomMethod(declaration: lowerCamelCase(name), arguments: arguments ?? "", method: method)
    }

    /// A method's names, parameters and effects, reporting parameters no entrypoint can pass (variadic, `inout`).
    /// The wire name is the Swift name in snake case unless `wireName` gives one.
    private static func readMethod(
        _ function: FunctionDeclSyntax,
        wireName: String?,
        in context: some MacroExpansionContext
    ) -> Method? {
        var parameters: [Parameter] = []
        for parameter in function.signature.parameterClause.parameters {
            if parameter.ellipsis != nil {
                context.diagnose(Diagnostic(node: parameter, message: EnokiDiagnostic.variadicParameter))
                return nil
            }
            if let attributed = parameter.type.as(AttributedTypeSyntax.self),
                attributed.specifiers.contains(where: { $0.trimmedDescription == "inout" })
            {
                context.diagnose(Diagnostic(node: parameter, message: EnokiDiagnostic.inoutParameter))
                return nil
            }
            let label = parameter.firstName.text == "_" ? nil : parameter.firstName.text
            let name = parameter.secondName?.text ?? parameter.firstName.text
            parameters.append(
                Parameter(
                    label: label,
                    name: name,
                    wireName: snakeCase(label ?? name),
                    type: parameter.type.trimmedDescription,
                    defaultValue: parameter.defaultValue?.value.trimmedDescription
                )
            )
        }
        let effects = function.signature.effectSpecifiers
        var returnType = function.signature.returnClause?.type.trimmedDescription
        if returnType == "Void" || returnType == "()" {
            returnType = nil
        }
        let swiftName = function.name.text
        return Method(
            swiftName: swiftName,
            wireName: wireName ?? snakeCase(swiftName),
            parameters: parameters,
            isAsync: effects?.asyncSpecifier != nil,
            isThrowing: effects?.throwsClause != nil,
            returnType: returnType,
            documentation: self.documentation(of: function)
        )
    }

    /// The text of a declaration's `///` lines (or `/** */` block), without the markers.
    static func documentation(of function: FunctionDeclSyntax) -> String? {
        var lines: [String] = []
        for piece in function.leadingTrivia {
            switch piece {
            case .docLineComment(let text):
                var line = Substring(text.dropFirst(3))
                if line.hasPrefix(" ") { line = line.dropFirst() }
                lines.append(String(line))
            case .docBlockComment(let text):
                let body = text.dropFirst(3).dropLast(2)
                for line in body.split(separator: "\n", omittingEmptySubsequences: false) {
                    var trimmed = line.drop { $0 == " " || $0 == "\t" }
                    if trimmed.hasPrefix("*") { trimmed = trimmed.dropFirst() }
                    if trimmed.hasPrefix(" ") { trimmed = trimmed.dropFirst() }
                    lines.append(String(trimmed))
                }
            default:
                break
            }
        }
        while lines.first?.allSatisfy({ $0 == " " }) == true { lines.removeFirst() }
        while lines.last?.allSatisfy({ $0 == " " }) == true { lines.removeLast() }
        return lines.isEmpty ? nil : lines.joined(separator: "\n")
    }

    private static func propertyNameAndType(
        _ variable: VariableDeclSyntax,
        in context: some MacroExpansionContext
    ) -> (String, String)? {
        guard let binding = variable.bindings.first, variable.bindings.count == 1,
            let name = binding.pattern.as(IdentifierPatternSyntax.self)?.identifier.text
        else {
            context.diagnose(Diagnostic(node: variable, message: EnokiDiagnostic.oneProperty))
            return nil
        }
        guard let type = binding.typeAnnotation?.type.trimmedDescription else {
            context.diagnose(Diagnostic(node: variable, message: EnokiDiagnostic.missingType(name)))
            return nil
        }
        if binding.initializer != nil {
            context.diagnose(Diagnostic(node: variable, message: EnokiDiagnostic.initialValue(name)))
            return nil
        }
        return (name, type)
    }

    private static func readRPCProxy(
        _ variable: VariableDeclSyntax,
        attribute: AttributeSyntax,
        in context: some MacroExpansionContext
    ) -> Dependency? {
        guard let (name, type) = self.propertyNameAndType(variable, in: context) else { return nil }
        guard let argument = attribute.arguments?.as(LabeledExprListSyntax.self)?.first?.expression else {
            context.diagnose(Diagnostic(node: attribute, message: EnokiDiagnostic.proxyTarget))
            return nil
        }
        if let literal = argument.as(StringLiteralExprSyntax.self) {
            return Dependency(
                property: name,
                type: type,
                provider: "EnokiAMQP.RPCProxy(\(literal.trimmedDescription))",
                makeValue: { $0 }
            )
        }
        if let member = argument.as(MemberAccessExprSyntax.self), member.declName.baseName.text == "self",
            let base = member.base?.trimmedDescription
        {
            // `@RPCProxy(ServiceY.self) var y: ServiceY.Client`: a typed client.
            return Dependency(
                property: name,
                type: type,
                provider: "EnokiAMQP.RPCProxy(\(base).serviceName)",
                makeValue: { "\(base).Client(\($0))" }
            )
        }
        context.diagnose(Diagnostic(node: argument, message: EnokiDiagnostic.proxyTarget))
        return nil
    }

    private static func readDependency(
        _ variable: VariableDeclSyntax,
        attribute: AttributeSyntax,
        in context: some MacroExpansionContext
    ) -> Dependency? {
        guard let (name, type) = self.propertyNameAndType(variable, in: context) else { return nil }
        guard let argument = attribute.arguments?.as(LabeledExprListSyntax.self)?.first?.expression else {
            context.diagnose(Diagnostic(node: attribute, message: EnokiDiagnostic.dependencyProvider))
            return nil
        }
        return Dependency(property: name, type: type, provider: argument.trimmedDescription, makeValue: { $0 })
    }
}

extension String {
    /// The text without a trailing comma (an argument's own text includes the comma that follows it).
    var trimmingTrailingComma: String {
        var text = self
        while text.last == "," || text.last == " " {
            text.removeLast()
        }
        return text
    }
}

extension AttributeListSyntax {
    /// The attribute with this name, if present.
    func named(_ name: String) -> AttributeSyntax? {
        for element in self {
            if let attribute = element.as(AttributeSyntax.self),
                attribute.attributeName.trimmedDescription == name
            {
                return attribute
            }
        }
        return nil
    }
}

extension AttributeListSyntax {
    /// The attributes that mark entrypoints of other modules: every attribute whose name starts with a capital
    /// letter, but the macro's own and Swift's.
    var customEntrypoints: [AttributeSyntax] {
        self.compactMap { element in
            guard let attribute = element.as(AttributeSyntax.self) else { return nil }
            let name = attribute.simpleName
            guard let first = name.first, first.isUppercase, !notEntrypoints.contains(name), !name.hasSuffix("Actor")
            else { return nil }
            return attribute
        }
    }
}

/// Capitalised attributes that are not entrypoints: the macro's own (read on their own) and Swift's.
private let notEntrypoints: Set<String> = [
    "RPC", "EventHandler", "Timer", "Consume", "RPCProxy", "Dependency", "Service",
    "Sendable", "MainActor", "IBAction", "IBSegueAction", "NSManaged", "Test",
]

/// An attribute's name in lower camel case, as its declaration method is named: `HTTP` → `http`,
/// `EventHandler` → `eventHandler`, `URLFetch` → `urlFetch`.
func lowerCamelCase(_ name: String) -> String {
    let characters = Array(name)
    var leading = 0
    while leading < characters.count, characters[leading].isUppercase {
        leading += 1
    }
    // In a run of capitals followed by lower case, the last capital starts the next word.
    if leading > 1, leading < characters.count {
        leading -= 1
    }
    return String(characters[..<leading]).lowercased() + String(characters[leading...])
}

extension AttributeSyntax {
    /// The attribute's name without its module (`EnokiHTTP.HTTP` → `HTTP`).
    var simpleName: String {
        let name = self.attributeName.trimmedDescription
        return name.split(separator: ".").last.map(String.init) ?? name
    }

    /// The first argument when it is a plain string literal.
    var firstStringArgument: String? {
        guard let list = self.arguments?.as(LabeledExprListSyntax.self), let first = list.first,
            let literal = first.expression.as(StringLiteralExprSyntax.self), literal.segments.count == 1,
            let segment = literal.segments.first?.as(StringSegmentSyntax.self)
        else { return nil }
        return segment.content.text
    }
}
