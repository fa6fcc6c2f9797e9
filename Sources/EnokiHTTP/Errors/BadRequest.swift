//===----------------------------------------------------------------------===//
// This source file is part of Enoki. Licensed under Apache License v2.0.
//===----------------------------------------------------------------------===//

/// A request the method cannot serve as sent (Nameko's `nameko.exceptions.BadRequest`): answered with 400, as an
/// expected error, whatever the route's `expectedErrors`.
///
/// Throw it from a method; EnokiHTTP throws it for a body that does not decode into a method's parameter.
public struct BadRequest: Error, Sendable, CustomStringConvertible {
    /// What is wrong with the request.
    public var message: String
    /// The field of the JSON body that is wrong, as a path (`operation`, `items[2].count`), when one is.
    public var field: String?

    /// An error.
    public init(_ message: String, field: String? = nil) {
        self.message = message
        self.field = field
    }

    public var description: String { self.message }
}

/// A service that renders its own error responses (Nameko's `response_from_exception` override).
///
/// ```swift
/// extension HttpExceptionsService: WebErrorResponding {
///     static func errorResponse(for error: any Error) -> WebResponse? {
///         guard let error = error as? HttpError else { return nil }
///         return WebResponse(#"{"error": "\(error.code)"}"#, status: error.status, contentType: "application/json")
///     }
/// }
/// ```
public protocol WebErrorResponding {
    /// The response for an error one of the service's HTTP methods threw, or `nil` for EnokiHTTP's own
    /// (`Error: {type}: {value}`, 400 or 500).
    static func errorResponse(for error: any Error) -> WebResponse?
}
