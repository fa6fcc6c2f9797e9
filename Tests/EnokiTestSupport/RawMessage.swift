//===----------------------------------------------------------------------===//
// This source file is part of Enoki. Licensed under Apache License v2.0.
//===----------------------------------------------------------------------===//

public import EnokiAMQPProtocol
public import NIOCore

/// A message's property list written byte by byte, for tests that play a hostile publisher: any text can be bytes
/// that are not UTF-8, and the header table any bytes at all. The broker passes such properties on unchecked.
public struct RawProperties: Sendable {
    public var contentType: [UInt8]?
    public var contentEncoding: [UInt8]?
    /// The header table's bytes, its length included (``RawTable``).
    public var headers: ByteBuffer?
    public var deliveryMode: UInt8?
    public var correlationID: [UInt8]?
    public var replyTo: [UInt8]?
    public var messageID: [UInt8]?
    public var timestamp: UInt64?
    public var type: [UInt8]?
    public var appID: [UInt8]?
    public var clusterID: [UInt8]?

    /// Properties; text given as a `String` is its UTF-8.
    public init(
        contentType: [UInt8]? = Array("application/json".utf8),
        contentEncoding: [UInt8]? = nil,
        headers: ByteBuffer? = nil,
        correlationID: [UInt8]? = nil,
        replyTo: [UInt8]? = nil,
        messageID: [UInt8]? = nil,
        timestamp: UInt64? = nil,
        type: [UInt8]? = nil,
        appID: [UInt8]? = nil,
        clusterID: [UInt8]? = nil
    ) {
        self.contentType = contentType
        self.contentEncoding = contentEncoding
        self.headers = headers
        self.correlationID = correlationID
        self.replyTo = replyTo
        self.messageID = messageID
        self.timestamp = timestamp
        self.type = type
        self.appID = appID
        self.clusterID = clusterID
    }

    /// The flag word and the properties, as they go on the wire.
    public var bytes: ByteBuffer {
        var buffer = ByteBuffer()
        var flags: UInt16 = 0
        func flag(_ present: Bool, _ bit: Int) { if present { flags |= 1 << bit } }
        flag(self.contentType != nil, 15)
        flag(self.contentEncoding != nil, 14)
        flag(self.headers != nil, 13)
        flag(self.deliveryMode != nil, 12)
        flag(self.correlationID != nil, 10)
        flag(self.replyTo != nil, 9)
        flag(self.messageID != nil, 7)
        flag(self.timestamp != nil, 6)
        flag(self.type != nil, 5)
        flag(self.appID != nil, 3)
        flag(self.clusterID != nil, 2)
        buffer.writeInteger(flags)
        func text(_ value: [UInt8]?) {
            guard let value else { return }
            buffer.writeInteger(UInt8(min(value.count, 255)))
            buffer.writeBytes(value.prefix(255))
        }
        text(self.contentType)
        text(self.contentEncoding)
        if var headers = self.headers { buffer.writeBuffer(&headers) }
        if let mode = self.deliveryMode { buffer.writeInteger(mode) }
        text(self.correlationID)
        text(self.replyTo)
        text(self.messageID)
        if let timestamp = self.timestamp { buffer.writeInteger(timestamp) }
        text(self.type)
        text(self.appID)
        text(self.clusterID)
        return buffer
    }
}

/// Header tables written byte by byte.
public enum RawTable {
    /// Bytes that are not UTF-8: `f`, a broken two-byte sequence, `(`, a byte UTF-8 never uses, `o`.
    public static let invalidUTF8: [UInt8] = [0x66, 0xC3, 0x28, 0xFF, 0x6F]

    /// A table (its length included) of entries with raw keys and raw values (type octet included).
    public static func table(_ entries: [(key: [UInt8], value: [UInt8])]) -> ByteBuffer {
        var body = ByteBuffer()
        for (key, value) in entries {
            body.writeInteger(UInt8(min(key.count, 255)))
            body.writeBytes(key.prefix(255))
            body.writeBytes(value)
        }
        var buffer = ByteBuffer()
        buffer.writeInteger(UInt32(body.readableBytes))
        buffer.writeBuffer(&body)
        return buffer
    }

    /// A table of well-formed entries.
    public static func table(_ table: FieldTable) -> ByteBuffer {
        var buffer = ByteBuffer()
        try! buffer.writeAMQPFieldTable(table)
        return buffer
    }

    /// A value's bytes, type octet included.
    public static func value(_ value: FieldValue) -> [UInt8] {
        var buffer = ByteBuffer()
        try! buffer.writeAMQPFieldTable(["k": value])
        // The table's length (4), the key's length and the key (2).
        return Array(buffer.readableBytesView.dropFirst(6))
    }

    /// A long string (`S`) of raw bytes.
    public static func longString(_ bytes: [UInt8]) -> [UInt8] {
        var buffer = ByteBuffer()
        buffer.writeInteger(UInt8(ascii: "S"))
        buffer.writeInteger(UInt32(bytes.count))
        buffer.writeBytes(bytes)
        return Array(buffer.readableBytesView)
    }

    /// Tables nested `depth` deep, as a value (type octet included).
    public static func nested(depth: Int) -> [UInt8] {
        var inner: [UInt8] = [UInt8(ascii: "F"), 0, 0, 0, 0]
        for _ in 0..<depth {
            var buffer = ByteBuffer()
            buffer.writeInteger(UInt8(ascii: "F"))
            buffer.writeInteger(UInt32(2 + inner.count))
            buffer.writeInteger(UInt8(1))
            buffer.writeInteger(UInt8(ascii: "k"))
            buffer.writeBytes(inner)
            inner = Array(buffer.readableBytesView)
        }
        return inner
    }

    /// Arrays nested `depth` deep, as a value.
    public static func nestedArrays(depth: Int) -> [UInt8] {
        var inner: [UInt8] = [UInt8(ascii: "A"), 0, 0, 0, 0]
        for _ in 0..<depth {
            var buffer = ByteBuffer()
            buffer.writeInteger(UInt8(ascii: "A"))
            buffer.writeInteger(UInt32(inner.count))
            buffer.writeBytes(inner)
            inner = Array(buffer.readableBytesView)
        }
        return inner
    }

    /// Every field type at the ends of its range that the broker passes on (``nonFinite`` has the others).
    public static let extremes: FieldTable = [
        "int8.min": .int8(.min), "int8.max": .int8(.max), "uint8.max": .uint8(.max),
        "int16.min": .int16(.min), "uint16.max": .uint16(.max), "int32.min": .int32(.min),
        "int32.max": .int32(.max), "uint32.max": .uint32(.max), "int64.min": .int64(.min),
        "int64.max": .int64(.max), "timestamp.max": .timestamp(.max), "timestamp.zero": .timestamp(0),
        "decimal.min": .decimal(AMQPDecimal(scale: 255, value: .min)),
        "decimal.max": .decimal(AMQPDecimal(scale: 0, value: .max)),
        "float.max": .float(.greatestFiniteMagnitude), "float.tiny": .float(.leastNonzeroMagnitude),
        "double.max": .double(-.greatestFiniteMagnitude), "double.tiny": .double(.leastNonzeroMagnitude),
        "void": .void, "bool": .bool(true), "bytes": .bytes([0, 255]),
        "array": .array([.timestamp(.max), .double(1e308), .int64(.min), .table(["t": .timestamp(.max)])]),
        "nameko.call_id_stack": .array([.timestamp(.max), .double(-1e308), .string("a.b.c")]),
    ]

    /// Floats that are not numbers, which RabbitMQ 3.10 does not pass on: a header table holding one makes it
    /// close the publisher's connection (541 INTERNAL_ERROR), so they reach a consumer only from another broker.
    public static let nonFinite: FieldTable = [
        "float.nan": .float(.nan), "float.inf": .float(.infinity), "double.nan": .double(.nan),
        "double.-inf": .double(-.infinity),
    ]
}
