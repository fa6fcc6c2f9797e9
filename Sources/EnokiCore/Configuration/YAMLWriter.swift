//===----------------------------------------------------------------------===//
// This source file is part of Enoki. Licensed under Apache License v2.0.
//===----------------------------------------------------------------------===//

/// Writes values as block-style YAML with sorted keys, as `nameko show-config` prints a configuration
/// (PyYAML's `safe_dump(default_flow_style=False)`).
public enum YAMLWriter {
    /// The YAML text of a value.
    public static func write(_ value: JSONValue) -> String {
        var out = ""
        switch value {
        case .object(let object) where object.count > 0:
            self.writeMapping(object, indent: 0, into: &out)
        case .array(let elements) where !elements.isEmpty:
            self.writeSequence(elements, indent: 0, into: &out)
        default:
            out = self.scalar(value) + "\n"
        }
        return out
    }

    private static func writeMapping(_ object: JSONObject, indent: Int, into out: inout String) {
        let pad = String(repeating: " ", count: indent)
        for member in object.members.sorted(by: { $0.key < $1.key }) {
            let key = self.scalar(.string(member.key))
            switch member.value {
            case .object(let nested) where nested.count > 0:
                out += "\(pad)\(key):\n"
                self.writeMapping(nested, indent: indent + 2, into: &out)
            case .array(let elements) where !elements.isEmpty:
                out += "\(pad)\(key):\n"
                self.writeSequence(elements, indent: indent, into: &out)
            default:
                out += "\(pad)\(key): \(self.scalar(member.value))\n"
            }
        }
    }

    private static func writeSequence(_ elements: [JSONValue], indent: Int, into out: inout String) {
        let pad = String(repeating: " ", count: indent)
        for element in elements {
            switch element {
            case .object(let nested) where nested.count > 0:
                var inner = ""
                self.writeMapping(nested, indent: indent + 2, into: &inner)
                out += "\(pad)- " + inner.dropFirst(indent + 2)
            case .array(let nested) where !nested.isEmpty:
                var inner = ""
                self.writeSequence(nested, indent: indent + 2, into: &inner)
                out += "\(pad)- " + inner.dropFirst(indent + 2)
            default:
                out += "\(pad)- \(self.scalar(element))\n"
            }
        }
    }

    /// A scalar in PyYAML's plain or quoted style.
    static func scalar(_ value: JSONValue) -> String {
        switch value {
        case .null: return "null"
        case .bool(let flag): return flag ? "true" : "false"
        case .int(let number): return String(number)
        case .bigInteger(let digits): return digits
        case .double(let number):
            if number.isNaN { return ".nan" }
            if number.isInfinite { return number > 0 ? ".inf" : "-.inf" }
            return JSONWriter.format(number)
        case .object: return "{}"
        case .array: return "[]"
        case .string(let text):
            return self.needsQuotes(text) ? "'" + text.replacing("'", with: "''") + "'" : text
        }
    }

    private static func needsQuotes(_ text: String) -> Bool {
        if text.isEmpty { return true }
        let reserved: Set<String> = [
            "null", "Null", "NULL", "~", "true", "True", "TRUE", "false", "False", "FALSE", "yes", "Yes", "YES",
            "no", "No", "NO", "on", "On", "ON", "off", "Off", "OFF",
        ]
        if reserved.contains(text) { return true }
        if Double(text) != nil || Int(text) != nil { return true }
        if let first = text.first, "-?:,[]{}#&*!|>'\"%@`".contains(first) { return true }
        if text.contains(": ") || text.contains(" #") || text.hasSuffix(":") || text.hasSuffix(" ")
            || text.hasPrefix(" ")
        {
            return true
        }
        if text.contains("\n") { return true }
        return false
    }
}
