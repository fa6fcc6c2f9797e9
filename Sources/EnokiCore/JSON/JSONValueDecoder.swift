//===----------------------------------------------------------------------===//
// This source file is part of Enoki. Licensed under Apache License v2.0.
//===----------------------------------------------------------------------===//

import FoundationEssentials

/// A value that does not have the type a `Decodable` expects, described with Python's type names so that a
/// Python caller understands it: `must be str, not int`.
public struct JSONValueDecodingError: Error, Sendable, CustomStringConvertible {
    /// Where in the value: `kwargs.user.name`, `[2]`.
    public var path: String
    /// What was expected, as a Python type name (`str`, `int`, `float`, `bool`, `list`, `dict`) or a description.
    public var expected: String
    /// What was found, as a Python type name, or a description of the problem.
    public var found: String

    public var description: String {
        self.path.isEmpty
            ? "must be \(self.expected), not \(self.found)" : "\(self.path) must be \(self.expected), not \(self.found)"
    }
}

/// Decodes `Decodable` values from ``JSONValue``.
///
/// Integers decode into integer types and floats; floats never decode into integers. kombu envelopes and ISO
/// strings decode into `Date`; envelopes and strings into `UUID` and `Decimal`; `bytes`/`base64` envelopes and
/// base64 strings into `Data`. ``JSONValue`` itself decodes as it is.
public struct JSONValueDecoder: Sendable {
    /// Creates a decoder.
    public init() {}

    /// Decodes a value.
    ///
    /// - Throws: ``JSONValueDecodingError`` when the value does not fit the type.
    public func decode<T: Decodable>(_ type: T.Type = T.self, from value: JSONValue) throws -> T {
        do {
            return try Self.decodeValue(type, from: value, path: [])
        } catch let error as DecodingError {
            throw Self.translate(error)
        }
    }

    static func decodeValue<T: Decodable>(_ type: T.Type, from value: JSONValue, path: [any CodingKey]) throws -> T {
        if let special = try self.decodeSpecial(type, from: value, path: path) {
            return special
        }
        return try T(from: ValueDecoder(value: value, codingPath: path))
    }

    /// Types that do not decode through their own `init(from:)` here.
    static func decodeSpecial<T>(_ type: T.Type, from value: JSONValue, path: [any CodingKey]) throws -> T? {
        if T.self == JSONValue.self {
            return (value as! T)
        }
        if T.self == Date.self {
            var source = value
            if let (kind, inner) = KombuEnvelope.unwrap(value), kind == "datetime" || kind == "date" {
                source = inner
            }
            switch source {
            case .string(let text):
                if let date = KombuEnvelope.parseDate(text) { return (date as! T) }
            case .int(let seconds) where KombuEnvelope.datetimeRange.contains(Double(seconds)):
                return (Date(timeIntervalSince1970: Double(seconds)) as! T)
            case .double(let seconds) where KombuEnvelope.datetimeRange.contains(seconds):
                return (Date(timeIntervalSince1970: seconds) as! T)
            default:
                break
            }
            throw JSONValueDecodingError(path: self.describe(path), expected: "datetime", found: value.pythonTypeName)
        }
        if T.self == UUID.self {
            var source = value
            if let (kind, inner) = KombuEnvelope.unwrap(value), kind == "uuid" {
                source = inner["hex"] ?? inner
            }
            if case .string(let text) = source, let uuid = self.parseUUID(text) {
                return (uuid as! T)
            }
            throw JSONValueDecodingError(path: self.describe(path), expected: "UUID", found: value.pythonTypeName)
        }
        if T.self == Decimal.self {
            var source = value
            if let (kind, inner) = KombuEnvelope.unwrap(value), kind == "decimal" {
                source = inner
            }
            // Through text: `Decimal(Double)` traps on the infinities and turns large and tiny numbers into NaN.
            switch source {
            case .string(let text):
                if let decimal = self.parseDecimal(text) { return (decimal as! T) }
            case .int(let number):
                return (Decimal(number) as! T)
            case .double(let number):
                if let decimal = self.parseDecimal(JSONWriter.format(number)) { return (decimal as! T) }
            case .bigInteger(let digits):
                if let decimal = self.parseDecimal(digits) { return (decimal as! T) }
            default:
                break
            }
            throw JSONValueDecodingError(path: self.describe(path), expected: "Decimal", found: value.pythonTypeName)
        }
        if T.self == Data.self {
            if let (kind, inner) = KombuEnvelope.unwrap(value), case .string(let text) = inner {
                if kind == "bytes" { return (Data(text.utf8) as! T) }
                if kind == "base64", let data = Data(base64Encoded: text) { return (data as! T) }
            }
            if case .string(let text) = value, let data = Data(base64Encoded: text) {
                return (data as! T)
            }
            throw JSONValueDecodingError(path: self.describe(path), expected: "bytes", found: value.pythonTypeName)
        }
        return nil
    }

    /// A decimal from its text as Python writes it: digits with an optional point and exponent, or `NaN`
    /// (Python's `Decimal('NaN')`); `nil` for what `Decimal` cannot hold (the infinities, numbers beyond about
    /// 10^165) and for text that is not a number.
    static func parseDecimal(_ text: String) -> Decimal? {
        switch text.lowercased() {
        case "nan", "-nan", "snan", "-snan":
            return .nan
        case "inf", "-inf", "infinity", "-infinity", "+inf", "+infinity":
            return nil
        default:
            break
        }
        guard text.utf8.count <= 400,
            text.utf8.allSatisfy({ (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) || "+-.eE".utf8.contains($0) })
        else { return nil }
        guard let decimal = Decimal(string: text), !decimal.isNaN else { return nil }
        return decimal
    }

    static func parseUUID(_ text: String) -> UUID? {
        if let uuid = UUID(uuidString: text) { return uuid }
        // kombu sends the 32 hex digits without dashes.
        guard text.count == 32 else { return nil }
        let chars = Array(text)
        let dashed =
            String(chars[0..<8]) + "-" + String(chars[8..<12]) + "-" + String(chars[12..<16]) + "-"
            + String(chars[16..<20]) + "-" + String(chars[20..<32])
        return UUID(uuidString: dashed)
    }

    static func describe(_ path: [any CodingKey]) -> String {
        var text = ""
        for key in path {
            if let index = key.intValue {
                text += "[\(index)]"
            } else {
                text += text.isEmpty ? key.stringValue : ".\(key.stringValue)"
            }
        }
        return text
    }

    static func translate(_ error: DecodingError) -> JSONValueDecodingError {
        switch error {
        case .typeMismatch(let type, let context):
            return JSONValueDecodingError(
                path: self.describe(context.codingPath),
                expected: self.pythonName(of: type),
                found: context.debugDescription
            )
        case .valueNotFound(let type, let context):
            return JSONValueDecodingError(
                path: self.describe(context.codingPath),
                expected: self.pythonName(of: type),
                found: "None"
            )
        case .keyNotFound(let key, let context):
            return JSONValueDecodingError(
                path: self.describe(context.codingPath + [key]),
                expected: "present",
                found: "missing"
            )
        case .dataCorrupted(let context):
            return JSONValueDecodingError(
                path: self.describe(context.codingPath),
                expected: "valid",
                found: context.debugDescription
            )
        @unknown default:
            return JSONValueDecodingError(path: "", expected: "valid", found: "\(error)")
        }
    }

    /// The Python name of the JSON type a Swift type decodes from.
    public static func pythonName(of type: Any.Type) -> String {
        switch type {
        case is String.Type, is Substring.Type, is Character.Type: return "str"
        case is Bool.Type: return "bool"
        case is any BinaryInteger.Type: return "int"
        case is any BinaryFloatingPoint.Type: return "float"
        case is Date.Type: return "datetime"
        case is Decimal.Type: return "Decimal"
        case is UUID.Type: return "UUID"
        case is Data.Type: return "bytes"
        default:
            let name = String(describing: type)
            if name.hasPrefix("Array<") || name.hasPrefix("Set<") || name.hasPrefix("[") { return "list" }
            if name.hasPrefix("Optional<") { return "value or None" }
            return "dict"
        }
    }
}

/// The `Decoder` behind ``JSONValueDecoder``.
struct ValueDecoder: Decoder {
    let value: JSONValue
    let codingPath: [any CodingKey]
    var userInfo: [CodingUserInfoKey: Any] { [:] }

    func container<Key: CodingKey>(keyedBy type: Key.Type) throws -> KeyedDecodingContainer<Key> {
        guard case .object(let object) = self.value else {
            throw self.mismatch(expected: "dict", type: [String: Any].self)
        }
        return KeyedDecodingContainer(KeyedContainer<Key>(object: object, codingPath: self.codingPath))
    }

    func unkeyedContainer() throws -> any UnkeyedDecodingContainer {
        guard case .array(let elements) = self.value else {
            throw self.mismatch(expected: "list", type: [Any].self)
        }
        return UnkeyedContainer(elements: elements, codingPath: self.codingPath)
    }

    func singleValueContainer() throws -> any SingleValueDecodingContainer {
        SingleContainer(value: self.value, codingPath: self.codingPath)
    }

    func mismatch(expected: String, type: Any.Type) -> DecodingError {
        DecodingError.typeMismatch(
            type,
            DecodingError.Context(codingPath: self.codingPath, debugDescription: self.value.pythonTypeName)
        )
    }
}

struct IndexKey: CodingKey {
    var stringValue: String { "\(self.intValue!)" }
    var intValue: Int?
    init(_ index: Int) { self.intValue = index }
    init?(stringValue: String) { nil }
    init?(intValue: Int) { self.intValue = intValue }
}

private struct KeyedContainer<Key: CodingKey>: KeyedDecodingContainerProtocol {
    let object: JSONObject
    let codingPath: [any CodingKey]

    var allKeys: [Key] { self.object.keys.compactMap { Key(stringValue: $0) } }

    func contains(_ key: Key) -> Bool { self.object[key.stringValue] != nil }

    func value(_ key: Key) throws -> JSONValue {
        guard let value = self.object[key.stringValue] else {
            throw DecodingError.keyNotFound(key, .init(codingPath: self.codingPath, debugDescription: "missing"))
        }
        return value
    }

    func decodeNil(forKey key: Key) throws -> Bool {
        (self.object[key.stringValue] ?? .null).isNull
    }

    func decode<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> T {
        try JSONValueDecoder.decodeValue(type, from: try self.value(key), path: self.codingPath + [key])
    }

    func nestedContainer<NestedKey: CodingKey>(
        keyedBy type: NestedKey.Type,
        forKey key: Key
    ) throws
        -> KeyedDecodingContainer<NestedKey>
    {
        try ValueDecoder(value: try self.value(key), codingPath: self.codingPath + [key]).container(keyedBy: type)
    }

    func nestedUnkeyedContainer(forKey key: Key) throws -> any UnkeyedDecodingContainer {
        try ValueDecoder(value: try self.value(key), codingPath: self.codingPath + [key]).unkeyedContainer()
    }

    func superDecoder() throws -> any Decoder {
        ValueDecoder(value: .object(self.object), codingPath: self.codingPath)
    }

    func superDecoder(forKey key: Key) throws -> any Decoder {
        ValueDecoder(value: try self.value(key), codingPath: self.codingPath + [key])
    }
}

private struct UnkeyedContainer: UnkeyedDecodingContainer {
    let elements: [JSONValue]
    let codingPath: [any CodingKey]
    var currentIndex = 0

    init(elements: [JSONValue], codingPath: [any CodingKey]) {
        self.elements = elements
        self.codingPath = codingPath
    }

    var count: Int? { self.elements.count }
    var isAtEnd: Bool { self.currentIndex >= self.elements.count }

    mutating func next() throws -> (JSONValue, [any CodingKey]) {
        guard !self.isAtEnd else {
            throw DecodingError.valueNotFound(
                JSONValue.self,
                .init(codingPath: self.codingPath + [IndexKey(self.currentIndex)], debugDescription: "end of list")
            )
        }
        defer { self.currentIndex += 1 }
        return (self.elements[self.currentIndex], self.codingPath + [IndexKey(self.currentIndex)])
    }

    mutating func decodeNil() throws -> Bool {
        guard !self.isAtEnd, self.elements[self.currentIndex].isNull else { return false }
        self.currentIndex += 1
        return true
    }

    mutating func decode<T: Decodable>(_ type: T.Type) throws -> T {
        let (value, path) = try self.next()
        return try JSONValueDecoder.decodeValue(type, from: value, path: path)
    }

    mutating func nestedContainer<NestedKey: CodingKey>(
        keyedBy type: NestedKey.Type
    ) throws
        -> KeyedDecodingContainer<NestedKey>
    {
        let (value, path) = try self.next()
        return try ValueDecoder(value: value, codingPath: path).container(keyedBy: type)
    }

    mutating func nestedUnkeyedContainer() throws -> any UnkeyedDecodingContainer {
        let (value, path) = try self.next()
        return try ValueDecoder(value: value, codingPath: path).unkeyedContainer()
    }

    mutating func superDecoder() throws -> any Decoder {
        let (value, path) = try self.next()
        return ValueDecoder(value: value, codingPath: path)
    }
}

private struct SingleContainer: SingleValueDecodingContainer {
    let value: JSONValue
    let codingPath: [any CodingKey]

    func mismatch(_ type: Any.Type) -> DecodingError {
        DecodingError.typeMismatch(
            type,
            .init(codingPath: self.codingPath, debugDescription: self.value.pythonTypeName)
        )
    }

    func decodeNil() -> Bool { self.value.isNull }

    func decode(_ type: Bool.Type) throws -> Bool {
        guard case .bool(let value) = self.value else { throw self.mismatch(type) }
        return value
    }

    func decode(_ type: String.Type) throws -> String {
        guard case .string(let value) = self.value else { throw self.mismatch(type) }
        return value
    }

    func decode(_ type: Double.Type) throws -> Double {
        switch self.value {
        case .double(let value): return value
        case .int(let value): return Double(value)
        case .bigInteger(let digits): return Double(digits) ?? .nan
        default: throw self.mismatch(type)
        }
    }

    func decode(_ type: Float.Type) throws -> Float { Float(try self.decode(Double.self)) }

    func integer<I: FixedWidthInteger>(_ type: I.Type) throws -> I {
        switch self.value {
        case .int(let value):
            guard let exact = I(exactly: value) else {
                throw DecodingError.dataCorrupted(
                    .init(codingPath: self.codingPath, debugDescription: "\(value) is out of range for \(type)")
                )
            }
            return exact
        case .bigInteger(let digits):
            guard let exact = I(digits) else {
                throw DecodingError.dataCorrupted(
                    .init(codingPath: self.codingPath, debugDescription: "\(digits) is out of range for \(type)")
                )
            }
            return exact
        default:
            throw self.mismatch(type)
        }
    }

    func decode(_ type: Int.Type) throws -> Int { try self.integer(type) }
    func decode(_ type: Int8.Type) throws -> Int8 { try self.integer(type) }
    func decode(_ type: Int16.Type) throws -> Int16 { try self.integer(type) }
    func decode(_ type: Int32.Type) throws -> Int32 { try self.integer(type) }
    func decode(_ type: Int64.Type) throws -> Int64 { try self.integer(type) }
    func decode(_ type: UInt.Type) throws -> UInt { try self.integer(type) }
    func decode(_ type: UInt8.Type) throws -> UInt8 { try self.integer(type) }
    func decode(_ type: UInt16.Type) throws -> UInt16 { try self.integer(type) }
    func decode(_ type: UInt32.Type) throws -> UInt32 { try self.integer(type) }
    func decode(_ type: UInt64.Type) throws -> UInt64 { try self.integer(type) }

    func decode<T: Decodable>(_ type: T.Type) throws -> T {
        try JSONValueDecoder.decodeValue(type, from: self.value, path: self.codingPath)
    }
}
