//===----------------------------------------------------------------------===//
// This source file is part of Enoki. Licensed under Apache License v2.0.
//===----------------------------------------------------------------------===//

/// One token of a shell line.
enum ShellToken: Equatable, Sendable {
    case name(String)
    case integer(String)
    case float(Double)
    case string(String)
    case punctuation(Character)
    case end

    var shown: String {
        switch self {
        case .name(let name): return name
        case .integer(let digits): return digits
        case .float(let value): return PythonRepr.float(value)
        case .string(let text): return PythonRepr.string(text)
        case .punctuation(let character): return String(character)
        case .end: return "end of line"
        }
    }
}

/// Splits a line into tokens as Python's tokenizer does for the expressions the shell takes: names, integers
/// (decimal, `0x`, `0o`, `0b`, with `_` between digits), floats (`1.5`, `.5`, `1e3`), strings in single or
/// double quotes (`r` for raw) with Python's escapes, and `( ) [ ] { } , : . = - +`. A `#` starts a comment.
struct ShellLexer {
    private let scalars: [Unicode.Scalar]
    private var position = 0

    init(_ line: String) {
        self.scalars = Array(line.unicodeScalars)
    }

    static func tokens(_ line: String) throws(ShellError) -> [ShellToken] {
        var lexer = ShellLexer(line)
        var tokens: [ShellToken] = []
        while true {
            let token = try lexer.next()
            tokens.append(token)
            if token == .end { return tokens }
        }
    }

    private var current: Unicode.Scalar? {
        self.position < self.scalars.count ? self.scalars[self.position] : nil
    }

    private func peek(_ offset: Int) -> Unicode.Scalar? {
        let index = self.position + offset
        return index < self.scalars.count ? self.scalars[index] : nil
    }

    private mutating func next() throws(ShellError) -> ShellToken {
        while let scalar = self.current, scalar == " " || scalar == "\t" {
            self.position += 1
        }
        guard let scalar = self.current else { return .end }
        if scalar == "#" {
            self.position = self.scalars.count
            return .end
        }
        if scalar == "'" || scalar == "\"" {
            return .string(try self.string(raw: false))
        }
        if Self.isNameStart(scalar) {
            var name = ""
            while let c = self.current, Self.isNameStart(c) || ("0"..."9").contains(c) {
                name.unicodeScalars.append(c)
                self.position += 1
            }
            if let quote = self.current, quote == "'" || quote == "\"" {
                switch name.lowercased() {
                case "r": return .string(try self.string(raw: true))
                case "u": return .string(try self.string(raw: false))
                case "b", "br", "rb":
                    throw ShellError(.syntaxError, "bytes literals are not supported: JSON has no bytes")
                default: break
                }
            }
            return .name(name)
        }
        if ("0"..."9").contains(scalar) || (scalar == "." && self.peek(1).map { ("0"..."9").contains($0) } == true) {
            return try self.number()
        }
        if "()[]{},:.=-+".unicodeScalars.contains(scalar) {
            self.position += 1
            return .punctuation(Character(scalar))
        }
        throw ShellError(.syntaxError, "invalid character '\(Character(scalar))'")
    }

    private static func isNameStart(_ scalar: Unicode.Scalar) -> Bool {
        scalar == "_" || scalar.properties.isAlphabetic
    }

    private mutating func number() throws(ShellError) -> ShellToken {
        let start = self.position
        if self.current == "0", let base = self.peek(1), "xXoObB".unicodeScalars.contains(base) {
            self.position += 2
            let radix: Int
            switch base {
            case "x", "X": radix = 16
            case "o", "O": radix = 8
            default: radix = 2
            }
            var digits = ""
            while let c = self.current, c == "_" || Character(c).isHexDigit {
                if c != "_" { digits.unicodeScalars.append(c) }
                self.position += 1
            }
            guard !digits.isEmpty, let decimal = Self.decimal(digits, radix: radix) else {
                throw ShellError(.syntaxError, "invalid number literal")
            }
            return .integer(decimal)
        }
        var text = ""
        var isFloat = false
        func digits(_ lexer: inout ShellLexer, into text: inout String) {
            while let c = lexer.current, ("0"..."9").contains(c) || c == "_" {
                if c != "_" { text.unicodeScalars.append(c) }
                lexer.position += 1
            }
        }
        digits(&self, into: &text)
        if self.current == "." {
            isFloat = true
            text += "."
            self.position += 1
            digits(&self, into: &text)
        }
        if let e = self.current, e == "e" || e == "E" {
            let next = self.peek(1)
            let afterSign = (next == "+" || next == "-") ? self.peek(2) : next
            if let afterSign, ("0"..."9").contains(afterSign) {
                isFloat = true
                text += "e"
                self.position += 1
                if let sign = self.current, sign == "+" || sign == "-" {
                    text.unicodeScalars.append(sign)
                    self.position += 1
                }
                digits(&self, into: &text)
            }
        }
        if let c = self.current, Self.isNameStart(c) {
            throw ShellError(.syntaxError, "invalid decimal literal")
        }
        if isFloat {
            if text.hasPrefix(".") { text = "0" + text }
            if text.hasSuffix(".") { text += "0" }
            guard let value = Double(text) else {
                throw ShellError(.syntaxError, "invalid number literal")
            }
            return .float(value)
        }
        guard !text.isEmpty else {
            self.position = start
            throw ShellError(.syntaxError, "invalid number literal")
        }
        if text.count > 1, text.hasPrefix("0"), text.contains(where: { $0 != "0" }) {
            throw ShellError(
                .syntaxError,
                "leading zeros in decimal integer literals are not permitted; use an 0o prefix for octal integers"
            )
        }
        // Keep the digits: the value may be of any size.
        let trimmed = String(text.drop { $0 == "0" })
        return .integer(trimmed.isEmpty ? "0" : trimmed)
    }

    /// The decimal digits of a number written in another base, of any size.
    static func decimal(_ digits: String, radix: Int) -> String? {
        var result: [UInt8] = [0]  // decimal digits, least significant first
        for character in digits {
            guard let digit = character.hexDigitValue, digit < radix else { return nil }
            var carry = digit
            for index in result.indices {
                let value = Int(result[index]) * radix + carry
                result[index] = UInt8(value % 10)
                carry = value / 10
            }
            while carry > 0 {
                result.append(UInt8(carry % 10))
                carry /= 10
            }
        }
        while result.count > 1, result.last == 0 { result.removeLast() }
        return String(result.reversed().map { Character(String($0)) })
    }

    private mutating func string(raw: Bool) throws(ShellError) -> String {
        guard let quote = self.current else { throw ShellError(.syntaxError, "unterminated string literal") }
        self.position += 1
        var triple = false
        if self.current == quote, self.peek(1) == quote {
            triple = true
            self.position += 2
        } else if self.current == quote {
            self.position += 1
            return ""
        }
        var out = ""
        while true {
            guard let c = self.current else {
                throw ShellError(
                    .syntaxError,
                    triple ? "unterminated triple-quoted string literal" : "unterminated string literal"
                )
            }
            if c == quote {
                if !triple {
                    self.position += 1
                    return out
                }
                if self.peek(1) == quote, self.peek(2) == quote {
                    self.position += 3
                    return out
                }
            }
            if c == "\\" {
                guard let escaped = self.peek(1) else {
                    throw ShellError(.syntaxError, "unterminated string literal")
                }
                if raw {
                    out.unicodeScalars.append(c)
                    out.unicodeScalars.append(escaped)
                    self.position += 2
                    continue
                }
                self.position += 2
                try self.escape(escaped, into: &out)
                continue
            }
            out.unicodeScalars.append(c)
            self.position += 1
        }
    }

    private mutating func escape(_ escaped: Unicode.Scalar, into out: inout String) throws(ShellError) {
        switch escaped {
        case "\\": out += "\\"
        case "'": out += "'"
        case "\"": out += "\""
        case "n": out += "\n"
        case "t": out += "\t"
        case "r": out += "\r"
        case "a": out += "\u{07}"
        case "b": out += "\u{08}"
        case "f": out += "\u{0C}"
        case "v": out += "\u{0B}"
        case "0"..."7":
            var value = Int(escaped.value - 48)
            var count = 1
            while count < 3, let c = self.current, ("0"..."7").contains(c) {
                value = value * 8 + Int(c.value - 48)
                self.position += 1
                count += 1
            }
            out.unicodeScalars.append(Unicode.Scalar(UInt32(value))!)
        case "x", "u", "U":
            let width = escaped == "x" ? 2 : escaped == "u" ? 4 : 8
            var hex = ""
            for _ in 0..<width {
                guard let c = self.current, Character(c).isHexDigit else {
                    throw ShellError(
                        .syntaxError,
                        "(unicode error) truncated \\\(Character(escaped))\(String(repeating: "X", count: width)) escape"
                    )
                }
                hex.unicodeScalars.append(c)
                self.position += 1
            }
            guard let value = UInt32(hex, radix: 16), let scalar = Unicode.Scalar(value) else {
                throw ShellError(.syntaxError, "(unicode error) illegal Unicode character")
            }
            out.unicodeScalars.append(scalar)
        default:
            // Python keeps an unknown escape as it is, backslash included.
            out += "\\"
            out.unicodeScalars.append(escaped)
        }
    }
}
