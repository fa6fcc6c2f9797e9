//===----------------------------------------------------------------------===//
// This source file is part of Enoki. Licensed under Apache License v2.0.
//===----------------------------------------------------------------------===//

import Foundation
import OpenAPIKit

/// The page at `/apidocs`: the OpenAPI document as a person reads it, rendered on the server (no script, nothing
/// fetched from elsewhere), with a link to `/openapi.json`.
enum APIDocsPage {
    static func html(for routes: [RouteTable<WebServer.Target>.Route]) -> String {
        let document = OpenAPIDocument.document(for: routes)
        var html = """
            <!doctype html>
            <html lang=en>
            <meta charset=utf-8>
            <title>\(escape(document.info.title)): API</title>
            <style>
            body { font-family: system-ui, sans-serif; margin: 2em auto; max-width: 60em; color: #222 }
            h2 { border-bottom: 1px solid #ccc; padding-bottom: .2em }
            .method { display: inline-block; min-width: 5em; font-weight: bold; font-family: monospace }
            .path { font-family: monospace; font-size: 1.1em }
            pre { background: #f6f6f6; padding: .6em; overflow-x: auto }
            table { border-collapse: collapse } td, th { border: 1px solid #ddd; padding: .2em .6em; text-align: left }
            </style>
            <h1>\(escape(document.info.title))</h1>
            <p>\(escape(document.info.description ?? "")) The machine-readable document is at
            <a href="/openapi.json">/openapi.json</a> (OpenAPI \(document.openAPIVersion.rawValue)).</p>

            """
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        for (path, item) in document.paths {
            guard let item = item.pathItemValue else { continue }
            for endpoint in item.endpoints {
                let operation = endpoint.operation
                html += "<h2><span class=method>\(escape(endpoint.method.rawValue))</span> "
                html += "<span class=path>\(escape(path.rawValue))</span></h2>\n"
                html += "<p>\(escape(operation.summary ?? ""))</p>\n"
                if let description = operation.description {
                    for paragraph in description.split(separator: "\n\n") {
                        html += "<p>\(escape(String(paragraph)))</p>\n"
                    }
                }
                let parameters = operation.parameters.compactMap(\.parameterValue)
                if !parameters.isEmpty {
                    html += "<table><tr><th>Path parameter</th><th>Schema</th></tr>\n"
                    for parameter in parameters {
                        let schema = parameter.schemaOrContent.schemaValue.flatMap { try? encoder.encode($0) }
                        html += "<tr><td>\(escape(parameter.name))</td><td><code>"
                        html += escape(schema.map { String(decoding: $0, as: UTF8.self) } ?? "") + "</code></td></tr>\n"
                    }
                    html += "</table>\n"
                }
                if let body = operation.requestBody?.requestValue,
                    let schema = body.content[.json]?.contentValue?.schema,
                    let data = try? encoder.encode(schema)
                {
                    html += "<h3>Request body (application/json)</h3>\n"
                    html += self.fieldTable(schema, encoder: encoder)
                    html += "<pre>\(escape(String(decoding: data, as: UTF8.self)))</pre>\n"
                }
                for (status, response) in operation.responses {
                    guard let response = response.responseValue else { continue }
                    html += "<h3>Response \(escape(status.rawValue)): \(escape(response.description ?? ""))</h3>\n"
                    for (contentType, content) in response.content {
                        guard let schema = content.contentValue?.schema, let data = try? encoder.encode(schema) else {
                            continue
                        }
                        html +=
                            "<p>\(escape(contentType.rawValue))</p><pre>\(escape(String(decoding: data, as: UTF8.self)))</pre>\n"
                    }
                }
            }
        }
        return html
    }

    /// A table of an object schema's fields: name, type, whether required, the values allowed.
    private static func fieldTable(_ schema: JSONSchema, encoder: JSONEncoder) -> String {
        guard let object = schema.objectContext, !object.properties.isEmpty else { return "" }
        let required = Set(object.requiredProperties)
        var html = "<table class=fields><tr><th>Field</th><th>Type</th><th>Required</th><th>Values</th></tr>\n"
        for (name, property) in object.properties {
            let type = property.jsonType?.rawValue ?? "any"
            let values = (property.allowedValues ?? []).map { value in
                (value.value as? String) ?? "\(value.value)"
            }
            html += "<tr><td>\(escape(name))</td><td>\(escape(type))</td>"
            html += "<td>\(required.contains(name) ? "yes" : "no")</td>"
            html += "<td>\(escape(values.joined(separator: ", ")))</td></tr>\n"
        }
        return html + "</table>\n"
    }

    static func escape(_ text: String) -> String {
        var escaped = ""
        for character in text {
            switch character {
            case "&": escaped += "&amp;"
            case "<": escaped += "&lt;"
            case ">": escaped += "&gt;"
            case "\"": escaped += "&quot;"
            default: escaped.append(character)
            }
        }
        return escaped
    }
}
