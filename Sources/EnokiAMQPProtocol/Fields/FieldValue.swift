//===----------------------------------------------------------------------===//
// This source file is part of Enoki. Licensed under Apache License v2.0.
//===----------------------------------------------------------------------===//

import NIOCore

/// A value in an AMQP field table or field array, with the type octet RabbitMQ uses for it.
///
/// The cases are the field types RabbitMQ sends and accepts. When decoding, the decoder also accepts the
/// spellings other clients use: `U` (signed 16-bit, read as ``int16(_:)``) and `L` (signed 64-bit, as py-amqp
/// writes big integers, read as ``int64(_:)``). A long string (`S`) that is not valid UTF-8 does not decode
/// (``AMQPProtocolError/Code-swift.struct/invalidUTF8``): it is text that is not text, as a key that is not UTF-8
/// is; raw bytes travel as a byte array (`x`).
public enum FieldValue: Sendable, Hashable {
    /// `t`: a boolean.
    case bool(Bool)
    /// `b`: a signed 8-bit integer.
    case int8(Int8)
    /// `B`: an unsigned 8-bit integer.
    case uint8(UInt8)
    /// `s`: a signed 16-bit integer (RabbitMQ's meaning of `s`; `U` is read as this too).
    case int16(Int16)
    /// `u`: an unsigned 16-bit integer.
    case uint16(UInt16)
    /// `I`: a signed 32-bit integer.
    case int32(Int32)
    /// `i`: an unsigned 32-bit integer.
    case uint32(UInt32)
    /// `l`: a signed 64-bit integer (`L` is read as this too).
    case int64(Int64)
    /// `f`: a 32-bit float.
    case float(Float)
    /// `d`: a 64-bit float.
    case double(Double)
    /// `D`: a decimal, as a scale and an unscaled value.
    case decimal(AMQPDecimal)
    /// `S`: a long string.
    case string(String)
    /// `x`: a byte array.
    case bytes([UInt8])
    /// `T`: a timestamp, in seconds since the Unix epoch.
    case timestamp(UInt64)
    /// `F`: a nested field table.
    case table(FieldTable)
    /// `A`: a field array.
    case array([FieldValue])
    /// `V`: no value.
    case void
}

/// An AMQP decimal: `value` × 10^-`scale`.
public struct AMQPDecimal: Sendable, Hashable {
    /// The number of decimal digits after the point.
    public var scale: UInt8
    /// The unscaled value.
    public var value: Int32

    /// Creates a decimal worth `value` × 10^-`scale`.
    public init(scale: UInt8, value: Int32) {
        self.scale = scale
        self.value = value
    }
}

extension FieldValue {
    /// The string, when the value is a ``string(_:)``.
    public var stringValue: String? {
        if case .string(let value) = self { return value }
        return nil
    }

    /// The value as an `Int`, when it is any of the integer cases and fits.
    public var intValue: Int? {
        switch self {
        case .int8(let v): return Int(v)
        case .uint8(let v): return Int(v)
        case .int16(let v): return Int(v)
        case .uint16(let v): return Int(v)
        case .int32(let v): return Int(v)
        case .uint32(let v): return Int(exactly: v)
        case .int64(let v): return Int(exactly: v)
        case .timestamp(let v): return Int(exactly: v)
        case .bool, .float, .double, .decimal, .string, .bytes, .table, .array, .void: return nil
        }
    }

    /// The elements, when the value is an ``array(_:)``.
    public var arrayValue: [FieldValue]? {
        if case .array(let value) = self { return value }
        return nil
    }

    /// The table, when the value is a ``table(_:)``.
    public var tableValue: FieldTable? {
        if case .table(let value) = self { return value }
        return nil
    }
}

extension FieldValue: ExpressibleByStringLiteral, ExpressibleByIntegerLiteral, ExpressibleByBooleanLiteral,
    ExpressibleByFloatLiteral, ExpressibleByArrayLiteral, ExpressibleByNilLiteral
{
    /// A string literal is a long string (`S`).
    public init(stringLiteral value: String) { self = .string(value) }
    /// An integer literal is `I` when it fits in 32 bits, `l` otherwise (as py-amqp chooses).
    public init(integerLiteral value: Int) { self = FieldValue(value) }
    /// A boolean literal is `t`.
    public init(booleanLiteral value: Bool) { self = .bool(value) }
    /// A float literal is `d`.
    public init(floatLiteral value: Double) { self = .double(value) }
    /// An array literal is `A`.
    public init(arrayLiteral elements: FieldValue...) { self = .array(elements) }
    /// `nil` is `V`.
    public init(nilLiteral: ()) { self = .void }

    /// An integer as `I` when it fits in 32 bits, `l` otherwise.
    public init(_ value: Int) {
        if let small = Int32(exactly: value) {
            self = .int32(small)
        } else {
            self = .int64(Int64(value))
        }
    }
}

extension FieldValue {
    /// Field arrays and tables may nest this deep; deeper input is refused rather than risking the stack.
    public static let maximumNestingDepth = 64

    static func decode(from buffer: inout ByteBuffer, depth: Int) throws(AMQPProtocolError) -> FieldValue {
        let type = try buffer.readAMQPInteger(as: UInt8.self)
        switch type {
        case UInt8(ascii: "t"):
            return .bool(try buffer.readAMQPInteger(as: UInt8.self) != 0)
        case UInt8(ascii: "b"):
            return .int8(try buffer.readAMQPInteger(as: Int8.self))
        case UInt8(ascii: "B"):
            return .uint8(try buffer.readAMQPInteger(as: UInt8.self))
        case UInt8(ascii: "s"), UInt8(ascii: "U"):
            return .int16(try buffer.readAMQPInteger(as: Int16.self))
        case UInt8(ascii: "u"):
            return .uint16(try buffer.readAMQPInteger(as: UInt16.self))
        case UInt8(ascii: "I"):
            return .int32(try buffer.readAMQPInteger(as: Int32.self))
        case UInt8(ascii: "i"):
            return .uint32(try buffer.readAMQPInteger(as: UInt32.self))
        case UInt8(ascii: "l"), UInt8(ascii: "L"):
            return .int64(try buffer.readAMQPInteger(as: Int64.self))
        case UInt8(ascii: "f"):
            return .float(Float(bitPattern: try buffer.readAMQPInteger(as: UInt32.self)))
        case UInt8(ascii: "d"):
            return .double(Double(bitPattern: try buffer.readAMQPInteger(as: UInt64.self)))
        case UInt8(ascii: "D"):
            let scale = try buffer.readAMQPInteger(as: UInt8.self)
            let value = try buffer.readAMQPInteger(as: Int32.self)
            return .decimal(AMQPDecimal(scale: scale, value: value))
        case UInt8(ascii: "S"):
            return .string(try buffer.readAMQPLongString())
        case UInt8(ascii: "x"):
            return .bytes(try buffer.readAMQPLongBytes())
        case UInt8(ascii: "T"):
            return .timestamp(try buffer.readAMQPInteger(as: UInt64.self))
        case UInt8(ascii: "F"):
            return .table(try FieldTable.decode(from: &buffer, depth: depth + 1))
        case UInt8(ascii: "A"):
            guard depth < Self.maximumNestingDepth else {
                throw AMQPProtocolError(.nestingTooDeep, "field arrays nested deeper than \(Self.maximumNestingDepth)")
            }
            let length = Int(try buffer.readAMQPInteger(as: UInt32.self))
            guard var slice = buffer.readSlice(length: length) else {
                throw AMQPProtocolError(.truncated, "field array of \(length) bytes runs past the end of its frame")
            }
            var elements: [FieldValue] = []
            while slice.readableBytes > 0 {
                elements.append(try FieldValue.decode(from: &slice, depth: depth + 1))
            }
            return .array(elements)
        case UInt8(ascii: "V"):
            return .void
        default:
            throw AMQPProtocolError(.unknownFieldType, "unknown field value type 0x\(String(type, radix: 16))")
        }
    }

    func encode(into buffer: inout ByteBuffer) throws(AMQPProtocolError) {
        switch self {
        case .bool(let v):
            buffer.writeInteger(UInt8(ascii: "t"))
            buffer.writeInteger(UInt8(v ? 1 : 0))
        case .int8(let v):
            buffer.writeInteger(UInt8(ascii: "b"))
            buffer.writeInteger(v)
        case .uint8(let v):
            buffer.writeInteger(UInt8(ascii: "B"))
            buffer.writeInteger(v)
        case .int16(let v):
            buffer.writeInteger(UInt8(ascii: "s"))
            buffer.writeInteger(v)
        case .uint16(let v):
            buffer.writeInteger(UInt8(ascii: "u"))
            buffer.writeInteger(v)
        case .int32(let v):
            buffer.writeInteger(UInt8(ascii: "I"))
            buffer.writeInteger(v)
        case .uint32(let v):
            buffer.writeInteger(UInt8(ascii: "i"))
            buffer.writeInteger(v)
        case .int64(let v):
            buffer.writeInteger(UInt8(ascii: "l"))
            buffer.writeInteger(v)
        case .float(let v):
            buffer.writeInteger(UInt8(ascii: "f"))
            buffer.writeInteger(v.bitPattern)
        case .double(let v):
            buffer.writeInteger(UInt8(ascii: "d"))
            buffer.writeInteger(v.bitPattern)
        case .decimal(let v):
            buffer.writeInteger(UInt8(ascii: "D"))
            buffer.writeInteger(v.scale)
            buffer.writeInteger(v.value)
        case .string(let v):
            buffer.writeInteger(UInt8(ascii: "S"))
            buffer.writeAMQPLongString(v)
        case .bytes(let v):
            buffer.writeInteger(UInt8(ascii: "x"))
            buffer.writeAMQPLongBytes(v)
        case .timestamp(let v):
            buffer.writeInteger(UInt8(ascii: "T"))
            buffer.writeInteger(v)
        case .table(let v):
            buffer.writeInteger(UInt8(ascii: "F"))
            try v.encode(into: &buffer)
        case .array(let elements):
            buffer.writeInteger(UInt8(ascii: "A"))
            let lengthIndex = buffer.writerIndex
            buffer.writeInteger(UInt32(0))
            let start = buffer.writerIndex
            for element in elements {
                try element.encode(into: &buffer)
            }
            buffer.setInteger(UInt32(truncatingIfNeeded: buffer.writerIndex - start), at: lengthIndex)
        case .void:
            buffer.writeInteger(UInt8(ascii: "V"))
        }
    }
}
