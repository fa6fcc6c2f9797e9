//===----------------------------------------------------------------------===//
// This source file is part of Enoki. Licensed under Apache License v2.0.
//===----------------------------------------------------------------------===//

import EnokiCore

/// An HTTP response as a worker gives it back: werkzeug's `Response`.
public struct WebResponse: Sendable, Equatable {
    /// The default content type, as werkzeug's.
    public static let defaultContentType = "text/plain; charset=utf-8"

    /// The status code.
    public var status: Int
    /// The headers, in order.
    public var headers: [(name: String, value: String)]
    /// The body.
    public var body: [UInt8]

    /// A response; without a `Content-Type` header it gets ``defaultContentType``.
    public init(status: Int = 200, headers: [(name: String, value: String)] = [], body: [UInt8]) {
        self.status = status
        self.headers = headers
        self.body = body
        if !headers.contains(where: { $0.name.lowercased() == "content-type" }) {
            self.headers.append(("Content-Type", Self.defaultContentType))
        }
    }

    /// A response with a text body (werkzeug's `Response("payload")`).
    public init(_ text: String, status: Int = 200, headers: [(name: String, value: String)] = []) {
        self.init(status: status, headers: headers, body: Array(text.utf8))
    }

    /// A response with a text body and a content type (`Response(…, mimetype='application/json')`).
    public init(_ text: String, status: Int = 200, contentType: String) {
        self.init(status: status, headers: [("Content-Type", contentType)], body: Array(text.utf8))
    }

    /// A JSON response of an `Encodable` value.
    public static func json(_ value: some Encodable, status: Int = 200) throws -> WebResponse {
        let json = try JSONValueEncoder().encode(value)
        return WebResponse(
            status: status,
            headers: [("Content-Type", "application/json")],
            body: Array(json.description.utf8)
        )
    }

    /// The first value of a header, by its name in any case.
    public func header(_ name: String) -> String? {
        let lowered = name.lowercased()
        return self.headers.first { $0.name.lowercased() == lowered }?.value
    }

    public static func == (left: WebResponse, right: WebResponse) -> Bool {
        left.status == right.status && left.body == right.body
            && left.headers.map { "\($0.name.lowercased()):\($0.value)" }
                == right.headers.map { "\($0.name.lowercased()):\($0.value)" }
    }

    /// What a method gave back, as a response: the return forms of Nameko's `@http` and a few of Swift's.
    ///
    /// - ``WebResponse``: as it is.
    /// - `String`: 200 with the default content type.
    /// - `(Int, String)`: a status and a body.
    /// - `(Int, [String: String], String)`: a status, headers and a body.
    /// - `Void`: 204 and no body.
    /// - `[UInt8]`: 200, `application/octet-stream`.
    /// - Any other `Encodable` value: 200, `application/json`.
    ///
    /// - Throws: ``WebError`` for anything else (Nameko answers 500 `TypeError: Payload must be a string`).
    public static func from(_ value: Any) throws -> WebResponse {
        try self.from(value, as: Any.self)
    }

    /// What a method whose result type is `R` gave back, as a response (``from(_:)``); a result of a type known
    /// when the route is declared (`String`, `WebResponse`) is converted without a dynamic cast.
    static func from<R>(_ value: R, as type: R.Type) throws -> WebResponse {
        if R.self == String.self { return WebResponse(unsafeBitCast(value, to: String.self)) }
        if R.self == WebResponse.self { return unsafeBitCast(value, to: WebResponse.self) }
        return try self.dynamic(value)
    }

    private static func dynamic(_ value: Any) throws -> WebResponse {
        switch value {
        case let response as WebResponse:
            return response
        case let text as String:
            return WebResponse(text)
        case let (status, text) as (Int, String):
            return WebResponse(text, status: status)
        case let (status, headers, text) as (Int, [String: String], String):
            return WebResponse(
                text,
                status: status,
                headers: headers.sorted { $0.key < $1.key }.map { ($0.key, $0.value) }
            )
        case is Void:
            return WebResponse(status: 204, headers: [], body: [])
        case let bytes as [UInt8]:
            return WebResponse(status: 200, headers: [("Content-Type", "application/octet-stream")], body: bytes)
        case let encodable as any Encodable:
            return try .json(encodable)
        default:
            throw TypeError(description: "Payload must be a string. Got `\(value)`")
        }
    }
}

/// A method gave back a value that is no response (Nameko's `TypeError`, answered with 500).
struct TypeError: Error, CustomStringConvertible {
    var description: String
}
