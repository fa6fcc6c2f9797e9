//===----------------------------------------------------------------------===//
// This source file is part of Enoki. Licensed under Apache License v2.0.
//===----------------------------------------------------------------------===//

/// Why a body is not JSON, worded as Python's `json` module words it (`Expecting value: line 1 column 25
/// (char 24)`), so that logs read the same on both sides.
public struct JSONParseError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What was wrong.
    public var message: String
    /// The byte offset where it was found.
    public var offset: Int

    public var description: String { self.message }
}

/// Parses JSON text into ``JSONValue``, as Python's `json.loads` does: integers stay integers, `NaN` and
/// `Infinity` are accepted, and nesting is limited so that hostile input cannot exhaust the stack.
public enum JSONParser {
    /// Arrays and objects may nest this deep.
    public static let maximumDepth = 512

    /// Parses a whole document; anything but whitespace after the value is an error.
    ///
    /// It takes time in proportion to the text's length, whatever its shape (many keys, repeated keys, long
    /// strings, deep nesting, long numbers), and reads contiguous bytes (a `ByteBuffer`'s view, an array) in place.
    public static func parse(_ bytes: some Collection<UInt8>) throws(JSONParseError) -> JSONValue {
        let parsed: Result<JSONValue, JSONParseError>? = bytes.withContiguousStorageIfAvailable { buffer in
            Result { () throws(JSONParseError) -> JSONValue in try self.parse(buffer: buffer) }
        }
        if let parsed {
            return try parsed.get()
        }
        let array = Array(bytes)
        return try array.withUnsafeBufferPointer { (buffer) throws(JSONParseError) -> JSONValue in
            try self.parse(buffer: buffer)
        }
    }

    private static func parse(buffer: UnsafeBufferPointer<UInt8>) throws(JSONParseError) -> JSONValue {
        var parser = Parser(bytes: buffer)
        parser.skipWhitespace()
        let value = try parser.parseValue(depth: 0)
        parser.skipWhitespace()
        guard parser.index == buffer.count else {
            throw parser.error("Extra data")
        }
        return value
    }

    /// Parses a string.
    public static func parse(_ string: String) throws(JSONParseError) -> JSONValue {
        try self.parse(Array(string.utf8))
    }

    private struct Parser {
        let bytes: UnsafeBufferPointer<UInt8>
        var index = 0

        init(bytes: UnsafeBufferPointer<UInt8>) {
            self.bytes = bytes
        }

        func error(_ what: String) -> JSONParseError {
            var line = 1
            var lineStart = 0
            for position in 0..<min(self.index, self.bytes.count) where self.bytes[position] == UInt8(ascii: "\n") {
                line += 1
                lineStart = position + 1
            }
            return JSONParseError(
                message: "\(what): line \(line) column \(self.index - lineStart + 1) (char \(self.index))",
                offset: self.index
            )
        }

        mutating func skipWhitespace() {
            while self.index < self.bytes.count {
                switch self.bytes[self.index] {
                case 0x20, 0x09, 0x0A, 0x0D: self.index += 1
                default: return
                }
            }
        }

        func peek() -> UInt8? {
            self.index < self.bytes.count ? self.bytes[self.index] : nil
        }

        mutating func consume(_ literal: StaticString) -> Bool {
            let count = literal.utf8CodeUnitCount
            guard self.index + count <= self.bytes.count else { return false }
            let start = literal.utf8Start
            for offset in 0..<count where self.bytes[self.index + offset] != start[offset] {
                return false
            }
            self.index += count
            return true
        }

        mutating func parseValue(depth: Int) throws(JSONParseError) -> JSONValue {
            guard let byte = self.peek() else {
                throw self.error("Expecting value")
            }
            switch byte {
            case UInt8(ascii: "{"):
                return try self.parseObject(depth: depth + 1)
            case UInt8(ascii: "["):
                return try self.parseArray(depth: depth + 1)
            case UInt8(ascii: "\""):
                return .string(try self.parseString())
            case UInt8(ascii: "t"):
                if self.consume("true") { return .bool(true) }
            case UInt8(ascii: "f"):
                if self.consume("false") { return .bool(false) }
            case UInt8(ascii: "n"):
                if self.consume("null") { return .null }
            case UInt8(ascii: "N"):
                if self.consume("NaN") { return .double(.nan) }
            case UInt8(ascii: "I"):
                if self.consume("Infinity") { return .double(.infinity) }
            case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
                if byte == UInt8(ascii: "-"), self.consume("-Infinity") { return .double(-.infinity) }
                return try self.parseNumber()
            default:
                break
            }
            throw self.error("Expecting value")
        }

        mutating func parseObject(depth: Int) throws(JSONParseError) -> JSONValue {
            guard depth <= JSONParser.maximumDepth else { throw self.error("Nesting too deep") }
            self.index += 1
            var object = JSONObject()
            self.skipWhitespace()
            if self.peek() == UInt8(ascii: "}") {
                self.index += 1
                return .object(object)
            }
            while true {
                self.skipWhitespace()
                guard self.peek() == UInt8(ascii: "\"") else {
                    throw self.error("Expecting property name enclosed in double quotes")
                }
                let key = try self.parseString()
                self.skipWhitespace()
                guard self.peek() == UInt8(ascii: ":") else { throw self.error("Expecting ':' delimiter") }
                self.index += 1
                self.skipWhitespace()
                let value = try self.parseValue(depth: depth)
                // Python keeps the last value of a repeated key (at the key's first position, as a dict does).
                object[key] = value
                self.skipWhitespace()
                switch self.peek() {
                case UInt8(ascii: ","):
                    self.index += 1
                case UInt8(ascii: "}"):
                    self.index += 1
                    return .object(object)
                default:
                    throw self.error("Expecting ',' delimiter")
                }
            }
        }

        mutating func parseArray(depth: Int) throws(JSONParseError) -> JSONValue {
            guard depth <= JSONParser.maximumDepth else { throw self.error("Nesting too deep") }
            self.index += 1
            var elements: [JSONValue] = []
            self.skipWhitespace()
            if self.peek() == UInt8(ascii: "]") {
                self.index += 1
                return .array(elements)
            }
            while true {
                self.skipWhitespace()
                elements.append(try self.parseValue(depth: depth))
                self.skipWhitespace()
                switch self.peek() {
                case UInt8(ascii: ","):
                    self.index += 1
                case UInt8(ascii: "]"):
                    self.index += 1
                    return .array(elements)
                default:
                    throw self.error("Expecting ',' delimiter")
                }
            }
        }

        mutating func parseNumber() throws(JSONParseError) -> JSONValue {
            let start = self.index
            var isInteger = true
            if self.peek() == UInt8(ascii: "-") { self.index += 1 }
            guard let first = self.peek(), (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(first) else {
                self.index = start
                throw self.error("Expecting value")
            }
            if first == UInt8(ascii: "0") {
                self.index += 1
            } else {
                while let byte = self.peek(), (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) { self.index += 1 }
            }
            if self.peek() == UInt8(ascii: "."),
                self.index + 1 < self.bytes.count,
                (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(self.bytes[self.index + 1])
            {
                isInteger = false
                self.index += 1
                while let byte = self.peek(), (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) { self.index += 1 }
            }
            if let byte = self.peek(), byte == UInt8(ascii: "e") || byte == UInt8(ascii: "E") {
                let mark = self.index
                self.index += 1
                if let sign = self.peek(), sign == UInt8(ascii: "+") || sign == UInt8(ascii: "-") { self.index += 1 }
                if let digit = self.peek(), (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(digit) {
                    isInteger = false
                    while let byte = self.peek(), (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) {
                        self.index += 1
                    }
                } else {
                    self.index = mark
                }
            }
            let text = String(decoding: UnsafeBufferPointer(rebasing: self.bytes[start..<self.index]), as: UTF8.self)
            if isInteger {
                if let value = Int(text) { return .int(value) }
                return .bigInteger(text)
            }
            guard let value = Double(text) else {
                throw self.error("Expecting value")
            }
            return .double(value)
        }

        mutating func parseString() throws(JSONParseError) -> String {
            let quote = self.index
            self.index += 1
            let start = self.index
            // Fast path: no escapes. ASCII needs no validation, and skipping the generic validator matters for
            // the short strings of every message.
            var highBits: UInt8 = 0
            while self.index < self.bytes.count {
                let byte = self.bytes[self.index]
                if byte == UInt8(ascii: "\"") {
                    let slice = UnsafeBufferPointer(rebasing: self.bytes[start..<self.index])
                    self.index += 1
                    if highBits & 0x80 == 0 {
                        return String(decoding: slice, as: UTF8.self)
                    }
                    guard let string = String(validating: slice, as: UTF8.self) else {
                        throw self.error("Invalid UTF-8 in string")
                    }
                    return string
                }
                if byte == UInt8(ascii: "\\") || byte < 0x20 { break }
                highBits |= byte
                self.index += 1
            }
            var scalars: [UInt8] = Array(UnsafeBufferPointer(rebasing: self.bytes[start..<self.index]))
            while self.index < self.bytes.count {
                let byte = self.bytes[self.index]
                switch byte {
                case UInt8(ascii: "\""):
                    self.index += 1
                    guard let string = String(validating: scalars, as: UTF8.self) else {
                        throw self.error("Invalid UTF-8 in string")
                    }
                    return string
                case UInt8(ascii: "\\"):
                    self.index += 1
                    guard let escape = self.peek() else { break }
                    self.index += 1
                    switch escape {
                    case UInt8(ascii: "\""): scalars.append(UInt8(ascii: "\""))
                    case UInt8(ascii: "\\"): scalars.append(UInt8(ascii: "\\"))
                    case UInt8(ascii: "/"): scalars.append(UInt8(ascii: "/"))
                    case UInt8(ascii: "b"): scalars.append(0x08)
                    case UInt8(ascii: "f"): scalars.append(0x0C)
                    case UInt8(ascii: "n"): scalars.append(0x0A)
                    case UInt8(ascii: "r"): scalars.append(0x0D)
                    case UInt8(ascii: "t"): scalars.append(0x09)
                    case UInt8(ascii: "u"):
                        var code = try self.parseHex4()
                        if (0xD800...0xDBFF).contains(code), self.consume("\\u") {
                            let low = try self.parseHex4()
                            if (0xDC00...0xDFFF).contains(low) {
                                code = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00)
                            } else {
                                Self.appendUTF8(0xFFFD, to: &scalars)
                                code = low
                            }
                        }
                        Self.appendUTF8(UnicodeScalar(code).map { $0.value } ?? 0xFFFD, to: &scalars)
                    default:
                        self.index -= 1
                        throw self.error("Invalid \\escape")
                    }
                default:
                    if byte < 0x20 {
                        throw self.error("Invalid control character at")
                    }
                    scalars.append(byte)
                    self.index += 1
                }
            }
            self.index = quote
            throw self.error("Unterminated string starting at")
        }

        mutating func parseHex4() throws(JSONParseError) -> UInt32 {
            guard self.index + 4 <= self.bytes.count else { throw self.error("Invalid \\uXXXX escape") }
            var value: UInt32 = 0
            for _ in 0..<4 {
                let byte = self.bytes[self.index]
                let digit: UInt32
                switch byte {
                case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = UInt32(byte - UInt8(ascii: "0"))
                case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = UInt32(byte - UInt8(ascii: "a") + 10)
                case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = UInt32(byte - UInt8(ascii: "A") + 10)
                default: throw self.error("Invalid \\uXXXX escape")
                }
                value = value << 4 | digit
                self.index += 1
            }
            return value
        }

        static func appendUTF8(_ value: UInt32, to bytes: inout [UInt8]) {
            let scalar = UnicodeScalar(value) ?? "\u{FFFD}"
            for unit in UTF8.encode(scalar)! {
                bytes.append(unit)
            }
        }
    }
}
