//===----------------------------------------------------------------------===//
// This source file is part of Enoki. Licensed under Apache License v2.0.
//===----------------------------------------------------------------------===//

import Enoki
import EnokiHTTP
import Foundation

// The Swift services of the HTTP tests, run as a process of their own so that a crash fails a test instead of
// ending the test runner:
//
//   EnokiHTTPTestServices run observed_http_service typed_http_service --config web.yaml

/// `ValueError("kaboom")`, as Python raises it.
struct ValueError: Error, CustomStringConvertible {
    var description: String
}

/// An error the route expects (`expected_exceptions=Boom`).
struct Boom: Error, CustomStringConvertible {
    var description: String
}

/// The Swift twin of `ObservedService` in Tests/EnokiHTTPTests/Python/seed_http.py.
@Service("observed_http_service")
struct ObservedHttpService {
    @HTTP("GET", "/hello/<int:num>")
    func hello(_ request: WebRequest, num: Int) -> String {
        #"{"num": \#(num)}"#
    }

    @HTTP("GET,POST", "/tuple")
    func tuple(_ request: WebRequest) -> (Int, [String: String], String) {
        (201, ["X-Spec": "yes"], "created")
    }

    @HTTP("GET", "/two")
    func two(_ request: WebRequest) -> (Int, String) {
        (202, "accepted")
    }

    @HTTP("GET", "/boom")
    func boom(_ request: WebRequest) throws -> String {
        throw ValueError(description: "kaboom")
    }

    @HTTP("GET", "/expected", expectedErrors: [Boom.self])
    func expected(_ request: WebRequest) throws -> String {
        throw Boom(description: "expected one")
    }

    @HTTP("GET", "/slash/")
    func slash(_ request: WebRequest) -> String {
        "slashed"
    }

    @HTTP("GET", "/files/<path:name>")
    func files(_ request: WebRequest, name: String) -> String {
        name
    }

    @HTTP("GET", "/items/<uuid:item>")
    func items(_ request: WebRequest, item: UUID) -> String {
        item.uuidString.lowercased()
    }

    @HTTP("GET", "/pages/<any(about,help):page>")
    func pages(_ request: WebRequest, page: String) -> String {
        page
    }

    @HTTP("GET", "/ranged/<int(min=1,max=9):n>")
    func ranged(_ request: WebRequest, n: Int) -> String {
        "\(n)"
    }

    @HTTP("GET", "/ratio/<float:x>")
    func ratio(_ request: WebRequest, x: Double) -> String {
        "\(x)"
    }
}

/// An order, as a typed route takes it.
struct Order: Codable, Sendable {
    var item: String
    var count: Int
    var note: String?
}

/// What a typed route gives back.
struct Receipt: Codable, Sendable {
    var item: String
    var count: Int
    var total: Double
}

/// Routes beyond Nameko: typed bodies and results, typed path values, slow workers.
@Service("typed_http_service")
struct TypedHttpService {
    @HTTP("POST", "/orders")
    func place(_ order: Order) -> Receipt {
        Receipt(item: order.item, count: order.count, total: Double(order.count) * 2.5)
    }

    @HTTP("GET", "/users/<int(min=1):id>/names/<name>")
    func user(id: Int, name: String) -> [String: String] {
        ["id": "\(id)", "name": name]
    }

    @HTTP("GET", "/as-text/<int:n>")
    func asText(n: String) -> String {
        "text \(n)"
    }

    @HTTP("GET", "/slow/<int:milliseconds>")
    func slow(milliseconds: Int) async throws -> String {
        try await Task.sleep(for: .milliseconds(milliseconds))
        return "slept \(milliseconds)"
    }

    @HTTP("POST", "/echo")
    func echo(_ request: WebRequest) -> [UInt8] {
        request.body
    }

    @HTTP("DELETE", "/nothing")
    func nothing() {}

    @HTTP("GET", "/bad-request")
    func badRequest() throws -> String {
        throw BadRequest("no good")
    }
}

/// A second service with a route of the first: the runner refuses to start.
@Service("typed_http_service_twin")
struct TypedHttpServiceTwin {
    @HTTP("POST", "/orders")
    func place(_ request: WebRequest) -> String { "twin" }
}

await ServiceCommandLine.main(services: [ObservedHttpService.self, TypedHttpService.self, TypedHttpServiceTwin.self])
