//===----------------------------------------------------------------------===//
// This source file is part of Enoki. Licensed under Apache License v2.0.
//===----------------------------------------------------------------------===//

import EnokiCore
import Foundation
public import OpenAPIKit

/// A type that gives its own OpenAPI schema, where the one EnokiHTTP reads from its `Decodable` conformance is not
/// what it wants (a type that decodes by hand, a string with a format).
public protocol OpenAPISchemaDescribing {
    /// The type's schema.
    static var openAPISchema: JSONSchema { get }
}

/// The JSON schema of a Swift type, read by decoding a value of it from a decoder that records what it is asked
/// for: the keys of a keyed container, with their types; the element type of an array; a single value's type.
///
/// Types that are not `Decodable` get an empty schema (any value). Recursive types stop at a depth limit. A type
/// whose decoding refuses the recorder's placeholder values (a `RawRepresentable` enum that is not
/// `CaseIterable`) gets the schema of what it asked for before it refused.
enum SchemaRecorder {
    static let depthLimit = 12

    static func schema(for type: Any.Type, depth: Int = 0) -> JSONSchema {
        if let described = type as? any OpenAPISchemaDescribing.Type { return described.openAPISchema }
        if let optional = type as? any OptionalType.Type {
            return self.schema(for: optional.wrappedType, depth: depth).nullableSchemaObject()
        }
        if let scalar = self.scalar(type) { return scalar }
        guard depth < self.depthLimit else { return .fragment }
        if let array = type as? any ArrayType.Type {
            return .array(items: self.schema(for: array.elementType, depth: depth + 1))
        }
        if let dictionary = type as? any StringKeyedDictionary.Type {
            return .object(additionalProperties: .b(self.schema(for: dictionary.valueType, depth: depth + 1)))
        }
        if let cases = type as? any (CaseIterable & RawRepresentable).Type, let values = self.rawValues(cases) {
            return values
        }
        guard let decodable = type as? any Decodable.Type else { return .fragment }
        let recorder = Recorder(depth: depth)
        _ = try? decodable.init(from: recorder)
        return recorder.node.schema
    }

    /// The values the schema of `type` allows at `path` (`operation`, `items[2].kind`), written as JSON, when it
    /// names them (an enum's cases).
    static func allowedValues(of type: Any.Type, at path: String) -> [String]? {
        var schema = self.schema(for: type)
        for component in JSONValue.pathComponents(path) {
            switch component {
            case .index:
                guard let items = schema.arrayContext?.items else { return nil }
                schema = items
            case .key(let key):
                guard let property = schema.objectContext?.properties[key] else { return nil }
                schema = property
            }
        }
        guard let allowed = schema.allowedValues, !allowed.isEmpty else { return nil }
        return allowed.map { value in
            if let text = value.value as? String { return JSONValue.string(text).description }
            return "\(value.value)"
        }
    }

    private static func rawValues<T: CaseIterable & RawRepresentable>(_ type: T.Type) -> JSONSchema? {
        let values = type.allCases.map(\.rawValue)
        if let strings = values as? [String] { return .string(allowedValues: strings.map { AnyCodable($0) }) }
        if let ints = values as? [Int] { return .integer(allowedValues: ints.map { AnyCodable($0) }) }
        return nil
    }

    static func scalar(_ type: Any.Type) -> JSONSchema? {
        switch type {
        case is String.Type, is Substring.Type, is Character.Type: return .string
        case is Bool.Type: return .boolean
        case is Int.Type, is Int64.Type, is Int32.Type, is Int16.Type, is Int8.Type, is UInt.Type, is UInt64.Type,
            is UInt32.Type, is UInt16.Type, is UInt8.Type:
            return .integer
        case is Double.Type, is Float.Type, is Decimal.Type: return .number
        case is UUID.Type: return .string(format: .uuid)
        case is Date.Type: return .string(format: .dateTime)
        case is URL.Type: return .string(format: .other("uri"))
        case is JSONValue.Type: return .fragment
        default: return nil
        }
    }

    /// What the recorder saw of one value.
    final class Node {
        enum Kind {
            case unknown
            case scalar(JSONSchema)
            case object([(String, Node, required: Bool)])
            case array(Node)
        }

        var kind = Kind.unknown

        var schema: JSONSchema {
            switch self.kind {
            case .unknown:
                return .fragment
            case .scalar(let schema):
                return schema
            case .array(let element):
                return .array(items: element.schema)
            case .object(let properties):
                var ordered = OrderedDictionary<String, JSONSchema>()
                for (name, node, required) in properties {
                    ordered[name] = required ? node.schema : node.schema.optionalSchemaObject()
                }
                return .object(properties: ordered)
            }
        }

        func add(_ key: String, _ node: Node, required: Bool) {
            if case .object(var properties) = self.kind {
                properties.removeAll { $0.0 == key }
                properties.append((key, node, required))
                self.kind = .object(properties)
            } else {
                self.kind = .object([(key, node, required)])
            }
        }
    }

    /// Thrown where a placeholder cannot be made: the recording stops there.
    struct Refused: Error {}

    final class Recorder: Decoder {
        let node = Node()
        let depth: Int
        /// The keys asked about with `decodeNil(forKey:)`: the standard library's `decodeIfPresent` of a scalar does
        /// so before it decodes, and a required key never is.
        var probedForNil: Set<String> = []
        var codingPath: [any CodingKey] = []
        var userInfo: [CodingUserInfoKey: Any] = [:]

        init(depth: Int) {
            self.depth = depth
        }

        func container<Key: CodingKey>(keyedBy type: Key.Type) throws -> KeyedDecodingContainer<Key> {
            if case .object = self.node.kind {} else { self.node.kind = .object([]) }
            return KeyedDecodingContainer(Keyed<Key>(recorder: self))
        }

        func unkeyedContainer() throws -> any UnkeyedDecodingContainer {
            Unkeyed(recorder: self)
        }

        func singleValueContainer() throws -> any SingleValueDecodingContainer {
            Single(recorder: self)
        }

        /// A placeholder of `T`, recording its schema in `node`.
        func value<T: Decodable>(_ type: T.Type, into node: Node) throws -> T {
            if let scalar = SchemaRecorder.scalar(T.self) {
                node.kind = .scalar(scalar)
                return try Self.placeholder(T.self)
            }
            guard self.depth + 1 < SchemaRecorder.depthLimit else { throw Refused() }
            let schema = SchemaRecorder.schema(for: T.self, depth: self.depth + 1)
            node.kind = .scalar(schema)
            if let cases = T.self as? any CaseIterable.Type, let first = Self.firstCase(cases) as? T { return first }
            return try T(from: Recorder(depth: self.depth + 1))
        }

        private static func firstCase<C: CaseIterable>(_ type: C.Type) -> Any? { type.allCases.first }

        static func placeholder<T>(_ type: T.Type) throws -> T {
            let values: [Any] = [
                "", false, 0, Int64(0), Int32(0), Int16(0), Int8(0), UInt(0), UInt64(0), UInt32(0), UInt16(0), UInt8(0),
                0.0, Float(0), Decimal(0), UUID(uuid: (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)),
                Date(timeIntervalSince1970: 0), Substring(""), Character(" "), JSONValue.null,
            ]
            for value in values {
                if let typed = value as? T { return typed }
            }
            if T.self == URL.self, let url = URL(string: "http://localhost/") as? T { return url }
            throw Refused()
        }
    }

    struct Keyed<Key: CodingKey>: KeyedDecodingContainerProtocol {
        let recorder: Recorder
        var codingPath: [any CodingKey] { self.recorder.codingPath }
        var allKeys: [Key] { [] }

        func contains(_ key: Key) -> Bool { true }
        func decodeNil(forKey key: Key) throws -> Bool {
            self.recorder.probedForNil.insert(key.stringValue)
            return false
        }

        func decode<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> T {
            let node = Node()
            let required = !self.recorder.probedForNil.contains(key.stringValue)
            self.recorder.node.add(key.stringValue, node, required: required)
            return try self.recorder.value(T.self, into: node)
        }

        func decodeIfPresent<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> T? {
            let node = Node()
            self.recorder.node.add(key.stringValue, node, required: false)
            return try? self.recorder.value(T.self, into: node)
        }

        func nestedContainer<NestedKey: CodingKey>(
            keyedBy type: NestedKey.Type,
            forKey key: Key
        ) throws
            -> KeyedDecodingContainer<NestedKey>
        {
            let nested = Recorder(depth: self.recorder.depth + 1)
            self.recorder.node.add(key.stringValue, nested.node, required: true)
            return try nested.container(keyedBy: NestedKey.self)
        }

        func nestedUnkeyedContainer(forKey key: Key) throws -> any UnkeyedDecodingContainer {
            let nested = Recorder(depth: self.recorder.depth + 1)
            self.recorder.node.add(key.stringValue, nested.node, required: true)
            return try nested.unkeyedContainer()
        }

        func superDecoder() throws -> any Decoder { self.recorder }
        func superDecoder(forKey key: Key) throws -> any Decoder { self.recorder }
    }

    struct Unkeyed: UnkeyedDecodingContainer {
        let recorder: Recorder
        let element = Node()
        var codingPath: [any CodingKey] { self.recorder.codingPath }
        var count: Int? { nil }
        var isAtEnd: Bool { self.currentIndex > 0 }
        var currentIndex = 0

        init(recorder: Recorder) {
            self.recorder = recorder
            recorder.node.kind = .array(self.element)
        }

        mutating func decodeNil() throws -> Bool { false }

        mutating func decode<T: Decodable>(_ type: T.Type) throws -> T {
            self.currentIndex += 1
            return try self.recorder.value(T.self, into: self.element)
        }

        mutating func nestedContainer<NestedKey: CodingKey>(
            keyedBy type: NestedKey.Type
        ) throws
            -> KeyedDecodingContainer<NestedKey>
        {
            self.currentIndex += 1
            let nested = Recorder(depth: self.recorder.depth + 1)
            self.recorder.node.kind = .array(nested.node)
            return try nested.container(keyedBy: NestedKey.self)
        }

        mutating func nestedUnkeyedContainer() throws -> any UnkeyedDecodingContainer {
            self.currentIndex += 1
            let nested = Recorder(depth: self.recorder.depth + 1)
            self.recorder.node.kind = .array(nested.node)
            return try nested.unkeyedContainer()
        }

        mutating func superDecoder() throws -> any Decoder { self.recorder }
    }

    struct Single: SingleValueDecodingContainer {
        let recorder: Recorder
        var codingPath: [any CodingKey] { self.recorder.codingPath }

        func decodeNil() -> Bool { false }

        func decode<T: Decodable>(_ type: T.Type) throws -> T {
            try self.recorder.value(T.self, into: self.recorder.node)
        }
    }
}

/// `Optional`, seen through its wrapped type.
protocol OptionalType {
    static var wrappedType: Any.Type { get }
}

extension Optional: OptionalType {
    static var wrappedType: Any.Type { Wrapped.self }
}

/// `Array`, seen through its element type.
protocol ArrayType {
    static var elementType: Any.Type { get }
}

extension Array: ArrayType {
    static var elementType: Any.Type { Element.self }
}

/// A dictionary with string keys, seen through its value type.
protocol StringKeyedDictionary {
    static var valueType: Any.Type { get }
}

extension Dictionary: StringKeyedDictionary where Key == String {
    static var valueType: Any.Type { Value.self }
}
