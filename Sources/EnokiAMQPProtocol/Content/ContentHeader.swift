//===----------------------------------------------------------------------===//
// This source file is part of Enoki. Licensed under Apache License v2.0.
//===----------------------------------------------------------------------===//

public import NIOCore

/// A content header frame's payload: the size of the body that follows and the message properties.
public struct ContentHeader: Sendable, Hashable {
    /// The class of the content; always 60 (basic) in AMQP 0-9-1.
    public var classID: UInt16
    /// The total size of the body, in bytes, over all the body frames that follow.
    public var bodySize: UInt64
    /// The message properties.
    public var properties: BasicProperties

    /// Creates a content header.
    public init(classID: UInt16 = AMQPClassID.basic, bodySize: UInt64, properties: BasicProperties) {
        self.classID = classID
        self.bodySize = bodySize
        self.properties = properties
    }

    /// Writes the header's payload (class, weight, body size, properties).
    public func encode(into buffer: inout ByteBuffer) throws(AMQPProtocolError) {
        buffer.writeInteger(self.classID)
        buffer.writeInteger(UInt16(0))  // weight, unused
        buffer.writeInteger(self.bodySize)
        try self.properties.encode(into: &buffer)
    }

    /// Reads a header's payload.
    ///
    /// - Throws: ``AMQPProtocolError`` when the class is not basic or the properties are malformed.
    public static func decode(from buffer: inout ByteBuffer) throws(AMQPProtocolError) -> ContentHeader {
        var problem: AMQPProtocolError?
        let header = try self.decode(from: &buffer, problem: &problem)
        if let problem { throw problem }
        return header
    }

    /// Reads a header's payload, reading its properties as far as they can be read
    /// (``BasicProperties/decode(from:problem:)``): they are a publisher's, so what does not decode in them is
    /// reported in `problem`, a problem of that one message.
    ///
    /// - Throws: ``AMQPProtocolError`` when the class is not basic or the body size is missing: the frames that
    ///   follow cannot be told apart then.
    public static func decode(
        from buffer: inout ByteBuffer,
        problem: inout AMQPProtocolError?
    ) throws(AMQPProtocolError) -> ContentHeader {
        let classID = try buffer.readAMQPInteger(as: UInt16.self)
        guard classID == AMQPClassID.basic else {
            throw AMQPProtocolError(
                .invalidContentHeader,
                "content header for class \(classID) (only basic, 60, has content)"
            )
        }
        _ = try buffer.readAMQPInteger(as: UInt16.self)
        let bodySize = try buffer.readAMQPInteger(as: UInt64.self)
        let properties = BasicProperties.decode(from: &buffer, problem: &problem)
        return ContentHeader(classID: classID, bodySize: bodySize, properties: properties)
    }
}
