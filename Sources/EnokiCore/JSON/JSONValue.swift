//===----------------------------------------------------------------------===//
// This source file is part of Enoki. Licensed under Apache License v2.0.
//===----------------------------------------------------------------------===//

/// A JSON value as Nameko's messages carry it, keeping Python's distinction between integers and floats.
///
/// Objects keep their keys in order (Python dicts do). Integers that do not fit in 64 bits keep their digits
/// (``bigInteger(_:)``), so that a Python caller gets back exactly the number it sent.
public enum JSONValue: Sendable, Hashable {
    /// `null` (Python `None`).
    case null
    /// `true` or `false`.
    case bool(Bool)
    /// An integer that fits in 64 bits (Python `int`).
    case int(Int)
    /// An integer too large for 64 bits, as its decimal digits (Python `int`).
    case bigInteger(String)
    /// A floating-point number (Python `float`), including `NaN` and the infinities Python writes.
    case double(Double)
    /// A string.
    case string(String)
    /// An array (Python `list` or `tuple`).
    case array([JSONValue])
    /// An object (Python `dict`), keys in order.
    case object(JSONObject)
}

/// A JSON object with its keys in order.
///
/// Looking a key up, setting one and appending take constant time whatever the size: a small object is searched
/// in order, and an object of 16 members or more keeps an index of its keys, so that building or
/// reading an object of many keys (a hostile body, a large dictionary) costs time in proportion to its size.
public struct JSONObject: Sendable, Hashable, Sequence, ExpressibleByDictionaryLiteral {
    /// The members in order.
    public private(set) var members: [(key: String, value: JSONValue)]
    /// Each key's position in `members`, once the object has ``indexedCount`` members.
    private var index: [String: Int]?

    /// From this many members on, an object keeps an index of its keys.
    static let indexedCount = 16

    /// An empty object.
    public init() {
        self.members = []
    }

    /// An object with the given members; a key given twice keeps its last value, at its first position.
    public init(_ members: [(String, JSONValue)]) {
        self.members = []
        self.members.reserveCapacity(members.count)
        for (key, value) in members {
            self[key] = value
        }
    }

    public init(dictionaryLiteral elements: (String, JSONValue)...) {
        self.init(elements)
    }

    /// The number of members.
    public var count: Int { self.members.count }

    /// Whether the object has no members.
    public var isEmpty: Bool { self.members.isEmpty }

    /// The keys in order.
    public var keys: [String] { self.members.map(\.key) }

    /// The position of a key in `members`.
    private func position(of key: String) -> Int? {
        if let index = self.index {
            return index[key]
        }
        return self.members.firstIndex { $0.key == key }
    }

    /// The value for a key; setting `nil` removes it.
    public subscript(key: String) -> JSONValue? {
        get {
            self.position(of: key).map { self.members[$0].value }
        }
        set {
            if let position = self.position(of: key) {
                if let newValue {
                    self.members[position].value = newValue
                } else {
                    self.members.remove(at: position)
                    self.index = nil
                    self.buildIndexIfLarge()
                }
            } else if let newValue {
                self.members.append((key, newValue))
                if self.index != nil {
                    self.index![key] = self.members.count - 1
                } else {
                    self.buildIndexIfLarge()
                }
            }
        }
    }

    private mutating func buildIndexIfLarge() {
        guard self.members.count >= Self.indexedCount else { return }
        var index: [String: Int] = [:]
        index.reserveCapacity(self.members.count * 2)
        for (position, member) in self.members.enumerated() {
            index[member.key] = position
        }
        self.index = index
    }

    public func makeIterator() -> IndexingIterator<[(key: String, value: JSONValue)]> {
        self.members.makeIterator()
    }

    public static func == (lhs: JSONObject, rhs: JSONObject) -> Bool {
        lhs.members.count == rhs.members.count
            && zip(lhs.members, rhs.members).allSatisfy { $0.key == $1.key && $0.value == $1.value }
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(self.members.count)
        for member in self.members {
            hasher.combine(member.key)
            hasher.combine(member.value)
        }
    }
}

extension JSONValue: ExpressibleByNilLiteral, ExpressibleByBooleanLiteral, ExpressibleByIntegerLiteral,
    ExpressibleByFloatLiteral, ExpressibleByStringLiteral, ExpressibleByArrayLiteral, ExpressibleByDictionaryLiteral
{
    public init(nilLiteral: ()) { self = .null }
    public init(booleanLiteral value: Bool) { self = .bool(value) }
    public init(integerLiteral value: Int) { self = .int(value) }
    public init(floatLiteral value: Double) { self = .double(value) }
    public init(stringLiteral value: String) { self = .string(value) }
    public init(arrayLiteral elements: JSONValue...) { self = .array(elements) }
    public init(dictionaryLiteral elements: (String, JSONValue)...) { self = .object(JSONObject(elements)) }
}

extension JSONValue {
    /// The string, when the value is a string.
    public var stringValue: String? {
        if case .string(let value) = self { return value }
        return nil
    }

    /// The integer, when the value is an integer that fits in 64 bits.
    public var intValue: Int? {
        if case .int(let value) = self { return value }
        return nil
    }

    /// The number as a `Double`, when the value is any number.
    public var doubleValue: Double? {
        switch self {
        case .int(let value): return Double(value)
        case .double(let value): return value
        case .bigInteger(let digits): return Double(digits)
        case .null, .bool, .string, .array, .object: return nil
        }
    }

    /// The boolean, when the value is one.
    public var boolValue: Bool? {
        if case .bool(let value) = self { return value }
        return nil
    }

    /// The elements, when the value is an array.
    public var arrayValue: [JSONValue]? {
        if case .array(let value) = self { return value }
        return nil
    }

    /// The object, when the value is one.
    public var objectValue: JSONObject? {
        if case .object(let value) = self { return value }
        return nil
    }

    /// Whether the value is `null`.
    public var isNull: Bool {
        if case .null = self { return true }
        return false
    }

    /// The member of an object, or `nil`.
    public subscript(key: String) -> JSONValue? {
        self.objectValue?[key]
    }

    /// The Python type name of the value, for error messages (`str`, `int`, `float`, `list`, `dict`, …).
    public var pythonTypeName: String {
        switch self {
        case .null: return "NoneType"
        case .bool: return "bool"
        case .int, .bigInteger: return "int"
        case .double: return "float"
        case .string: return "str"
        case .array: return "list"
        case .object: return "dict"
        }
    }
}

extension JSONValue: CustomStringConvertible {
    /// The value as compact JSON.
    public var description: String { JSONWriter.string(self) }
}
