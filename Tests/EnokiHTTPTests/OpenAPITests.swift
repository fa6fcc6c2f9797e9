//===----------------------------------------------------------------------===//
// This source file is part of Enoki. Licensed under Apache License v2.0.
//===----------------------------------------------------------------------===//

import EnokiCore
import EnokiTestSupport
import Foundation
import OpenAPIKit
import Testing

@testable import EnokiHTTP

/// Schemas read from Swift types, without a server.
@Suite struct SchemaRecorderTests {
    enum Size: String, Codable, CaseIterable { case small, large }

    struct Line: Codable {
        var sku: String
        var quantity: Int
        var size: Size
    }

    struct Order: Codable {
        var id: UUID
        var lines: [Line]
        var note: String?
        var tags: [String: Int]
        var paid: Bool
        var total: Double
    }

    final class Tree: Codable {
        var name: String
        var children: [Tree]
    }

    private func json(_ schema: JSONSchema) throws -> JSONValue {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        return try JSONParser.parse(Array(try encoder.encode(schema)))
    }

    @Test func nestedTypesOptionalsArraysAndEnums() throws {
        let schema = try self.json(SchemaRecorder.schema(for: Order.self))
        #expect(schema["type"] == "object")
        #expect(Set(schema["required"]?.arrayValue ?? []) == ["id", "lines", "tags", "paid", "total"])
        #expect(schema["properties"]?["id"] == ["format": "uuid", "type": "string"])
        #expect(schema["properties"]?["note"]?["type"] == "string")
        #expect(schema["properties"]?["paid"] == ["type": "boolean"])
        #expect(schema["properties"]?["total"] == ["type": "number"])
        #expect(schema["properties"]?["tags"]?["additionalProperties"] == ["type": "integer"])
        let line = schema["properties"]?["lines"]?["items"]
        #expect(line?["properties"]?["quantity"] == ["type": "integer"])
        #expect(line?["properties"]?["size"]?["enum"] == ["small", "large"])
    }

    @Test func recursiveTypesStopAtTheDepthLimit() throws {
        let schema = try self.json(SchemaRecorder.schema(for: Tree.self))
        #expect(schema["properties"]?["name"] == ["type": "string"])
        #expect(schema["properties"]?["children"]?["type"] == "array")
    }

    @Test func typesThatAreNotDecodableAcceptAnything() throws {
        struct Opaque {}
        #expect(try self.json(SchemaRecorder.schema(for: Opaque.self)) == [:])
        #expect(try self.json(SchemaRecorder.schema(for: Int?.self))["type"] == ["integer", "null"])
    }
}

/// The document and page a running server serves, checked with openapi-spec-validator, and schemathesis run
/// against the seed's services and the typed routes.
@Suite(.serialized, .timeLimit(.minutes(10))) struct OpenAPIServerTests {
    private var tools: URL { URL(fileURLWithPath: WebProcesses.python).deletingLastPathComponent() }

    private func run(_ tool: String, _ arguments: [String]) async throws -> (Int32, String) {
        let process = try Subprocess(
            name: tool,
            executable: self.tools.appendingPathComponent(tool).path,
            arguments: arguments
        )
        let status = try await process.waitForExit(timeout: .seconds(240))
        let log = process.log
        await process.stop()
        return (status, log)
    }

    @Test func theDocumentDescribesEveryRouteAndValidates() async throws {
        let (process, port) = try await WebProcesses.swift(
            "EnokiHTTPTestServices",
            ["typed_http_service", "observed_http_service"]
        )
        do {
            let answer = try await RawHTTP.request(port: port, "GET", "/openapi.json")
            #expect(answer.status == 200)
            #expect(answer.header("Content-Type") == "application/json")
            let document = try JSONParser.parse(answer.body)
            #expect(document["openapi"] == "3.1.1")
            let paths = document["paths"]
            let user = paths?["/users/{id}/names/{name}"]?["get"]
            let parameters = user?["parameters"]?.arrayValue ?? []
            #expect(parameters.map { $0["name"] } == ["id", "name"])
            #expect(parameters.first?["schema"] == ["minimum": 1, "type": "integer"])
            #expect(parameters.first?["in"] == "path")
            let order = paths?["/orders"]?["post"]?["requestBody"]?["content"]?["application/json"]?["schema"]
            #expect(Set(order?["required"]?.arrayValue ?? []) == ["item", "count"])
            let receipt = paths?["/orders"]?["post"]?["responses"]?["200"]?["content"]?["application/json"]?["schema"]
            #expect(receipt?["properties"]?["total"] == ["type": "number"])
            #expect(paths?["/tuple"]?["get"] != nil && paths?["/tuple"]?["post"] != nil)
            #expect(
                paths?["/items/{item}"]?["get"]?["parameters"]?.arrayValue?.first?["schema"] == [
                    "format": "uuid", "type": "string",
                ]
            )
            #expect(
                paths?["/pages/{page}"]?["get"]?["parameters"]?.arrayValue?.first?["schema"]?["enum"] == [
                    "about", "help",
                ]
            )

            let file = FileManager.default.temporaryDirectory.appendingPathComponent(
                "enoki-openapi-\(UUID().uuidString).json"
            )
            try Data(answer.body).write(to: file)
            let (status, log) = try await self.run("openapi-spec-validator", [file.path])
            #expect(status == 0, "\(log)")
            #expect(log.contains("OK"), "\(log)")

            let page = try await RawHTTP.request(port: port, "GET", "/apidocs")
            #expect(page.status == 200)
            #expect(page.header("Content-Type") == "text/html; charset=utf-8")
            #expect(page.text.contains("/users/{id}/names/{name}"))
            #expect(page.text.contains("typed_http_service.place"))
            #expect(!page.text.contains("<script"))
        } catch {
            Issue.record(error)
        }
        await process.stop()
    }

    @Test func schemathesisFindsNoServerError() async throws {
        let (examples, examplesPort) = try await WebProcesses.swift(
            "enoki-examples",
            ["http_service", "advanced_http_service", "http_exceptions_service"]
        )
        let (typed, typedPort) = try await WebProcesses.swift("EnokiHTTPTestServices", ["typed_http_service"])
        do {
            for (port, excluded) in [(examplesPort, [String]()), (typedPort, ["/slow/{milliseconds}"])] {
                var arguments = [
                    "run", "http://127.0.0.1:\(port)/openapi.json", "--checks", "not_a_server_error", "-n", "40",
                    "--seed", "1", "--request-timeout", "10",
                ]
                for path in excluded { arguments += ["--exclude-path", path] }
                let (status, log) = try await self.run("schemathesis", arguments)
                #expect(status == 0, "\(log)")
                #expect(log.contains("passed"), "\(log)")
            }
        } catch {
            Issue.record(error)
        }
        await examples.stop()
        await typed.stop()
    }
}
