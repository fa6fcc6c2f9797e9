//===----------------------------------------------------------------------===//
// This source file is part of Enoki. Licensed under Apache License v2.0.
//===----------------------------------------------------------------------===//

public import EnokiAMQPClient
public import EnokiCore
import FoundationEssentials

/// Context data in AMQP headers, as Nameko writes and reads them (nameko-wire §3).
///
/// Writing: each context key becomes a header `nameko.{key}`; null values are left out; the call-id stack is
/// always written last, as `nameko.call_id_stack`, an array of long strings. Strings are written as `S`,
/// booleans `t`, integers `I` (or `l` when they need 64 bits), floats `d`, lists `A`, mappings `F`.
///
/// Reading: every header becomes context data, not just the `nameko.` ones: the prefix is removed where present
/// and other keys are kept as they came (so the next hop sends them with the prefix, as Python does). The
/// call-id stack is then taken out; a stack sent as a string is split into its characters, as Python does.
public enum ContextHeaders {
    /// The header prefix.
    public static let prefix = "nameko."
    /// The call-id stack's header.
    public static let callIDStackKey = "nameko.call_id_stack"

    /// The headers for a worker's outgoing messages: its context data and its whole call-id stack.
    public static func headers(for context: WorkerContext) -> FieldTable {
        self.headers(data: context.data, callIDStack: context.callIDStack)
    }

    /// Headers from context data and a call-id stack.
    public static func headers(data: JSONObject, callIDStack: [String]) -> FieldTable {
        var entries: [(String, FieldValue)] = []
        entries.reserveCapacity(data.count + 1)
        for (key, value) in data where key != "call_id_stack" {
            guard let field = self.fieldValue(value) else { continue }
            entries.append((self.prefix + key, field))
        }
        entries.append((self.callIDStackKey, .array(callIDStack.map { .string($0) })))
        return FieldTable(entries)
    }

    /// Context data and the parent call-id stack from a message's headers.
    public static func context(from headers: FieldTable?) -> (data: JSONObject, parentStack: [String]) {
        guard let headers else { return ([:], []) }
        var data = JSONObject()
        var stack: [String] = []
        for entry in headers {
            let key = entry.key.hasPrefix(self.prefix) ? String(entry.key.dropFirst(self.prefix.count)) : entry.key
            // The caller's deadline is the request's (as it came, or as a Python service passed it on as context
            // data), not context data of this worker's own calls.
            if key == WireDeadline.header { continue }
            if key == "call_id_stack" {
                switch entry.value {
                case .array(let elements):
                    stack = elements.map { element in
                        if case .string(let text) = element { return text }
                        return self.jsonValue(element).stringValue ?? JSONWriter.string(self.jsonValue(element))
                    }
                case .string(let text):
                    stack = text.map { String($0) }
                default:
                    stack = []
                }
                continue
            }
            data[key] = self.jsonValue(entry.value)
        }
        return (data, stack)
    }

    /// A JSON value as a header value; `nil` for null, which Nameko leaves out.
    public static func fieldValue(_ value: JSONValue) -> FieldValue? {
        switch value {
        case .null: return nil
        case .bool(let flag): return .bool(flag)
        case .int(let number): return FieldValue(number)
        case .bigInteger(let digits): return .string(digits)
        case .double(let number): return .double(number)
        case .string(let text): return .string(text)
        case .array(let elements): return .array(elements.map { self.fieldValue($0) ?? .void })
        case .object(let object):
            var table = FieldTable()
            for member in object.members {
                table[member.key] = self.fieldValue(member.value) ?? .void
            }
            return .table(table)
        }
    }

    /// A header value as a JSON value.
    public static func jsonValue(_ value: FieldValue) -> JSONValue {
        switch value {
        case .bool(let flag): return .bool(flag)
        case .int8(let number): return .int(Int(number))
        case .uint8(let number): return .int(Int(number))
        case .int16(let number): return .int(Int(number))
        case .uint16(let number): return .int(Int(number))
        case .int32(let number): return .int(Int(number))
        case .uint32(let number): return .int(Int(number))
        case .int64(let number): return .int(Int(number))
        case .float(let number): return .double(Double(number))
        case .double(let number): return .double(number)
        case .decimal(let decimal):
            var divisor = 1.0
            for _ in 0..<decimal.scale { divisor *= 10 }
            return .double(Double(decimal.value) / divisor)
        case .string(let text): return .string(text)
        case .bytes(let bytes):
            if let text = String(validating: bytes, as: UTF8.self) { return .string(text) }
            return .string(Data(bytes).base64EncodedString())
        case .timestamp(let seconds): return Int(exactly: seconds).map { .int($0) } ?? .bigInteger(String(seconds))
        case .table(let table):
            return .object(JSONObject(table.entries.map { ($0.key, self.jsonValue($0.value)) }))
        case .array(let elements): return .array(elements.map(self.jsonValue))
        case .void: return .null
        }
    }
}
