//===----------------------------------------------------------------------===//
// This source file is part of Enoki. Licensed under Apache License v2.0.
//===----------------------------------------------------------------------===//

public import EnokiAMQPClient
public import EnokiCore
public import NIOCore

/// The bodies and properties of Nameko's RPC messages (nameko-wire §4).
public enum RPCMessage {
    /// `application/json`, the only content type Enoki reads and writes.
    public static let contentType = "application/json"
    /// `utf-8`.
    public static let contentEncoding = "utf-8"

    /// A request body: `{"args": [...], "kwargs": {...}}`.
    public static func requestBody(args: [JSONValue], kwargs: JSONObject) -> ByteBuffer {
        self.body("{\"args\": ", .array(args), ", \"kwargs\": ", .object(kwargs), "}")
    }

    /// A reply body: `{"result": R, "error": null}`.
    public static func replyBody(result: JSONValue) -> ByteBuffer {
        self.body("{\"result\": ", result, ", \"error\": ", .null, "}")
    }

    /// An error reply body: `{"result": null, "error": E}`.
    public static func replyBody(error: RemoteError) -> ByteBuffer {
        self.body("{\"result\": ", .null, ", \"error\": ", error.jsonValue, "}")
    }

    /// A two-member object written straight into a buffer, without building it as a value first.
    private static func body(
        _ opening: StaticString,
        _ first: JSONValue,
        _ separator: StaticString,
        _ second: JSONValue,
        _ closing: StaticString
    ) -> ByteBuffer {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(64)
        func append(_ text: StaticString) {
            bytes.append(contentsOf: UnsafeBufferPointer(start: text.utf8Start, count: text.utf8CodeUnitCount))
        }
        append(opening)
        JSONWriter.write(first, into: &bytes)
        append(separator)
        JSONWriter.write(second, into: &bytes)
        append(closing)
        return ByteBuffer(bytes: bytes)
    }

    /// A request's properties: content type and encoding, persistent, priority 0, the correlation id, the reply
    /// routing key and the context headers. Property flags `0xfe00`, as Nameko's.
    public static func requestProperties(correlationID: String, replyTo: String, headers: FieldTable) -> BasicProperties
    {
        BasicProperties(
            contentType: self.contentType,
            contentEncoding: self.contentEncoding,
            headers: headers,
            deliveryMode: 2,
            priority: 0,
            correlationID: correlationID,
            replyTo: replyTo
        )
    }

    /// A reply's properties: the request's content type, persistent, priority 0, the request's correlation id (when
    /// it had one) and an empty header table. Property flags `0xfc00`.
    public static func replyProperties(correlationID: String?) -> BasicProperties {
        BasicProperties(
            contentType: self.contentType,
            contentEncoding: self.contentEncoding,
            headers: [:],
            deliveryMode: 2,
            priority: 0,
            correlationID: correlationID
        )
    }

    /// Reads a reply body.
    ///
    /// - Returns: The result, or the error the remote method raised.
    /// - Throws: `EnokiError` when the body is not a Nameko reply.
    public static func parseReply(_ body: ByteBuffer) throws -> Result<JSONValue, RemoteError> {
        let value: JSONValue
        do {
            value = try JSONParser.parse(body.readableBytesView)
        } catch {
            throw EnokiError(.transport, "the reply is not JSON: \(error)")
        }
        guard case .object(let object) = value else {
            throw EnokiError(.transport, "the reply is not a JSON object")
        }
        if let error = object["error"], !Self.isFalsy(error) {
            return .failure(RemoteError(jsonValue: error))
        }
        guard let result = object["result"] else {
            throw EnokiError(.transport, "the reply has no `result`")
        }
        return .success(result)
    }

    /// Python's truthiness, which Nameko applies to a reply's `error`.
    static func isFalsy(_ value: JSONValue) -> Bool {
        switch value {
        case .null: return true
        case .bool(let flag): return !flag
        case .int(let number): return number == 0
        case .double(let number): return number == 0
        case .string(let text): return text.isEmpty
        case .array(let elements): return elements.isEmpty
        case .object(let object): return object.count == 0
        case .bigInteger: return false
        }
    }
}
