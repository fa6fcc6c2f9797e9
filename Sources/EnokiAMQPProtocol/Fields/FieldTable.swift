//===----------------------------------------------------------------------===//
// This source file is part of Enoki. Licensed under Apache License v2.0.
//===----------------------------------------------------------------------===//

import NIOCore

/// An AMQP field table: string keys and typed values, in the order they were written.
///
/// Tables are small (headers, arguments, client properties), so lookups are linear. Keys are unique: setting a
/// key that is present replaces its value in place. Equality compares entries in order.
public struct FieldTable: Sendable, Hashable {
    /// One key and value.
    public struct Entry: Sendable, Hashable {
        /// The key: a short string.
        public var key: String
        /// The value.
        public var value: FieldValue

        /// Creates an entry.
        public init(key: String, value: FieldValue) {
            self.key = key
            self.value = value
        }
    }

    /// The entries in order.
    public private(set) var entries: [Entry]

    /// An empty table.
    public init() {
        self.entries = []
    }

    /// A table of the given entries. A key given twice keeps its last value, at its first position.
    public init(_ entries: [(String, FieldValue)]) {
        self.entries = []
        self.entries.reserveCapacity(entries.count)
        for (key, value) in entries {
            self[key] = value
        }
    }

    /// The number of entries.
    public var count: Int { self.entries.count }

    /// Whether the table has no entries.
    public var isEmpty: Bool { self.entries.isEmpty }

    /// The keys in order.
    public var keys: [String] { self.entries.map(\.key) }

    /// The value for a key; setting `nil` removes the key.
    public subscript(key: String) -> FieldValue? {
        get {
            for entry in self.entries where entry.key == key {
                return entry.value
            }
            return nil
        }
        set {
            if let index = self.entries.firstIndex(where: { $0.key == key }) {
                if let newValue {
                    self.entries[index].value = newValue
                } else {
                    self.entries.remove(at: index)
                }
            } else if let newValue {
                self.entries.append(Entry(key: key, value: newValue))
            }
        }
    }

    /// Merges another table in: its values replace this table's values for the same keys.
    public mutating func merge(_ other: FieldTable) {
        for entry in other.entries {
            self[entry.key] = entry.value
        }
    }
}

extension FieldTable: ExpressibleByDictionaryLiteral {
    /// A table from a dictionary literal, keeping the literal's order.
    public init(dictionaryLiteral elements: (String, FieldValue)...) {
        self.init(elements)
    }
}

extension FieldTable: Sequence {
    /// Iterates over the entries in order.
    public func makeIterator() -> IndexingIterator<[Entry]> {
        self.entries.makeIterator()
    }
}

extension FieldTable: CustomStringConvertible {
    public var description: String {
        "[" + self.entries.map { "\($0.key): \($0.value)" }.joined(separator: ", ") + "]"
    }
}

extension FieldTable {
    static func decode(from buffer: inout ByteBuffer, depth: Int) throws(AMQPProtocolError) -> FieldTable {
        guard depth <= FieldValue.maximumNestingDepth else {
            throw AMQPProtocolError(
                .nestingTooDeep,
                "field tables nested deeper than \(FieldValue.maximumNestingDepth)"
            )
        }
        let length = Int(try buffer.readAMQPInteger(as: UInt32.self))
        guard var slice = buffer.readSlice(length: length) else {
            throw AMQPProtocolError(.truncated, "field table of \(length) bytes runs past the end of its frame")
        }
        var table = FieldTable()
        while slice.readableBytes > 0 {
            let key = try slice.readAMQPShortString()
            let value = try FieldValue.decode(from: &slice, depth: depth)
            // Appended as received: tables on the wire are small and a quadratic de-duplication would let a
            // hostile peer burn CPU with a frame full of keys.
            table.entries.append(Entry(key: key, value: value))
        }
        return table
    }

    func encode(into buffer: inout ByteBuffer) throws(AMQPProtocolError) {
        let lengthIndex = buffer.writerIndex
        buffer.writeInteger(UInt32(0))
        let start = buffer.writerIndex
        for entry in self.entries {
            try buffer.writeAMQPShortString(entry.key)
            try entry.value.encode(into: &buffer)
        }
        buffer.setInteger(UInt32(truncatingIfNeeded: buffer.writerIndex - start), at: lengthIndex)
    }
}
