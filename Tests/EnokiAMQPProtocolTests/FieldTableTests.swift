//===----------------------------------------------------------------------===//
// This source file is part of Enoki. Licensed under Apache License v2.0.
//===----------------------------------------------------------------------===//

import EnokiAMQPProtocol
import NIOCore
import Testing

@Suite struct FieldTableTests {
    static let everyValue: [(String, FieldValue)] = [
        ("bool", .bool(true)),
        ("int8", .int8(-8)),
        ("uint8", .uint8(200)),
        ("int16", .int16(-1600)),
        ("uint16", .uint16(60000)),
        ("int32", .int32(-2_000_000_000)),
        ("uint32", .uint32(4_000_000_000)),
        ("int64", .int64(-9_000_000_000_000)),
        ("float", .float(1.5)),
        ("double", .double(-2.25)),
        ("decimal", .decimal(AMQPDecimal(scale: 2, value: -12345))),
        ("string", .string("hellø ✓")),
        ("bytes", .bytes([0, 1, 0xFF, 0xFE])),
        ("timestamp", .timestamp(1_700_000_000)),
        ("table", .table(["inner": .table(["deeper": .array([1, "two", .void])])])),
        ("array", .array([.int32(1), .string("a"), .array([.bool(false)]), .table(["k": "v"])])),
        ("void", .void),
    ]

    @Test func everyValueTypeRoundTrips() throws {
        let table = FieldTable(Self.everyValue)
        var buffer = ByteBuffer()
        try buffer.writeAMQPFieldTable(table)
        let decoded = try buffer.readAMQPFieldTable()
        #expect(decoded == table)
        #expect(buffer.readableBytes == 0)
        #expect(decoded.keys == Self.everyValue.map(\.0))
    }

    @Test func typeOctetsAreRabbitMQs() throws {
        let expected: [String: Character] = [
            "bool": "t", "int8": "b", "uint8": "B", "int16": "s", "uint16": "u", "int32": "I", "uint32": "i",
            "int64": "l", "float": "f", "double": "d", "decimal": "D", "string": "S", "bytes": "x", "timestamp": "T",
            "table": "F", "array": "A", "void": "V",
        ]
        for (key, value) in Self.everyValue {
            var buffer = ByteBuffer()
            try buffer.writeAMQPFieldTable([key: value])
            // length (4), key length (1), key, then the type octet
            let octet = buffer.getInteger(at: 5 + key.utf8.count, as: UInt8.self)!
            #expect(Character(UnicodeScalar(octet)) == expected[key], "\(key)")
        }
    }

    @Test func readsOtherClientsSpellings() throws {
        // py-amqp writes big ints as 'L' (signed 64) and some clients write 'U' for signed 16.
        var buffer = ByteBuffer(
            hex: "00000010" + "01" + "61" + "4c" + "fffffffffffffc18" + "01" + "62" + "55" + "fffe"
        )
        let table = try buffer.readAMQPFieldTable()
        #expect(table["a"] == .int64(-1000))
        #expect(table["b"] == .int16(-2))
    }

    @Test func aLongStringThatIsNotUTF8DoesNotDecode() throws {
        // Text that is not text, as a key that is not UTF-8 is; raw bytes travel as 'x'.
        var buffer = ByteBuffer(hex: "00000008" + "01" + "63" + "53" + "00000001" + "ff")
        let error = #expect(throws: AMQPProtocolError.self) { try buffer.readAMQPFieldTable() }
        #expect(error?.code == .invalidUTF8)
    }

    @Test func replyQueueArgumentsMatchPythonBytes() throws {
        // §14.4: {"x-expires": I 300000}
        var buffer = ByteBuffer()
        try buffer.writeAMQPFieldTable(["x-expires": .int32(300_000)])
        #expect(buffer.hexString == "0000000f" + "09" + "782d65787069726573" + "49" + "000493e0")
    }

    @Test func literalsPickPythonsTypes() {
        let small: FieldValue = 42
        let big: FieldValue = 5_000_000_000
        #expect(small == .int32(42))
        #expect(big == .int64(5_000_000_000))
        #expect(FieldValue(nilLiteral: ()) == .void)
    }

    @Test func settingAKeyKeepsItsPlace() {
        var table: FieldTable = ["a": 1, "b": 2]
        table["a"] = 3
        table["c"] = 4
        table["b"] = nil
        #expect(table.keys == ["a", "c"])
        #expect(table["a"] == 3)
        var other: FieldTable = ["c": "x", "d": true]
        other.merge(table)
        #expect(other.keys == ["c", "d", "a"])
        #expect(other["c"] == 4)
    }

    @Test func truncatedTablesAreErrors() {
        // The length says 16 bytes but only 3 follow.
        var buffer = ByteBuffer(hex: "00000010" + "01" + "61" + "49")
        #expect(throws: AMQPProtocolError.self) { try buffer.readAMQPFieldTable() }
        // A value that runs past the table's own length.
        var inner = ByteBuffer(hex: "00000004" + "01" + "61" + "49" + "00" + "000000")
        #expect(throws: AMQPProtocolError.self) { try inner.readAMQPFieldTable() }
        // An unknown type octet.
        var unknown = ByteBuffer(hex: "00000003" + "01" + "61" + "51")
        let error = #expect(throws: AMQPProtocolError.self) { try unknown.readAMQPFieldTable() }
        #expect(error?.code == .unknownFieldType)
    }

    @Test func deepNestingIsRefusedNotACrash() {
        // 10,000 arrays nested in each other.
        var buffer = ByteBuffer()
        let depth = 10_000
        buffer.writeInteger(UInt32(depth * 5 + 2))
        buffer.writeInteger(UInt8(1))
        buffer.writeInteger(UInt8(ascii: "a"))
        for level in 0..<depth {
            buffer.writeInteger(UInt8(ascii: "A"))
            buffer.writeInteger(UInt32((depth - level - 1) * 5))
        }
        let error = #expect(throws: AMQPProtocolError.self) { try buffer.readAMQPFieldTable() }
        #expect(error?.code == .nestingTooDeep)
    }

    @Test func shortStringsLongerThan255BytesAreRefused() {
        var buffer = ByteBuffer()
        let error = #expect(throws: AMQPProtocolError.self) {
            try buffer.writeAMQPFieldTable([String(repeating: "k", count: 256): 1])
        }
        #expect(error?.code == .stringTooLong)
    }
}
