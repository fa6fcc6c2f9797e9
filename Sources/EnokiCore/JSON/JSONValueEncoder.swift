//===----------------------------------------------------------------------===//
// This source file is part of Enoki. Licensed under Apache License v2.0.
//===----------------------------------------------------------------------===//

import FoundationEssentials

/// A value that cannot be written as JSON, such as a float key or an `Encodable` that encodes nothing.
public struct JSONValueEncodingError: Error, Sendable, CustomStringConvertible {
    /// What was wrong.
    public var message: String
    public var description: String { self.message }
}

/// Encodes `Encodable` values into ``JSONValue``.
///
/// `Date`, `Decimal`, `UUID` and `Data` are written as kombu envelopes, which Python Nameko (with kombu 5.3 or
/// later) turns back into `datetime`, `Decimal`, `UUID` and `bytes`. ``JSONValue`` itself is written as it is.
public struct JSONValueEncoder: Sendable {
    /// Creates an encoder.
    public init() {}

    /// Encodes a value.
    public func encode<T: Encodable>(_ value: T) throws -> JSONValue {
        try Self.encodeValue(value, path: [])
    }

    static func encodeValue<T: Encodable>(_ value: T, path: [any CodingKey]) throws -> JSONValue {
        if let special = try self.encodeSpecial(value) {
            return special
        }
        let encoder = ValueEncoder(codingPath: path)
        try value.encode(to: encoder)
        guard let result = encoder.storage.value else {
            throw JSONValueEncodingError(message: "\(T.self) encoded no value")
        }
        return result.resolved
    }

    static func encodeSpecial(_ value: Any) throws -> JSONValue? {
        switch value {
        case let json as JSONValue:
            return json
        case let date as Date:
            guard let text = KombuEnvelope.formatDate(date) else {
                throw JSONValueEncodingError(
                    message:
                        "the date \(date.timeIntervalSince1970) s after 1970 is outside what Python's datetime holds"
                )
            }
            return KombuEnvelope.wrap("datetime", .string(text))
        case let decimal as Decimal:
            return KombuEnvelope.wrap("decimal", .string("\(decimal)"))
        case let uuid as UUID:
            let hex = uuid.uuidString.lowercased().replacing("-", with: "")
            return KombuEnvelope.wrap("uuid", .object(["hex": .string(hex)]))
        case let data as Data:
            if let text = String(validating: data, as: UTF8.self) {
                return KombuEnvelope.wrap("bytes", .string(text))
            }
            return KombuEnvelope.wrap("base64", .string(data.base64EncodedString()))
        default:
            return nil
        }
    }
}

/// A value being built: containers are filled in place, so they are reference types until resolved.
///
/// Appending an element or a member takes constant time (a container's storage is mutated where it is, never
/// copied), so that encoding a large array or dictionary costs time in proportion to its size.
final class EncodedNode {
    enum Kind {
        case value
        case array
        case object
    }

    let kind: Kind
    private(set) var value: JSONValue = .null
    private(set) var elements: [EncodedNode] = []
    private(set) var members: [(key: String, node: EncodedNode)] = []
    /// Each key's position in `members`, once there are enough of them to make searching costly.
    private var positions: [String: Int]?

    init(_ value: JSONValue) {
        self.kind = .value
        self.value = value
    }

    init(_ kind: Kind) {
        self.kind = kind
    }

    func append(_ element: EncodedNode) {
        self.elements.append(element)
    }

    var elementCount: Int { self.elements.count }

    /// Sets a member; a key encoded twice keeps its last value, at its first position.
    func set(_ key: String, _ node: EncodedNode) {
        if let positions = self.positions {
            if let position = positions[key] {
                self.members[position].node = node
            } else {
                self.positions![key] = self.members.count
                self.members.append((key, node))
            }
            return
        }
        if let position = self.members.firstIndex(where: { $0.key == key }) {
            self.members[position].node = node
            return
        }
        self.members.append((key, node))
        if self.members.count >= JSONObject.indexedCount {
            var positions: [String: Int] = [:]
            for (position, member) in self.members.enumerated() {
                positions[member.key] = position
            }
            self.positions = positions
        }
    }

    var resolved: JSONValue {
        switch self.kind {
        case .value: return self.value
        case .array: return .array(self.elements.map(\.resolved))
        case .object: return .object(JSONObject(self.members.map { ($0.key, $0.node.resolved) }))
        }
    }
}

final class EncoderStorage {
    var value: EncodedNode?
}

struct ValueEncoder: Encoder {
    let codingPath: [any CodingKey]
    let storage = EncoderStorage()
    var userInfo: [CodingUserInfoKey: Any] { [:] }

    init(codingPath: [any CodingKey]) {
        self.codingPath = codingPath
    }

    func container<Key: CodingKey>(keyedBy type: Key.Type) -> KeyedEncodingContainer<Key> {
        let node: EncodedNode
        if let existing = self.storage.value, existing.kind == .object {
            node = existing
        } else {
            node = EncodedNode(.object)
            self.storage.value = node
        }
        return KeyedEncodingContainer(KeyedContainer<Key>(node: node, codingPath: self.codingPath))
    }

    func unkeyedContainer() -> any UnkeyedEncodingContainer {
        let node: EncodedNode
        if let existing = self.storage.value, existing.kind == .array {
            node = existing
        } else {
            node = EncodedNode(.array)
            self.storage.value = node
        }
        return UnkeyedContainer(node: node, codingPath: self.codingPath)
    }

    func singleValueContainer() -> any SingleValueEncodingContainer {
        SingleContainer(storage: self.storage, codingPath: self.codingPath)
    }
}

private func encodeNode<T: Encodable>(_ value: T, path: [any CodingKey]) throws -> EncodedNode {
    if let special = try JSONValueEncoder.encodeSpecial(value) {
        return EncodedNode(special)
    }
    let encoder = ValueEncoder(codingPath: path)
    try value.encode(to: encoder)
    return encoder.storage.value ?? EncodedNode(.object)
}

private struct KeyedContainer<Key: CodingKey>: KeyedEncodingContainerProtocol {
    let node: EncodedNode
    let codingPath: [any CodingKey]

    func append(_ key: Key, _ child: EncodedNode) {
        self.node.set(key.stringValue, child)
    }

    func encodeNil(forKey key: Key) throws { self.append(key, EncodedNode(JSONValue.null)) }

    func encode<T: Encodable>(_ value: T, forKey key: Key) throws {
        self.append(key, try encodeNode(value, path: self.codingPath + [key]))
    }

    func nestedContainer<NestedKey: CodingKey>(
        keyedBy keyType: NestedKey.Type,
        forKey key: Key
    )
        -> KeyedEncodingContainer<NestedKey>
    {
        let child = EncodedNode(.object)
        self.append(key, child)
        return KeyedEncodingContainer(KeyedContainer<NestedKey>(node: child, codingPath: self.codingPath + [key]))
    }

    func nestedUnkeyedContainer(forKey key: Key) -> any UnkeyedEncodingContainer {
        let child = EncodedNode(.array)
        self.append(key, child)
        return UnkeyedContainer(node: child, codingPath: self.codingPath + [key])
    }

    func superEncoder() -> any Encoder { self.superEncoder(forKey: Key(stringValue: "super")!) }

    func superEncoder(forKey key: Key) -> any Encoder {
        let encoder = ValueEncoder(codingPath: self.codingPath + [key])
        let child = EncodedNode(.object)
        encoder.storage.value = child
        self.append(key, child)
        return encoder
    }
}

private struct UnkeyedContainer: UnkeyedEncodingContainer {
    let node: EncodedNode
    let codingPath: [any CodingKey]

    var count: Int { self.node.elementCount }

    func append(_ child: EncodedNode) {
        self.node.append(child)
    }

    func encodeNil() throws { self.append(EncodedNode(JSONValue.null)) }

    func encode<T: Encodable>(_ value: T) throws {
        self.append(try encodeNode(value, path: self.codingPath + [IndexKey(self.count)]))
    }

    func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type) -> KeyedEncodingContainer<NestedKey> {
        let child = EncodedNode(.object)
        self.append(child)
        return KeyedEncodingContainer(KeyedContainer<NestedKey>(node: child, codingPath: self.codingPath))
    }

    func nestedUnkeyedContainer() -> any UnkeyedEncodingContainer {
        let child = EncodedNode(.array)
        self.append(child)
        return UnkeyedContainer(node: child, codingPath: self.codingPath)
    }

    func superEncoder() -> any Encoder {
        let encoder = ValueEncoder(codingPath: self.codingPath)
        let child = EncodedNode(.object)
        encoder.storage.value = child
        self.append(child)
        return encoder
    }
}

private struct SingleContainer: SingleValueEncodingContainer {
    let storage: EncoderStorage
    let codingPath: [any CodingKey]

    func set(_ value: JSONValue) { self.storage.value = EncodedNode(value) }

    func encodeNil() throws { self.set(.null) }
    func encode(_ value: Bool) throws { self.set(.bool(value)) }
    func encode(_ value: String) throws { self.set(.string(value)) }
    func encode(_ value: Double) throws { self.set(.double(value)) }
    func encode(_ value: Float) throws { self.set(.double(Double(value))) }
    func encode(_ value: Int) throws { self.set(.int(value)) }
    func encode(_ value: Int8) throws { self.set(.int(Int(value))) }
    func encode(_ value: Int16) throws { self.set(.int(Int(value))) }
    func encode(_ value: Int32) throws { self.set(.int(Int(value))) }
    func encode(_ value: Int64) throws { self.set(.int(Int(value))) }
    func encode(_ value: UInt) throws { self.set(Int(exactly: value).map { .int($0) } ?? .bigInteger(String(value))) }
    func encode(_ value: UInt8) throws { self.set(.int(Int(value))) }
    func encode(_ value: UInt16) throws { self.set(.int(Int(value))) }
    func encode(_ value: UInt32) throws { self.set(.int(Int(value))) }
    func encode(_ value: UInt64) throws { self.set(Int(exactly: value).map { .int($0) } ?? .bigInteger(String(value))) }

    func encode<T: Encodable>(_ value: T) throws {
        self.storage.value = try encodeNode(value, path: self.codingPath)
    }
}

extension JSONValue: Codable {
    public init(from decoder: any Decoder) throws {
        if let decoder = decoder as? ValueDecoder {
            self = decoder.value
            return
        }
        let container = try decoder.singleValueContainer()
        if container.decodeNil() {
            self = .null
        } else if let value = try? container.decode(Bool.self) {
            self = .bool(value)
        } else if let value = try? container.decode(Int.self) {
            self = .int(value)
        } else if let value = try? container.decode(Double.self) {
            self = .double(value)
        } else if let value = try? container.decode(String.self) {
            self = .string(value)
        } else if let value = try? container.decode([JSONValue].self) {
            self = .array(value)
        } else {
            let dictionary = try container.decode([String: JSONValue].self)
            self = .object(JSONObject(dictionary.sorted { $0.key < $1.key }.map { ($0.key, $0.value) }))
        }
    }

    public func encode(to encoder: any Encoder) throws {
        if let encoder = encoder as? ValueEncoder {
            encoder.storage.value = EncodedNode(self)
            return
        }
        var container = encoder.singleValueContainer()
        switch self {
        case .null: try container.encodeNil()
        case .bool(let value): try container.encode(value)
        case .int(let value): try container.encode(value)
        case .bigInteger(let digits): try container.encode(digits)
        case .double(let value): try container.encode(value)
        case .string(let value): try container.encode(value)
        case .array(let value): try container.encode(value)
        case .object(let object):
            var dictionary: [String: JSONValue] = [:]
            for member in object.members { dictionary[member.key] = member.value }
            try container.encode(dictionary)
        }
    }
}
