//===----------------------------------------------------------------------===//
// This source file is part of Enoki. Licensed under Apache License v2.0.
//===----------------------------------------------------------------------===//

import Enoki

/// The seed's `compute` as Python 3 runs it: `int()` of each argument, then `+`, `*`, `/` or `-`, with the errors
/// Python raises (their types, paths, arguments and messages), so that a caller cannot tell this service from a
/// Python one.
enum PythonArithmetic {
    /// Python 3.11's limit on the digits of an int converted to or from text.
    static let maximumDigits = 4300

    /// `operations[operation](value, other)`.
    static func compute(_ operation: JSONValue, _ value: JSONValue, _ other: JSONValue) throws -> JSONValue {
        let name: String
        switch operation {
        case .array: throw self.error("TypeError", "unhashable type: 'list'")
        case .object: throw self.error("TypeError", "unhashable type: 'dict'")
        case .string(let text) where ["sum", "mul", "div", "sub"].contains(text): name = text
        default:
            // KeyError(key): its text is the key's repr, its argument the key itself.
            throw RemoteError(
                excType: "KeyError",
                excPath: "builtins.KeyError",
                excArgs: [operation],
                value: self.repr(operation)
            )
        }
        let x = try self.int(value)
        let y = try self.int(other)
        let result: PythonInt
        switch name {
        case "sum": result = x + y
        case "sub": result = x - y
        case "mul": result = x * y
        default:
            guard y != PythonInt(0) else { throw self.error("ZeroDivisionError", "division by zero") }
            guard let quotient = x.dividedAsFloat(by: y) else {
                throw self.error("OverflowError", "integer division result too large for a float")
            }
            return .double(quotient)
        }
        if let small = result.intValue { return .int(small) }
        return .bigInteger(result.description)
    }

    /// Python's `str()` of a result, as `"The result is: %s" % result` writes it.
    static func text(of result: JSONValue) throws -> String {
        switch result {
        case .double(let number): return JSONWriter.format(number)
        case .bigInteger(let digits):
            let count = digits.hasPrefix("-") ? digits.count - 1 : digits.count
            guard count <= self.maximumDigits else {
                throw self.error(
                    "ValueError",
                    "Exceeds the limit (\(self.maximumDigits) digits) for integer string conversion; use "
                        + "sys.set_int_max_str_digits() to increase the limit"
                )
            }
            return digits
        default: return self.repr(result)
        }
    }

    /// Python's `int(value)` of a JSON value.
    static func int(_ value: JSONValue) throws -> PythonInt {
        switch value {
        case .int(let number): return PythonInt(number)
        case .bigInteger(let digits): return PythonInt(decimal: digits) ?? PythonInt(0)
        case .bool(let flag): return PythonInt(flag ? 1 : 0)
        case .double(let number):
            if number.isNaN { throw self.error("ValueError", "cannot convert float NaN to integer") }
            if number.isInfinite { throw self.error("OverflowError", "cannot convert float infinity to integer") }
            return PythonInt(truncating: number)
        case .string(let text): return try self.int(parsing: text)
        case .null: throw self.typeError("NoneType")
        case .array: throw self.typeError("list")
        case .object: throw self.typeError("dict")
        }
    }

    /// `int("…")`: white space around, a sign, decimal digits of any script, single underscores between them.
    static func int(parsing text: String) throws -> PythonInt {
        let invalid = self.error("ValueError", "invalid literal for int() with base 10: \(self.repr(text))")
        let scalars = Array(text.unicodeScalars)
        guard let first = scalars.firstIndex(where: { !self.isSpace($0) }) else { throw invalid }
        let last = scalars.lastIndex(where: { !self.isSpace($0) })!
        var body = scalars[first...last]
        var sign = ""
        if let head = body.first, head == "+" || head == "-" {
            sign = head == "-" ? "-" : ""
            body = body.dropFirst()
        }
        var digits = ""
        var previousWasDigit = false
        for scalar in body {
            if scalar == "_" {
                guard previousWasDigit else { throw invalid }
                previousWasDigit = false
                continue
            }
            guard scalar.properties.numericType == .decimal, let digit = scalar.properties.numericValue else {
                throw invalid
            }
            digits += String(Int(digit))
            previousWasDigit = true
        }
        guard previousWasDigit else { throw invalid }
        guard digits.count <= self.maximumDigits else {
            throw self.error(
                "ValueError",
                "Exceeds the limit (\(self.maximumDigits) digits) for integer string conversion: value has "
                    + "\(digits.count) digits; use sys.set_int_max_str_digits() to increase the limit"
            )
        }
        return PythonInt(decimal: sign + digits)!
    }

    /// Python's `repr()` of a JSON value as Python reads it (`'text'`, `42`, `3.0`, `True`, `None`).
    static func repr(_ value: JSONValue) -> String {
        PythonRepr.repr(PythonValue(json: value))
    }

    /// Python's `repr()` of a string.
    static func repr(_ text: String) -> String {
        PythonRepr.string(text)
    }

    /// Python's `str.strip()` white space.
    private static func isSpace(_ scalar: Unicode.Scalar) -> Bool {
        if (0x1C...0x1F).contains(scalar.value) { return true }
        return scalar.properties.isWhitespace
    }

    private static func typeError(_ typeName: String) -> RemoteError {
        self.error(
            "TypeError",
            "int() argument must be a string, a bytes-like object or a real number, not '\(typeName)'"
        )
    }

    private static func error(_ type: String, _ message: String) -> RemoteError {
        RemoteError(type: type, module: "builtins", message: message)
    }
}
