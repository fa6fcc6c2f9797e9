//===----------------------------------------------------------------------===//
// This source file is part of Enoki. Licensed under Apache License v2.0.
//===----------------------------------------------------------------------===//

public import NIOCore

/// The primitive AMQP 0-9-1 types on a `ByteBuffer`: integers, short and long strings, field tables.
///
/// Every read throws ``AMQPProtocolError`` when the buffer holds too few bytes, because the codec only reads
/// from complete frames: a short read inside a frame is malformed input, never "need more data".
extension ByteBuffer {
    /// Reads a big-endian integer, or throws ``AMQPProtocolError/Code-swift.struct/truncated``.
    @inlinable
    public mutating func readAMQPInteger<T: FixedWidthInteger>(as: T.Type = T.self) throws(AMQPProtocolError) -> T {
        guard let value = self.readInteger(as: T.self) else {
            throw AMQPProtocolError(.truncated, "expected \(MemoryLayout<T>.size) more bytes")
        }
        return value
    }

    /// Reads a short string: one length octet and up to 255 bytes of UTF-8.
    public mutating func readAMQPShortString() throws(AMQPProtocolError) -> String {
        let length = try self.readAMQPInteger(as: UInt8.self)
        return try self.readAMQPUTF8(length: Int(length))
    }

    /// Reads a short string whose text a publisher chose (a routing key, a message property): text that is not
    /// valid UTF-8 is decoded with U+FFFD in place of the bad bytes, and reported in `problem` (the first problem
    /// is kept), so that one bad message is refused rather than the whole connection.
    ///
    /// - Parameters:
    ///   - field: The field's name, for the problem's message (`routing-key`, `correlation-id`).
    ///   - problem: Set to an ``AMQPProtocolError/Code-swift.struct/invalidUTF8`` error when the text is not UTF-8
    ///     and no earlier problem was found.
    /// - Throws: ``AMQPProtocolError`` only when the string runs past the end of its frame.
    public mutating func readAMQPShortString(
        field: String,
        problem: inout AMQPProtocolError?
    ) throws(AMQPProtocolError) -> String {
        let length = Int(try self.readAMQPInteger(as: UInt8.self))
        guard self.readableBytes >= length else {
            throw AMQPProtocolError(.truncated, "string of \(length) bytes runs past the end of its frame")
        }
        if let string = self.getAMQPUTF8(length: length) {
            self.moveReaderIndex(forwardBy: length)
            return string
        }
        if problem == nil {
            problem = AMQPProtocolError(.invalidUTF8, "\(field) is not valid UTF-8")
        }
        let lossy = self.withUnsafeReadableBytes { raw in
            String(decoding: UnsafeRawBufferPointer(rebasing: raw.prefix(length)), as: UTF8.self)
        }
        self.moveReaderIndex(forwardBy: length)
        return lossy
    }

    /// Reads a long string: a 32-bit length and that many bytes, decoded as UTF-8.
    public mutating func readAMQPLongString() throws(AMQPProtocolError) -> String {
        let length = try self.readAMQPInteger(as: UInt32.self)
        return try self.readAMQPUTF8(length: Int(length))
    }

    /// Reads a long string as raw bytes (SASL responses and challenges are binary).
    public mutating func readAMQPLongBytes() throws(AMQPProtocolError) -> [UInt8] {
        let length = Int(try self.readAMQPInteger(as: UInt32.self))
        guard let bytes = self.readBytes(length: length) else {
            throw AMQPProtocolError(.truncated, "long string of \(length) bytes runs past the end of its frame")
        }
        return bytes
    }

    @usableFromInline
    mutating func readAMQPUTF8(length: Int) throws(AMQPProtocolError) -> String {
        guard self.readableBytes >= length else {
            throw AMQPProtocolError(.truncated, "string of \(length) bytes runs past the end of its frame")
        }
        guard let string = self.getAMQPUTF8(length: length) else {
            throw AMQPProtocolError(.invalidUTF8, "string of \(length) bytes is not valid UTF-8")
        }
        self.moveReaderIndex(forwardBy: length)
        return string
    }

    /// The next `length` readable bytes as a string, or `nil` when they are not valid UTF-8.
    ///
    /// - Precondition: At least `length` bytes are readable.
    @usableFromInline
    func getAMQPUTF8(length: Int) -> String? {
        self.withUnsafeReadableBytes { raw -> String? in
            let bytes = UnsafeRawBufferPointer(rebasing: raw.prefix(length)).bindMemory(to: UInt8.self)
            // ASCII needs no validation; the generic validator costs more than the rest of a short string's read.
            var highBits: UInt8 = 0
            for byte in bytes { highBits |= byte }
            if highBits & 0x80 == 0 {
                return String(decoding: bytes, as: UTF8.self)
            }
            return String(validating: bytes, as: UTF8.self)
        }
    }

    /// Writes a short string, or throws ``AMQPProtocolError/Code-swift.struct/stringTooLong`` when its UTF-8
    /// form is longer than 255 bytes.
    public mutating func writeAMQPShortString(_ string: String) throws(AMQPProtocolError) {
        let count = string.utf8.count
        guard count <= 255 else {
            throw AMQPProtocolError(.stringTooLong, "short string of \(count) bytes (at most 255)")
        }
        self.writeInteger(UInt8(truncatingIfNeeded: count))
        self.writeString(string)
    }

    /// Writes a long string: a 32-bit length and the UTF-8 bytes.
    public mutating func writeAMQPLongString(_ string: String) {
        let lengthIndex = self.writerIndex
        self.writeInteger(UInt32(0))
        let written = self.writeString(string)
        self.setInteger(UInt32(truncatingIfNeeded: written), at: lengthIndex)
    }

    /// Writes bytes as a long string.
    public mutating func writeAMQPLongBytes(_ bytes: [UInt8]) {
        self.writeInteger(UInt32(truncatingIfNeeded: bytes.count))
        self.writeBytes(bytes)
    }

    /// Reads a field table: a 32-bit length, then key and value pairs.
    public mutating func readAMQPFieldTable() throws(AMQPProtocolError) -> FieldTable {
        try FieldTable.decode(from: &self, depth: 0)
    }

    /// Writes a field table.
    public mutating func writeAMQPFieldTable(_ table: FieldTable) throws(AMQPProtocolError) {
        try table.encode(into: &self)
    }
}
