//===----------------------------------------------------------------------===//
// This source file is part of Enoki. Licensed under Apache License v2.0.
//===----------------------------------------------------------------------===//

import EnokiCore
import Foundation
import Testing

@testable import EnokiHTTP

/// werkzeug's rules and matching, without a server.
@Suite struct RouteRuleTests {
    @Test func rulesParseIntoTextAndVariables() throws {
        let rule = try RouteRule("/users/<int(min=1):id>/files/<path:name>")
        #expect(rule.variableNames == ["id", "name"])
        #expect(rule.match("/users/7/files/a/b.txt") == ["id": 7, "name": "a/b.txt"])
        #expect(rule.match("/users/0/files/a") == nil)
        #expect(try RouteRule("/get/<value>").match("/get/abc") == ["value": "abc"])
        #expect(try RouteRule("/get/<value>").match("/get/a/b") == nil)
    }

    @Test func badRulesAreRefusedWithTheReason() {
        #expect(throws: WebError.self) { try RouteRule("no-slash") }
        #expect(throws: WebError.self) { try RouteRule("/a/<int:x") }
        #expect(throws: WebError.self) { try RouteRule("/a/<nope:x>") }
        #expect(throws: WebError.self) { try RouteRule("/a/<int(minimum=1):x>") }
        #expect(throws: WebError.self) { try RouteRule("/a/<x>/<x>") }
        let error = #expect(throws: WebError.self) { try RouteRule("/a/<int(min=one):x>") }
        #expect(error?.message.contains("min") == true)
    }

    @Test func convertersTakeWhatWerkzeugsTake() throws {
        #expect(try RouteRule("/<int:n>").match("/42") == ["n": 42])
        #expect(try RouteRule("/<int:n>").match("/-4") == nil)
        #expect(try RouteRule("/<int(signed=True):n>").match("/-4") == ["n": -4])
        #expect(try RouteRule("/<int(fixed_digits=3):n>").match("/042") == ["n": 42])
        #expect(try RouteRule("/<int(fixed_digits=3):n>").match("/42") == nil)
        #expect(try RouteRule("/<int(max=9):n>").match("/10") == nil)
        #expect(try RouteRule("/<int:n>").match("/99999999999999999999999") == nil)
        #expect(try RouteRule("/<float:x>").match("/1.5") == ["x": 1.5])
        #expect(try RouteRule("/<float:x>").match("/1") == nil)
        #expect(try RouteRule("/<float:x>").match("/1.") == nil)
        #expect(
            try RouteRule("/<uuid:u>").match("/12345678-1234-1234-1234-1234567890ab")
                == ["u": "12345678-1234-1234-1234-1234567890ab"]
        )
        #expect(try RouteRule("/<uuid:u>").match("/12345678-1234-1234-1234-1234567890a") == nil)
        #expect(try RouteRule("/<any(about, 'help'):p>").match("/help") == ["p": "help"])
        #expect(try RouteRule("/<any(about,help):p>").match("/other") == nil)
        #expect(try RouteRule("/<string(length=2):s>").match("/ab") == ["s": "ab"])
        #expect(try RouteRule("/<string(length=2):s>").match("/abc") == nil)
        #expect(try RouteRule("/<path:p>/edit").match("/a/b/edit") == ["p": "a/b"])
    }
}

@Suite struct RouteTableTests {
    private func table(_ routes: [(String, String)]) throws -> RouteTable<String> {
        var table = RouteTable<String>()
        for (methods, rule) in routes {
            try table.add(RouteRule(rule), methods: methods.split(separator: ",").map(String.init), target: rule)
        }
        return table
    }

    private func target(_ match: RouteTable<String>.Match) -> String? {
        if case .found(let route, _) = match { return route.target }
        return nil
    }

    @Test func textComesBeforeVariablesAndLightConvertersBeforeHeavy() throws {
        let table = try self.table([
            ("GET", "/pages/<path:rest>"), ("GET", "/pages/<name>"), ("GET", "/pages/<int:n>"), ("GET", "/pages/new"),
        ])
        #expect(self.target(table.match(method: "GET", path: "/pages/new")) == "/pages/new")
        #expect(self.target(table.match(method: "GET", path: "/pages/12")) == "/pages/<int:n>")
        #expect(self.target(table.match(method: "GET", path: "/pages/abc")) == "/pages/<name>")
        #expect(self.target(table.match(method: "GET", path: "/pages/a/b")) == "/pages/<path:rest>")
    }

    @Test func headForGetAndNotOptions() throws {
        let table = try self.table([("GET", "/hello/<int:num>"), ("GET,POST", "/tuple")])
        #expect(self.target(table.match(method: "HEAD", path: "/hello/5")) == "/hello/<int:num>")
        guard case .methodNotAllowed(let allowed) = table.match(method: "POST", path: "/hello/5") else {
            Issue.record("POST /hello/5 is allowed")
            return
        }
        #expect(allowed == ["GET", "HEAD"])
        guard case .methodNotAllowed(let tupleAllowed) = table.match(method: "OPTIONS", path: "/tuple") else {
            Issue.record("OPTIONS /tuple is allowed")
            return
        }
        #expect(Set(tupleAllowed) == ["GET", "POST", "HEAD"])
    }

    @Test func strictAndMergedSlashesRedirect() throws {
        let table = try self.table([("GET", "/slash/"), ("GET", "/plain"), ("GET", "/a/<int:n>")])
        guard case .redirect(let target) = table.match(method: "GET", path: "/slash") else {
            Issue.record("/slash is not redirected")
            return
        }
        #expect(target == "/slash/")
        guard case .notFound = table.match(method: "GET", path: "/plain/") else {
            Issue.record("/plain/ matched")
            return
        }
        guard case .redirect(let merged) = table.match(method: "GET", path: "//a//3") else {
            Issue.record("//a//3 is not redirected")
            return
        }
        #expect(merged == "/a/3")
        guard case .notFound = table.match(method: "GET", path: "/nothing") else {
            Issue.record("/nothing matched")
            return
        }
    }

    @Test func aRouteDeclaredTwiceIsRefused() throws {
        var table = try self.table([("GET,POST", "/x")])
        #expect(throws: WebError.self) { try table.add(RouteRule("/x"), methods: ["POST"], target: "again") }
        try table.add(RouteRule("/x"), methods: ["DELETE"], target: "delete")
        #expect(self.target(table.match(method: "DELETE", path: "/x")) == "delete")
    }
}

@Suite struct WebResponseTests {
    @Test func namekosReturnForms() throws {
        #expect(try WebResponse.from("hi") == WebResponse("hi"))
        #expect(try WebResponse.from("hi").header("Content-Type") == "text/plain; charset=utf-8")
        #expect(try WebResponse.from((403, "Forbidden")).status == 403)
        let three = try WebResponse.from((201, ["Location": "https://example.com/1"], ""))
        #expect(three.status == 201)
        #expect(three.header("location") == "https://example.com/1")
        #expect(three.body.isEmpty)
        #expect(try WebResponse.from(WebResponse("payload", status: 202)).status == 202)
    }

    @Test func swiftsReturnForms() throws {
        #expect(try WebResponse.from(()).status == 204)
        let json = try WebResponse.from(["a": 1])
        #expect(json.header("Content-Type") == "application/json")
        #expect(String(decoding: json.body, as: UTF8.self) == #"{"a": 1}"#)
        #expect(try WebResponse.from([UInt8]([1, 2])).header("Content-Type") == "application/octet-stream")
        struct NotAResponse: @unchecked Sendable { let value = NSObject() }
        let error = #expect(throws: (any Error).self) { try WebResponse.from(NotAResponse()) }
        #expect("\(error.map { "\($0)" } ?? "")".contains("Payload must be a string"))
    }
}

@Suite struct WebServerConfigurationTests {
    @Test func addressesAsNamekoReadsThem() throws {
        #expect(try WebServerConfiguration.address("0.0.0.0:8000") == ("0.0.0.0", 8000))
        #expect(try WebServerConfiguration.address("8001") == ("0.0.0.0", 8001))
        #expect(try WebServerConfiguration.address(.int(8002)) == ("0.0.0.0", 8002))
        #expect(try WebServerConfiguration.address("127.0.0.1:0") == ("127.0.0.1", 0))
        for bad in ["", ":8000", "host:", "a:b:c", "host:port", "127.0.0.1:99999"] {
            let error = #expect(throws: WebError.self) { try WebServerConfiguration.address(.string(bad)) }
            #expect(error?.message == "Misconfigured bind address `\(bad)`. Should be `[address:]port`")
        }
    }

    @Test func limitsAndTimesFromTheConfig() throws {
        let config: EnokiConfig = [
            "WEB_SERVER_MAX_BODY_SIZE": 1024, "WEB_SERVER_HEADER_TIMEOUT": 0.5, "WEB_SERVER_BODY_TIMEOUT": 2,
        ]
        let settings = try WebServerConfiguration(config: config)
        #expect(settings.host == "0.0.0.0")
        #expect(settings.port == 8000)
        #expect(settings.maxBodySize == 1024)
        #expect(settings.headerTimeout == .milliseconds(500))
        #expect(settings.bodyTimeout == .seconds(2))
        #expect(throws: WebError.self) { try WebServerConfiguration(config: ["WEB_SERVER_BODY_TIMEOUT": -1]) }
    }
}

@Suite struct WebArgumentsTests {
    struct Order: Codable, Sendable, Equatable {
        var item: String
        var count: Int
    }

    private let method = ServiceMethod(
        swiftName: "place",
        wireName: "place",
        parameters: [
            .init(label: nil, name: "request", wireName: "request", type: WebRequest.self),
            .init(label: "id", name: "id", wireName: "id", type: Int.self),
            .init(label: nil, name: "order", wireName: "order", type: Order.self),
        ]
    )

    @Test func requestPathValuesAndBody() throws {
        let request = WebRequest(
            method: "POST",
            path: "/o/3",
            body: Array(#"{"item":"tea","count":2}"#.utf8),
            pathValues: ["id": 3]
        )
        let arguments = WebArguments(request: request, method: self.method)
        #expect(try arguments.value(0, as: WebRequest.self).path == "/o/3")
        #expect(try arguments.value(1, as: Int.self) == 3)
        #expect(try arguments.value(2, as: Order.self) == Order(item: "tea", count: 2))
    }

    @Test func aBodyThatDoesNotDecodeIsABadRequestThatSaysWhy() throws {
        for (body, reason) in [
            (#"{"item":"tea"}"#, "count"), ("not json", "not JSON"), (#"{"item":1,"count":2}"#, "item"),
        ] {
            let request = WebRequest(method: "POST", path: "/o/3", body: Array(body.utf8), pathValues: ["id": 3])
            let error = #expect(throws: BadRequest.self) {
                try WebArguments(request: request, method: self.method).value(2, as: Order.self)
            }
            #expect(error?.message.contains(reason) == true, "\(error?.message ?? "")")
        }
        let empty = WebRequest(method: "POST", path: "/o/3", pathValues: ["id": 3])
        #expect(throws: BadRequest.self) {
            try WebArguments(request: empty, method: self.method).value(2, as: Order.self)
        }
    }

    @Test func requestsAreReadAsWerkzeugReadsThem() {
        let request = WebRequest(
            method: "GET",
            path: "/",
            queryString: "a=1&b=two+words&c=%C3%A9",
            headers: [("X-Thing", "yes")],
            body: [0x68, 0xFF]
        )
        #expect(request.query("b") == "two words")
        #expect(request.query("c") == "é")
        #expect(request.header("x-thing") == "yes")
        #expect(request.text == "h\u{FFFD}")
    }
}

@Suite struct HTTPEntrypointDeclarationTests {
    private func method(_ parameters: [(String, any Any.Type)]) -> ServiceMethod {
        ServiceMethod(
            swiftName: "handle",
            wireName: "handle",
            parameters: parameters.map { .init(label: $0.0, name: $0.0, wireName: $0.0, type: $0.1) }
        )
    }

    @Test func aRouteMustGiveEveryParameterSomethingToTake() throws {
        _ = try HTTPEntrypoint(methods: "GET", rule: "/a/<int:id>", method: self.method([("id", Int.self)]))
        _ = try HTTPEntrypoint(
            methods: "POST",
            rule: "/a/<int:id>",
            method: self.method([("request", WebRequest.self), ("id", Int.self), ("order", String.self)])
        )
        let missing = #expect(throws: WebError.self) {
            try HTTPEntrypoint(methods: "GET", rule: "/a/<int:id>", method: self.method([("other", Int.self)]))
        }
        #expect(missing?.message.contains("no parameter id") == true)
        let twoBodies = #expect(throws: WebError.self) {
            try HTTPEntrypoint(methods: "POST", rule: "/a", method: self.method([("a", Int.self), ("b", Int.self)]))
        }
        #expect(twoBodies?.message.contains("one body parameter at most") == true)
        #expect(throws: WebError.self) { try HTTPEntrypoint(methods: "", rule: "/a", method: self.method([])) }
    }
}

@Suite struct BodyFieldErrorTests {
    struct Request: Codable, Sendable {
        enum Operation: String, Codable, CaseIterable, Sendable { case sum, mul }
        struct Item: Codable, Sendable { var kind: Operation }
        var operation: Operation
        var value: Int
        var items: [Item]
    }

    private func error(_ body: String) -> BadRequest? {
        let method = ServiceMethod(
            swiftName: "compute",
            wireName: "compute",
            parameters: [.init(label: nil, name: "data", wireName: "data", type: Request.self)]
        )
        let arguments = WebArguments(
            request: WebRequest(method: "POST", path: "/", body: Array(body.utf8)),
            method: method
        )
        do {
            _ = try arguments.value(0, as: Request.self)
            return nil
        } catch {
            return error as? BadRequest
        }
    }

    @Test func aBadFieldIsNamedWithWhatItMayBe() {
        let wrongEnum = self.error(#"{"operation": "pow", "value": 1, "items": []}"#)
        #expect(wrongEnum?.field == "operation")
        #expect(wrongEnum?.message == #"compute() body 'data' at operation must be one of "sum", "mul", not "pow""#)
        let nested = self.error(#"{"operation": "sum", "value": 1, "items": [{"kind": "sum"}, {"kind": "div"}]}"#)
        #expect(nested?.field == "items[1].kind")
        #expect(nested?.message.hasSuffix(#"must be one of "sum", "mul", not "div""#) == true)
        let missing = self.error(#"{"operation": "sum", "items": []}"#)
        #expect(missing?.field == "value")
        #expect(missing?.message == "compute() body 'data' lacks the field 'value'")
        let type = self.error(#"{"operation": "sum", "value": "1", "items": []}"#)
        #expect(type?.field == "value")
        #expect(type?.message == "compute() body 'data' at value must be int, not str")
        #expect(self.error("{") != nil && self.error("{")?.field == nil)
    }

    @Test func pathsAreReadAsTheDecoderWritesThem() {
        #expect(JSONValue.pathComponents("items[12].kind") == [.key("items"), .index(12), .key("kind")])
        #expect(JSONValue.pathComponents("") == [])
        let value: JSONValue = .object(["items": .array([.object(["kind": .string("x")])])])
        #expect(value.value(atPath: "items[0].kind") == .string("x"))
        #expect(value.value(atPath: "items[3].kind") == nil)
    }

    @Test func aMethodsDocumentationGivesTheSummaryDescriptionAndResponse() {
        let documentation = MethodDocumentation(
            """
            Micro Service Based Compute and Mail API

            This API is made with Enoki:
            the work runs behind it.

            - Parameter data: the body.
            - Returns: Please wait the calculation
            """
        )
        #expect(documentation.summary == "Micro Service Based Compute and Mail API")
        #expect(documentation.description == "This API is made with Enoki: the work runs behind it.")
        #expect(documentation.returns == "Please wait the calculation")
        #expect(MethodDocumentation(nil) == MethodDocumentation(""))
    }
}
