//===----------------------------------------------------------------------===//
// This source file is part of Enoki. Licensed under Apache License v2.0.
//===----------------------------------------------------------------------===//

import EnokiCore
import Foundation
import OpenAPIKit

/// The OpenAPI 3.1 document of a server's routes, built with OpenAPIKit: every route with its methods, its path
/// parameters and their types (from the rule's converters), its JSON request body where the method takes one, and
/// its responses as the method's result type says.
enum OpenAPIDocument {
    static func document(for routes: [RouteTable<WebServer.Target>.Route]) -> OpenAPI.Document {
        var paths = OpenAPI.PathItem.Map()
        var seen: Set<String> = []
        for route in routes {
            let template = self.template(route.rule)
            guard let path = OpenAPI.Path(rawValue: template) as OpenAPI.Path? else { continue }
            var item = paths[path]?.pathItemValue ?? OpenAPI.PathItem()
            for method in route.methods {
                guard let verb = OpenAPI.HttpMethod(rawValue: method), seen.insert("\(verb) \(template)").inserted
                else { continue }
                item[verb] = self.operation(route, method: method)
            }
            paths[path] = .b(item)
        }
        let services = Array(Set(routes.map(\.target.serviceName))).sorted()
        return OpenAPI.Document(
            openAPIVersion: .v3_1_1,
            info: .init(
                title: services.isEmpty ? "Enoki services" : services.joined(separator: ", "),
                description: "The HTTP routes of the Enoki services \(services.joined(separator: ", ")).",
                version: "1"
            ),
            servers: [],
            paths: paths,
            components: .noComponents
        )
    }

    static func json(for routes: [RouteTable<WebServer.Target>.Route]) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        guard let data = try? encoder.encode(self.document(for: routes)) else { return "{}" }
        return String(decoding: data, as: UTF8.self)
    }

    /// `/get/<int:value>` → `/get/{value}`.
    static func template(_ rule: RouteRule) -> String {
        rule.parts.map { part in
            switch part {
            case .text(let text): return text
            case .variable(let name, _): return "{\(name)}"
            }
        }.joined()
    }

    private static func operation(_ route: RouteTable<WebServer.Target>.Route, method: String) -> OpenAPI.Operation {
        let target = route.target
        let described = target.entrypoint.method
        var parameters: OpenAPI.Parameter.Array = []
        for case .variable(let name, let converter) in route.rule.parts {
            parameters.append(
                .b(
                    OpenAPI.Parameter.path(
                        name: name,
                        schemaOrContent: .a(.init(self.schema(of: converter), style: .simple, explode: false))
                    )
                )
            )
        }
        let variables = Set(route.rule.variableNames)
        let body = described.parameters.first { parameter in
            parameter.type != WebRequest.self && !variables.contains(parameter.label ?? parameter.name)
                && !variables.contains(parameter.name)
        }
        let requestBody = body.map { parameter in
            OpenAPI.Request(
                content: [.json: .b(OpenAPI.Content(schema: SchemaRecorder.schema(for: parameter.type)))],
                required: !parameter.hasDefault
            )
        }
        let documentation = MethodDocumentation(described.documentation)
        var responses = self.responses(described.resultType)
        if let returns = documentation.returns, let status = responses.keys.first(where: { $0 != .default }),
            case .b(var response) = responses[status]
        {
            response.description = returns
            responses[status] = .b(response)
        }
        if body != nil || !target.entrypoint.expectedErrors.isEmpty || !variables.isEmpty {
            responses[400] = .b(
                target.entrypoint.rendersOwnErrors
                    ? OpenAPI.Response(description: "A bad request")
                    : OpenAPI.Response(
                        description: "A bad request: `Error: {type}: {value}`",
                        content: [.txt: .b(OpenAPI.Content(schema: .string))]
                    )
            )
        }
        return OpenAPI.Operation(
            tags: [target.serviceName],
            summary: documentation.summary ?? "\(target.serviceName).\(described.wireName)",
            description: documentation.description,
            operationId: "\(target.serviceName).\(described.wireName).\(method.lowercased())",
            parameters: parameters,
            requestBody: requestBody,
            responses: responses
        )
    }

    private static func responses(_ type: Any.Type) -> OpenAPI.Response.Map {
        switch type {
        case is Void.Type:
            return [204: .b(OpenAPI.Response(description: "Done; no content"))]
        case is String.Type:
            return [
                200: .b(OpenAPI.Response(description: "Text", content: [.txt: .b(OpenAPI.Content(schema: .string))]))
            ]
        case is [UInt8].Type:
            return [
                200: .b(
                    OpenAPI.Response(
                        description: "Bytes",
                        content: [
                            .other("application/octet-stream"): .b(
                                OpenAPI.Content(schema: .string(contentEncoding: .binary))
                            )
                        ]
                    )
                )
            ]
        case is WebResponse.Type, is (Int, String).Type, is (Int, [String: String], String).Type:
            return [.default: .b(OpenAPI.Response(description: "The method's response"))]
        default:
            return [
                200: .b(
                    OpenAPI.Response(
                        description: "JSON",
                        content: [.json: .b(OpenAPI.Content(schema: SchemaRecorder.schema(for: type)))]
                    )
                )
            ]
        }
    }

    private static func schema(of converter: RouteConverter) -> JSONSchema {
        switch converter.kind {
        case .segment(let minLength, let maxLength):
            return .string(minLength: minLength, maxLength: maxLength, pattern: "^[^/]+$")
        case .path:
            return .string(minLength: 1)
        case .int(_, let minimum, let maximum, let signed):
            let lowest = minimum ?? (signed ? nil : 0)
            return .integer(
                maximum: maximum.map { ($0, exclusive: false) },
                minimum: lowest.map { ($0, exclusive: false) }
            )
        case .float(let minimum, let maximum, let signed):
            let lowest = minimum ?? (signed ? nil : 0)
            return .number(
                maximum: maximum.map { ($0, exclusive: false) },
                minimum: lowest.map { ($0, exclusive: false) }
            )
        case .uuid:
            return .string(format: .uuid)
        case .any(let words):
            return .string(allowedValues: words.map { AnyCodable($0) })
        }
    }
}

/// What an API document shows of a method's documentation comment: its first paragraph as the summary, the
/// paragraphs after it as the description, and its `- Returns:` text as the success response's description.
struct MethodDocumentation: Equatable {
    var summary: String?
    var description: String?
    var returns: String?

    init(_ text: String?) {
        guard let text else { return }
        var paragraphs: [[String]] = [[]]
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            let trimmed = line.trimmingSpaces
            if trimmed.hasPrefix("- Returns:") {
                self.returns = String(trimmed.dropFirst("- Returns:".count)).trimmingSpaces
                continue
            }
            if trimmed.hasPrefix("- Parameter") || trimmed.hasPrefix("- Throws:") { continue }
            if trimmed.isEmpty {
                if !(paragraphs.last?.isEmpty ?? true) { paragraphs.append([]) }
            } else {
                paragraphs[paragraphs.count - 1].append(trimmed)
            }
        }
        let texts = paragraphs.filter { !$0.isEmpty }.map { $0.joined(separator: " ") }
        self.summary = texts.first
        self.description = texts.count > 1 ? texts.dropFirst().joined(separator: "\n\n") : nil
        if self.returns?.isEmpty == true { self.returns = nil }
    }
}
