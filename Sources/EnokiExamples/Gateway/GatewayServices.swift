//===----------------------------------------------------------------------===//
// This source file is part of Enoki. Licensed under Apache License v2.0.
//===----------------------------------------------------------------------===//

import Enoki
import EnokiHTTP
import EnokiMail

/// The seed's `mail` service: sends a mail through the ``Mailer`` (to the server `SMTP_URI` names, from
/// `MAIL_FROM`; to the log when there is no `SMTP_URI`).
///
/// ```python
/// class Mail(object):
///     name = "mail"
///
///     @rpc
///     def send(self, to, subject, contents):
///         yag = yagmail.SMTP('myname@gmail.com', 'mypassword')
///         yag.send(to=to.encode('utf-8'), subject=subject.encode('utf-8'), contents=[contents.encode('utf-8')])
/// ```
@Service("mail")
struct MailService {
    @Dependency(Mailer()) var mailer: MailSender

    @RPC func send(_ to: String, _ subject: String, _ contents: String) async throws {
        try await mailer.send(to: to, subject: subject, text: contents)
    }
}

/// The seed's `compute` service: `sum`, `mul`, `div` and `sub` of two numbers that `int()` makes of its
/// arguments, as Python 3 computes them (`div` of 30 by 10 is `3.0`), with Python's errors (`KeyError` for another
/// operation, `ZeroDivisionError`, `ValueError` for text that is not a number). Either way it mails the outcome
/// without waiting for the mail (`call_async`).
///
/// ```python
/// class Compute(object):
///     name = "compute"
///     mail = RpcProxy('mail')
///
///     @rpc
///     def compute(self, operation, value, other, email):
///         operations = {'sum': lambda x, y: int(x) + int(y),
///                       'mul': lambda x, y: int(x) * int(y),
///                       'div': lambda x, y: int(x) / int(y),
///                       'sub': lambda x, y: int(x) - int(y)}
///         try:
///             result = operations[operation](value, other)
///         except Exception as e:
///             self.mail.send.call_async(email, "An error occurred", str(e))
///             raise
///         else:
///             self.mail.send.call_async(email, "Your operation is complete!", "The result is: %s" % result)
///             return result
/// ```
@Service("compute")
struct ComputeService {
    @RPCProxy("mail") var mail: ServiceProxy

    @RPC func compute(
        _ operation: JSONValue,
        _ value: JSONValue,
        _ other: JSONValue,
        _ email: JSONValue
    ) async throws -> JSONValue {
        let result: JSONValue
        do {
            result = try PythonArithmetic.compute(operation, value, other)
        } catch let error as RemoteError {
            _ = try mail.send.callAsync(email, "An error occurred", error.value)
            throw error
        }
        _ = try mail.send.callAsync(
            email,
            "Your operation is complete!",
            "The result is: \(try PythonArithmetic.text(of: result))"
        )
        return result
    }
}

/// The body of `POST /compute`, as the seed's Flasgger docstring describes it.
struct ComputeRequest: Codable, Sendable {
    /// One of the four operations.
    enum Operation: String, Codable, CaseIterable, Sendable {
        case sum, mul, sub, div
    }

    var operation: Operation
    var email: String
    var value: Int
    var other: Int
}

/// The seed's HTTP API in front of `compute` and `mail` (its Flask `api.py`): it starts the work and the
/// notification mail without waiting for either, and answers at once.
///
/// ```python
/// @app.route('/compute', methods=['POST'])
/// def compute():
///     operation = request.json.get('operation')
///     ...
///     msg = "Please wait the calculation, you'll receive an email with results"
///     subject = "API Notification"
///     with ClusterRpcProxy(CONFIG) as rpc:
///         rpc.mail.send.call_async(email, subject, msg)
///         result = rpc.compute.compute.call_async(operation, value, other, email)
///         return msg, 200
/// ```
///
/// A body that is not JSON, lacks a field or has a field of the wrong type or value gets 400 with a JSON error
/// that names the field: `{"error": "BAD_REQUEST", "field": "operation", "message": "…"}`.
@Service("api")
struct GatewayAPI {
    static let message = "Please wait the calculation, you'll receive an email with results"

    @RPCProxy("mail") var mail: ServiceProxy
    @RPCProxy("compute") var computeService: ServiceProxy

    /// Micro Service Based Compute and Mail API
    ///
    /// This API is made with Enoki: the computation and the mails run in the `compute` and `mail` services.
    ///
    /// - Returns: Please wait the calculation, you'll receive an email with results
    @HTTP("POST", "/compute")
    func compute(_ data: ComputeRequest) throws -> String {
        guard Self.looksLikeAddress(data.email) else {
            throw BadRequest("email must be a mail address, not \(JSONValue.string(data.email))", field: "email")
        }
        _ = try mail.send.callAsync(data.email, "API Notification", Self.message)
        _ = try computeService.compute.callAsync(data.operation.rawValue, data.value, data.other, data.email)
        return Self.message
    }

    /// `local@domain`, with no white space or angle brackets.
    static func looksLikeAddress(_ text: String) -> Bool {
        guard let at = text.lastIndex(of: "@"), at != text.startIndex, text.index(after: at) != text.endIndex else {
            return false
        }
        return !text.contains { $0.isWhitespace || $0 == "<" || $0 == ">" || $0.isNewline }
    }
}

extension GatewayAPI: WebErrorResponding {
    static func errorResponse(for error: any Error) -> WebResponse? {
        guard let error = error as? BadRequest else { return nil }
        var members: [(String, JSONValue)] = [("error", .string("BAD_REQUEST"))]
        if let field = error.field { members.append(("field", .string(field))) }
        members.append(("message", .string(error.message)))
        return try? WebResponse.json(JSONValue.object(JSONObject(members)), status: 400)
    }
}
