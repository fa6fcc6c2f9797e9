//===----------------------------------------------------------------------===//
// This source file is part of Enoki. Licensed under Apache License v2.0.
//===----------------------------------------------------------------------===//

/// Writes values as Python's `repr` does, so that the shell prints what `nameko shell` prints: `'Hello !'`,
/// `40`, `3.0`, `1e+16`, `{'value': 42}`, `(1,)`, `None`.
public enum PythonRepr {
    /// The `repr` of a value.
    public static func repr(_ value: PythonValue) -> String {
        switch value {
        case .none: return "None"
        case .bool(let value): return value ? "True" : "False"
        case .int(let value): return String(value)
        case .bigInteger(let digits): return digits
        case .float(let value): return self.float(value)
        case .string(let text): return self.string(text)
        case .list(let elements): return "[" + elements.map(self.repr).joined(separator: ", ") + "]"
        case .tuple(let elements):
            if elements.count == 1 { return "(" + self.repr(elements[0]) + ",)" }
            return "(" + elements.map(self.repr).joined(separator: ", ") + ")"
        case .dict(let entries):
            return "{" + entries.map { self.repr($0.key) + ": " + self.repr($0.value) }.joined(separator: ", ") + "}"
        case .object(let object):
            switch object {
            case .namespace: return "<module 'n'>"
            case .rpc: return "<ClusterRpcProxy>"
            case .service(let name): return "<ServiceProxy \(name)>"
            case .method(let service, let method): return "<MethodProxy \(service).\(method)>"
            case .callAsync(let service, let method): return "<bound method call_async of \(service).\(method)>"
            case .reply(let reply): return "<RpcReply \(reply.target)>"
            case .replyResult(let reply): return "<bound method result of RpcReply \(reply.target)>"
            case .function(let name): return "<function \(name)>"
            }
        }
    }

    /// What `print` writes: strings as they are, everything else as its `repr`.
    public static func str(_ value: PythonValue) -> String {
        if case .string(let text) = value { return text }
        return self.repr(value)
    }

    /// A float as Python's `repr` writes it: the shortest digits that read back the same, in fixed notation
    /// when the exponent is from -4 to 15 and in scientific notation (`1e+16`, `1.5e-05`) otherwise.
    public static func float(_ value: Double) -> String {
        if value.isNaN { return "nan" }
        if value.isInfinite { return value < 0 ? "-inf" : "inf" }
        if value == 0 { return value.sign == .minus ? "-0.0" : "0.0" }
        // Swift's description holds the shortest round-tripping digits; read them and the decimal exponent.
        let text = "\(value.magnitude)"
        var mantissa = text
        var exponent = 0
        if let e = text.firstIndex(where: { $0 == "e" || $0 == "E" }) {
            mantissa = String(text[..<e])
            exponent = Int(text[text.index(after: e)...]) ?? 0
        }
        var digits: String
        var pointAt: Int  // digits before the decimal point, in `digits`
        if let dot = mantissa.firstIndex(of: ".") {
            let whole = String(mantissa[..<dot])
            let fraction = String(mantissa[mantissa.index(after: dot)...])
            digits = whole + fraction
            pointAt = whole.count
        } else {
            digits = mantissa
            pointAt = mantissa.count
        }
        // Normalize: no leading zeros, no trailing zeros.
        while digits.hasPrefix("0"), digits.count > 1 {
            digits.removeFirst()
            pointAt -= 1
        }
        while digits.hasSuffix("0"), digits.count > 1 {
            digits.removeLast()
        }
        let decimalExponent = pointAt + exponent - 1  // the exponent of the first digit
        let sign = value < 0 ? "-" : ""
        if decimalExponent < -4 || decimalExponent >= 16 {
            var body = String(digits.first!)
            if digits.count > 1 {
                body += "." + digits.dropFirst()
            }
            let magnitude = abs(decimalExponent)
            let exponentText = (magnitude < 10 ? "0" : "") + String(magnitude)
            return sign + body + "e" + (decimalExponent < 0 ? "-" : "+") + exponentText
        }
        if decimalExponent < 0 {
            return sign + "0." + String(repeating: "0", count: -decimalExponent - 1) + digits
        }
        let wholeCount = decimalExponent + 1
        if digits.count <= wholeCount {
            return sign + digits + String(repeating: "0", count: wholeCount - digits.count) + ".0"
        }
        let split = digits.index(digits.startIndex, offsetBy: wholeCount)
        return sign + digits[..<split] + "." + digits[split...]
    }

    /// A string as Python's `repr` writes it: in single quotes, or double quotes when it holds a single quote and
    /// no double quote; backslashes, the quote, `\n`, `\r`, `\t` escaped, other characters that are not printable
    /// as `\xhh`, `\uhhhh` or `\Uhhhhhhhh`.
    public static func string(_ text: String) -> String {
        let quote: Character = text.contains("'") && !text.contains("\"") ? "\"" : "'"
        var out = String(quote)
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            default:
                if Character(scalar) == quote {
                    out += "\\" + String(quote)
                } else if self.isPrintable(scalar) {
                    out.unicodeScalars.append(scalar)
                } else if scalar.value < 0x100 {
                    out += "\\x" + self.hex(scalar.value, width: 2)
                } else if scalar.value < 0x10000 {
                    out += "\\u" + self.hex(scalar.value, width: 4)
                } else {
                    out += "\\U" + self.hex(scalar.value, width: 8)
                }
            }
        }
        out.append(quote)
        return out
    }

    /// Python's `str.isprintable` for one character: not a control, format, surrogate, private-use or unassigned
    /// character, and not a separator other than the space.
    static func isPrintable(_ scalar: Unicode.Scalar) -> Bool {
        if scalar == " " { return true }
        switch scalar.properties.generalCategory {
        case .control, .format, .surrogate, .privateUse, .unassigned, .lineSeparator, .paragraphSeparator,
            .spaceSeparator:
            return false
        default:
            return true
        }
    }

    private static func hex(_ value: UInt32, width: Int) -> String {
        let digits = String(value, radix: 16)
        return String(repeating: "0", count: max(0, width - digits.count)) + digits
    }
}
