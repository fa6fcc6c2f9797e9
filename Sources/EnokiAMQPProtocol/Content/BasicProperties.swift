//===----------------------------------------------------------------------===//
// This source file is part of Enoki. Licensed under Apache License v2.0.
//===----------------------------------------------------------------------===//

public import NIOCore

/// The properties of a message (the content header of class basic).
///
/// Every property is optional; a property that is `nil` is left out of the header and its flag bit is clear.
/// The order of the stored properties is the order of their flag bits, from bit 15 down to bit 2.
public struct BasicProperties: Sendable, Hashable {
    /// `content_type` (flag bit 15), for example `application/json`.
    public var contentType: String?
    /// `content_encoding` (bit 14), for example `utf-8`.
    public var contentEncoding: String?
    /// `headers` (bit 13): the application headers.
    public var headers: FieldTable?
    /// `delivery_mode` (bit 12): 1 transient, 2 persistent.
    public var deliveryMode: UInt8?
    /// `priority` (bit 11).
    public var priority: UInt8?
    /// `correlation_id` (bit 10).
    public var correlationID: String?
    /// `reply_to` (bit 9).
    public var replyTo: String?
    /// `expiration` (bit 8): a time to live in milliseconds, written as a decimal string.
    public var expiration: String?
    /// `message_id` (bit 7).
    public var messageID: String?
    /// `timestamp` (bit 6), in seconds since the Unix epoch.
    public var timestamp: UInt64?
    /// `type` (bit 5).
    public var type: String?
    /// `user_id` (bit 4). RabbitMQ checks it against the connection's user.
    public var userID: String?
    /// `app_id` (bit 3).
    public var appID: String?
    /// `cluster_id` (bit 2), reserved by AMQP 0-9-1.
    public var clusterID: String?

    /// Creates properties; every property left out is absent from the header.
    public init(
        contentType: String? = nil,
        contentEncoding: String? = nil,
        headers: FieldTable? = nil,
        deliveryMode: UInt8? = nil,
        priority: UInt8? = nil,
        correlationID: String? = nil,
        replyTo: String? = nil,
        expiration: String? = nil,
        messageID: String? = nil,
        timestamp: UInt64? = nil,
        type: String? = nil,
        userID: String? = nil,
        appID: String? = nil,
        clusterID: String? = nil
    ) {
        self.contentType = contentType
        self.contentEncoding = contentEncoding
        self.headers = headers
        self.deliveryMode = deliveryMode
        self.priority = priority
        self.correlationID = correlationID
        self.replyTo = replyTo
        self.expiration = expiration
        self.messageID = messageID
        self.timestamp = timestamp
        self.type = type
        self.userID = userID
        self.appID = appID
        self.clusterID = clusterID
    }

    /// The flag word that precedes the properties on the wire.
    public var flags: UInt16 {
        var flags: UInt16 = 0
        if self.contentType != nil { flags |= 1 << 15 }
        if self.contentEncoding != nil { flags |= 1 << 14 }
        if self.headers != nil { flags |= 1 << 13 }
        if self.deliveryMode != nil { flags |= 1 << 12 }
        if self.priority != nil { flags |= 1 << 11 }
        if self.correlationID != nil { flags |= 1 << 10 }
        if self.replyTo != nil { flags |= 1 << 9 }
        if self.expiration != nil { flags |= 1 << 8 }
        if self.messageID != nil { flags |= 1 << 7 }
        if self.timestamp != nil { flags |= 1 << 6 }
        if self.type != nil { flags |= 1 << 5 }
        if self.userID != nil { flags |= 1 << 4 }
        if self.appID != nil { flags |= 1 << 3 }
        if self.clusterID != nil { flags |= 1 << 2 }
        return flags
    }

    /// Writes the flag word and the properties that are set.
    public func encode(into buffer: inout ByteBuffer) throws(AMQPProtocolError) {
        buffer.writeInteger(self.flags)
        if let value = self.contentType { try buffer.writeAMQPShortString(value) }
        if let value = self.contentEncoding { try buffer.writeAMQPShortString(value) }
        if let value = self.headers { try buffer.writeAMQPFieldTable(value) }
        if let value = self.deliveryMode { buffer.writeInteger(value) }
        if let value = self.priority { buffer.writeInteger(value) }
        if let value = self.correlationID { try buffer.writeAMQPShortString(value) }
        if let value = self.replyTo { try buffer.writeAMQPShortString(value) }
        if let value = self.expiration { try buffer.writeAMQPShortString(value) }
        if let value = self.messageID { try buffer.writeAMQPShortString(value) }
        if let value = self.timestamp { buffer.writeInteger(value) }
        if let value = self.type { try buffer.writeAMQPShortString(value) }
        if let value = self.userID { try buffer.writeAMQPShortString(value) }
        if let value = self.appID { try buffer.writeAMQPShortString(value) }
        if let value = self.clusterID { try buffer.writeAMQPShortString(value) }
    }

    /// Reads a flag word and the properties it announces.
    ///
    /// - Throws: ``AMQPProtocolError`` when a property runs past the end of the frame, or the flag word asks
    ///   for a continuation (class basic has only 14 properties) or sets the reserved bits.
    public static func decode(from buffer: inout ByteBuffer) throws(AMQPProtocolError) -> BasicProperties {
        let flags = try buffer.readAMQPInteger(as: UInt16.self)
        guard flags & 0b11 == 0 else {
            throw AMQPProtocolError(
                .invalidContentHeader,
                "property flags 0x\(String(flags, radix: 16)) set reserved bits or ask for a continuation"
            )
        }
        var properties = BasicProperties()
        if flags & (1 << 15) != 0 { properties.contentType = try buffer.readAMQPShortString() }
        if flags & (1 << 14) != 0 { properties.contentEncoding = try buffer.readAMQPShortString() }
        if flags & (1 << 13) != 0 { properties.headers = try buffer.readAMQPFieldTable() }
        if flags & (1 << 12) != 0 { properties.deliveryMode = try buffer.readAMQPInteger(as: UInt8.self) }
        if flags & (1 << 11) != 0 { properties.priority = try buffer.readAMQPInteger(as: UInt8.self) }
        if flags & (1 << 10) != 0 { properties.correlationID = try buffer.readAMQPShortString() }
        if flags & (1 << 9) != 0 { properties.replyTo = try buffer.readAMQPShortString() }
        if flags & (1 << 8) != 0 { properties.expiration = try buffer.readAMQPShortString() }
        if flags & (1 << 7) != 0 { properties.messageID = try buffer.readAMQPShortString() }
        if flags & (1 << 6) != 0 { properties.timestamp = try buffer.readAMQPInteger(as: UInt64.self) }
        if flags & (1 << 5) != 0 { properties.type = try buffer.readAMQPShortString() }
        if flags & (1 << 4) != 0 { properties.userID = try buffer.readAMQPShortString() }
        if flags & (1 << 3) != 0 { properties.appID = try buffer.readAMQPShortString() }
        if flags & (1 << 2) != 0 { properties.clusterID = try buffer.readAMQPShortString() }
        return properties
    }
}
