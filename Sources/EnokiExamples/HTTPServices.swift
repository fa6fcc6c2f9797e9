//===----------------------------------------------------------------------===//
// This source file is part of Enoki. Licensed under Apache License v2.0.
//===----------------------------------------------------------------------===//

import Enoki
import EnokiHTTP

/// The HTTP example of Nameko's documentation (`http.py`):
///
/// ```python
/// class HttpService:
///     name = "http_service"
///
///     @http('GET', '/get/<int:value>')
///     def get_method(self, request, value):
///         return json.dumps({'value': value})
///
///     @http('POST', '/post')
///     def do_post(self, request):
///         return u"received: {}".format(request.get_data(as_text=True))
///
///     @http('GET,PUT,POST,DELETE', '/multi')
///     def do_multi(self, request):
///         return request.method
/// ```
@Service("http_service")
struct HttpService {
    @HTTP("GET", "/get/<int:value>")
    func getMethod(_ request: WebRequest, value: Int) -> String {
        // Python's json.dumps({'value': value}).
        #"{"value": \#(value)}"#
    }

    @HTTP("POST", "/post")
    func doPost(_ request: WebRequest) -> String {
        "received: \(request.text)"
    }

    @HTTP("GET,PUT,POST,DELETE", "/multi")
    func doMulti(_ request: WebRequest) -> String {
        request.method
    }
}

/// The advanced HTTP example (`advanced_http.py`): a status and a body, a status, headers and a body, and a
/// response value.
///
/// ```python
/// class Service:
///     name = "advanced_http_service"
///
///     @http('GET', '/privileged')
///     def forbidden(self, request):
///         return 403, "Forbidden"
///
///     @http('GET', '/headers')
///     def redirect(self, request):
///         return 201, {'Location': 'https://www.example.com/widget/1'}, ""
///
///     @http('GET', '/custom')
///     def custom(self, request):
///         return Response("payload")
/// ```
@Service("advanced_http_service")
struct AdvancedHttpService {
    @HTTP("GET", "/privileged")
    func forbidden(_ request: WebRequest) -> (Int, String) {
        (403, "Forbidden")
    }

    @HTTP("GET", "/headers")
    func redirect(_ request: WebRequest) -> (Int, [String: String], String) {
        (201, ["Location": "https://www.example.com/widget/1"], "")
    }

    @HTTP("GET", "/custom")
    func custom(_ request: WebRequest) -> WebResponse {
        WebResponse("payload")
    }
}

/// An error with an HTTP status and a code of its own (the seed's `HttpError`).
class HttpError: Error, CustomStringConvertible, @unchecked Sendable {
    // @unchecked: immutable after init; a class so that InvalidArgumentsError is a kind of HttpError, as in Python.
    class var errorCode: String { "BAD_REQUEST" }
    class var statusCode: Int { 400 }
    let message: String

    init(_ message: String) {
        self.message = message
    }

    var description: String { self.message }
}

/// The seed's `InvalidArgumentsError`.
final class InvalidArgumentsError: HttpError, @unchecked Sendable {
    override class var errorCode: String { "INVALID_ARGUMENTS" }
}

/// The custom-error example (`http_exceptions.py`): the service renders its errors as JSON with codes of its own,
/// as the seed's `HttpEntrypoint.response_from_exception` does. Named `http_exceptions_service`, since the seed gives
/// it the name of the first example.
@Service("http_exceptions_service")
struct HttpExceptionsService {
    @HTTP("GET", "/custom_exception")
    func customException(_ request: WebRequest) throws -> String {
        throw InvalidArgumentsError("Argument `foo` is required.")
    }
}

extension HttpExceptionsService: WebErrorResponding {
    static func errorResponse(for error: any Error) -> WebResponse? {
        guard let error = error as? HttpError else { return nil }
        let kind = type(of: error)
        // Python's json.dumps({'error': …, 'message': …}), with its ", " and ": ".
        let code = JSONValue.string(kind.errorCode).description
        let message = JSONValue.string(error.message).description
        return WebResponse(
            #"{"error": \#(code), "message": \#(message)}"#,
            status: kind.statusCode,
            contentType: "application/json"
        )
    }
}
