//===----------------------------------------------------------------------===//
// This source file is part of Enoki. Licensed under Apache License v2.0.
//===----------------------------------------------------------------------===//

import EnokiAMQPClient
import EnokiCore
import NIOCore

/// How event handlers and consumers read a message body, and how consumers write their replies.
///
/// - A JSON content type (`application/json`, as Nameko and kombu send, or `json`) is parsed as JSON; kombu's
///   typed envelopes must be of a known type.
/// - A body without a content type, or with `text/*`, `application/octet-stream` or `application/data`, is raw
///   text (UTF-8): a handler whose payload is a `String` gets it as it is; a handler of any other type gets it
///   parsed as JSON.
/// - Any other content type is refused, as kombu refuses content it does not trust.
enum MessageBody {
    /// Why a body cannot be read.
    struct Unreadable: Error, CustomStringConvertible {
        var reason: String
        var description: String { self.reason }
    }

    /// Whether a content type is JSON.
    static func isJSON(_ contentType: String?) -> Bool {
        guard let contentType else { return false }
        let base = contentType.split(separator: ";").first.map { $0.trimmingSpaces } ?? ""
        return base == "application/json" || base == "json"
    }

    static func isRaw(_ contentType: String?) -> Bool {
        guard let contentType else { return true }
        let base = contentType.split(separator: ";").first.map { $0.trimmingSpaces } ?? ""
        return base.hasPrefix("text/") || base == "application/octet-stream" || base == "application/data"
            || base.isEmpty
    }

    /// A payload from Python-style arguments, as the testing toolkit's hook passes them: the first positional
    /// argument, or the only keyword argument.
    static func payload(args: [JSONValue], kwargs: JSONObject) throws(RemoteError) -> JSONValue {
        if args.count == 1, kwargs.isEmpty { return args[0] }
        if args.isEmpty, kwargs.count == 1, let member = kwargs.first(where: { _ in true }) { return member.value }
        throw .incorrectSignature(
            "a handler takes exactly one argument, the payload (\(args.count) positional, \(kwargs.count) keyword given)"
        )
    }

    /// A payload decoded as the method's parameter, with the error a bound argument would give.
    static func argument<T: Decodable>(_ payload: JSONValue, of methodName: String, as type: T.Type) throws -> T {
        try BoundArguments(signature: Signature(methodName, [.init("payload")]), values: [payload]).value(0, as: T.self)
    }

    /// The payload a worker gets.
    static func payload(of delivery: AMQPDelivery, wantsText: Bool) -> Result<JSONValue, Unreadable> {
        if let problem = delivery.problem {
            return .failure(Unreadable(reason: "Can't read the message: \(problem.message)"))
        }
        return self.payload(
            contentType: delivery.properties.contentType,
            encoding: delivery.properties.contentEncoding,
            body: delivery.body,
            wantsText: wantsText
        )
    }

    /// The payload a worker gets, from the parts of a message.
    static func payload(
        contentType: String?,
        encoding: String?,
        body: ByteBuffer,
        wantsText: Bool
    ) -> Result<JSONValue, Unreadable> {
        let described =
            "(type:'\(WireText.loggable(contentType ?? ""))' encoding:'\(WireText.loggable(encoding ?? ""))')"
        if self.isJSON(contentType) {
            return self.parseJSON(body, described: described)
        }
        guard self.isRaw(contentType) else {
            return .failure(
                Unreadable(
                    reason:
                        "Can't decode message body: refusing to deserialize untrusted content of type \(WireText.loggable(contentType ?? "")) \(described)"
                )
            )
        }
        guard let text = String(validating: body.readableBytesView, as: UTF8.self) else {
            return .failure(Unreadable(reason: "Can't decode message body: the body is not UTF-8 text \(described)"))
        }
        if wantsText {
            return .success(.string(text))
        }
        return self.parseJSON(body, described: described)
    }

    private static func parseJSON(_ body: ByteBuffer, described: String) -> Result<JSONValue, Unreadable> {
        let value: JSONValue
        do {
            value = try JSONParser.parse(body.readableBytesView)
        } catch {
            return .failure(Unreadable(reason: "Can't decode message body: \(error.message) \(described)"))
        }
        if let unknown = KombuEnvelope.firstUnknownType(in: value) {
            return .failure(
                Unreadable(
                    reason: "Can't decode message body: unsupported type '\(WireText.loggable(unknown))' \(described)"
                )
            )
        }
        return .success(value)
    }

    /// A JSON body.
    static func json(_ value: JSONValue) -> ByteBuffer {
        ByteBuffer(bytes: JSONWriter.bytes(value))
    }

    /// A reply in the request's format: JSON for a JSON request; for a raw request, a string result as raw text
    /// and any other result as JSON.
    static func reply(_ value: JSONValue, toJSONRequest: Bool) -> (ByteBuffer, contentType: String) {
        if !toJSONRequest, case .string(let text) = value {
            return (ByteBuffer(string: text), "text/plain")
        }
        return (self.json(value), RPCMessage.contentType)
    }
}

extension Substring {
    var trimmingSpaces: String {
        String(self.drop { $0 == " " }.reversed().drop { $0 == " " }.reversed())
    }
}
