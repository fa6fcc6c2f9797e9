//===----------------------------------------------------------------------===//
// This source file is part of Enoki. Licensed under Apache License v2.0.
//===----------------------------------------------------------------------===//

/// Writes ``JSONValue`` as JSON text with Python's separators (`", "` and `": "`), integers as integers and floats
/// always with a point or an exponent (`1.0`), and `NaN`/`Infinity` as Python writes them. Non-ASCII text is
/// written as UTF-8, which Python reads as well as its own `\uXXXX` escapes.
public enum JSONWriter {
    /// The JSON text of a value.
    public static func string(_ value: JSONValue) -> String {
        String(decoding: self.bytes(value), as: UTF8.self)
    }

    /// The UTF-8 bytes of a value's JSON text.
    public static func bytes(_ value: JSONValue) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(64)
        self.write(value, into: &out)
        return out
    }

    /// Appends a value's JSON text.
    public static func write(_ value: JSONValue, into out: inout [UInt8]) {
        switch value {
        case .null:
            out.append(contentsOf: "null".utf8)
        case .bool(let flag):
            out.append(contentsOf: (flag ? "true" : "false").utf8)
        case .int(let number):
            out.append(contentsOf: String(number).utf8)
        case .bigInteger(let digits):
            out.append(contentsOf: digits.utf8)
        case .double(let number):
            out.append(contentsOf: self.format(number).utf8)
        case .string(let text):
            self.writeString(text, into: &out)
        case .array(let elements):
            out.append(UInt8(ascii: "["))
            for (index, element) in elements.enumerated() {
                if index > 0 { out.append(contentsOf: ", ".utf8) }
                self.write(element, into: &out)
            }
            out.append(UInt8(ascii: "]"))
        case .object(let object):
            out.append(UInt8(ascii: "{"))
            for (index, member) in object.members.enumerated() {
                if index > 0 { out.append(contentsOf: ", ".utf8) }
                self.writeString(member.key, into: &out)
                out.append(contentsOf: ": ".utf8)
                self.write(member.value, into: &out)
            }
            out.append(UInt8(ascii: "}"))
        }
    }

    /// A float as Python's `repr` writes it: `1.0`, `0.1`, `1e-05`, `1e+20`, `NaN`, `Infinity`.
    public static func format(_ number: Double) -> String {
        if number.isNaN { return "NaN" }
        if number.isInfinite { return number > 0 ? "Infinity" : "-Infinity" }
        var text = "\(number)"
        if let e = text.firstIndex(of: "e") {
            // Swift writes 1e-05 as "1e-05" and 1e+20 as "1e+20" already; make sure a mantissa like "1.0e-05"
            // keeps Python's shape.
            let mantissa = text[..<e]
            if mantissa.hasSuffix(".0") {
                text = String(mantissa.dropLast(2)) + text[e...]
            }
        } else if !text.contains(".") {
            text += ".0"
        }
        return text
    }

    private static func writeString(_ text: String, into out: inout [UInt8]) {
        out.append(UInt8(ascii: "\""))
        // Most strings need no escape: copy them whole.
        if !text.utf8.contains(where: { $0 == UInt8(ascii: "\"") || $0 == UInt8(ascii: "\\") || $0 < 0x20 }) {
            out.append(contentsOf: text.utf8)
            out.append(UInt8(ascii: "\""))
            return
        }
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "\""): out.append(contentsOf: "\\\"".utf8)
            case UInt8(ascii: "\\"): out.append(contentsOf: "\\\\".utf8)
            case 0x0A: out.append(contentsOf: "\\n".utf8)
            case 0x0D: out.append(contentsOf: "\\r".utf8)
            case 0x09: out.append(contentsOf: "\\t".utf8)
            case 0x08: out.append(contentsOf: "\\b".utf8)
            case 0x0C: out.append(contentsOf: "\\f".utf8)
            case 0..<0x20:
                let hex = String(byte, radix: 16)
                out.append(contentsOf: ("\\u" + String(repeating: "0", count: 4 - hex.count) + hex).utf8)
            default:
                out.append(byte)
            }
        }
        out.append(UInt8(ascii: "\""))
    }
}
