//===----------------------------------------------------------------------===//
// This source file is part of Enoki. Licensed under Apache License v2.0.
//===----------------------------------------------------------------------===//

public import NIOCore

/// The properties of a message (the content header of class basic).
///
/// Every property is optional; a property that is `nil` is left out of the header and its flag bit is clear.
/// The order of the properties is the order of their flag bits, from bit 15 down to bit 2.
///
/// A value type with copy-on-write storage: it is passed along with every message, so a copy costs a reference
/// count, not the two hundred bytes its fields take.
public struct BasicProperties: Sendable, Hashable {
    private final class Storage: @unchecked Sendable {
        // @unchecked: mutated only through `BasicProperties`, which copies the storage unless it is unique.

        var contentType: String?
        var contentEncoding: String?
        var headers: FieldTable?
        var deliveryMode: UInt8?
        var priority: UInt8?
        var correlationID: String?
        var replyTo: String?
        var expiration: String?
        var messageID: String?
        var timestamp: UInt64?
        var type: String?
        var userID: String?
        var appID: String?
        var clusterID: String?

        init() {}

        func copy() -> Storage {
            let copy = Storage()
            copy.contentType = self.contentType
            copy.contentEncoding = self.contentEncoding
            copy.headers = self.headers
            copy.deliveryMode = self.deliveryMode
            copy.priority = self.priority
            copy.correlationID = self.correlationID
            copy.replyTo = self.replyTo
            copy.expiration = self.expiration
            copy.messageID = self.messageID
            copy.timestamp = self.timestamp
            copy.type = self.type
            copy.userID = self.userID
            copy.appID = self.appID
            copy.clusterID = self.clusterID
            return copy
        }
    }

    private var storage: Storage

    private mutating func unique() -> Storage {
        if !isKnownUniquelyReferenced(&self.storage) {
            self.storage = self.storage.copy()
        }
        return self.storage
    }

    /// `content_type` (flag bit 15), for example `application/json`.
    public var contentType: String? {
        get { self.storage.contentType }
        set { self.unique().contentType = newValue }
    }

    /// `content_encoding` (bit 14), for example `utf-8`.
    public var contentEncoding: String? {
        get { self.storage.contentEncoding }
        set { self.unique().contentEncoding = newValue }
    }

    /// `headers` (bit 13): the application headers.
    public var headers: FieldTable? {
        get { self.storage.headers }
        set { self.unique().headers = newValue }
    }

    /// `delivery_mode` (bit 12): 1 transient, 2 persistent.
    public var deliveryMode: UInt8? {
        get { self.storage.deliveryMode }
        set { self.unique().deliveryMode = newValue }
    }

    /// `priority` (bit 11).
    public var priority: UInt8? {
        get { self.storage.priority }
        set { self.unique().priority = newValue }
    }

    /// `correlation_id` (bit 10).
    public var correlationID: String? {
        get { self.storage.correlationID }
        set { self.unique().correlationID = newValue }
    }

    /// `reply_to` (bit 9).
    public var replyTo: String? {
        get { self.storage.replyTo }
        set { self.unique().replyTo = newValue }
    }

    /// `expiration` (bit 8): a time to live in milliseconds, written as a decimal string.
    public var expiration: String? {
        get { self.storage.expiration }
        set { self.unique().expiration = newValue }
    }

    /// `message_id` (bit 7).
    public var messageID: String? {
        get { self.storage.messageID }
        set { self.unique().messageID = newValue }
    }

    /// `timestamp` (bit 6), in seconds since the Unix epoch.
    public var timestamp: UInt64? {
        get { self.storage.timestamp }
        set { self.unique().timestamp = newValue }
    }

    /// `type` (bit 5).
    public var type: String? {
        get { self.storage.type }
        set { self.unique().type = newValue }
    }

    /// `user_id` (bit 4). RabbitMQ checks it against the connection's user.
    public var userID: String? {
        get { self.storage.userID }
        set { self.unique().userID = newValue }
    }

    /// `app_id` (bit 3).
    public var appID: String? {
        get { self.storage.appID }
        set { self.unique().appID = newValue }
    }

    /// `cluster_id` (bit 2), reserved by AMQP 0-9-1.
    public var clusterID: String? {
        get { self.storage.clusterID }
        set { self.unique().clusterID = newValue }
    }

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
        let storage = Storage()
        storage.contentType = contentType
        storage.contentEncoding = contentEncoding
        storage.headers = headers
        storage.deliveryMode = deliveryMode
        storage.priority = priority
        storage.correlationID = correlationID
        storage.replyTo = replyTo
        storage.expiration = expiration
        storage.messageID = messageID
        storage.timestamp = timestamp
        storage.type = type
        storage.userID = userID
        storage.appID = appID
        storage.clusterID = clusterID
        self.storage = storage
    }

    public static func == (lhs: BasicProperties, rhs: BasicProperties) -> Bool {
        if lhs.storage === rhs.storage { return true }
        return lhs.contentType == rhs.contentType
            && lhs.contentEncoding == rhs.contentEncoding
            && lhs.headers == rhs.headers
            && lhs.deliveryMode == rhs.deliveryMode
            && lhs.priority == rhs.priority
            && lhs.correlationID == rhs.correlationID
            && lhs.replyTo == rhs.replyTo
            && lhs.expiration == rhs.expiration
            && lhs.messageID == rhs.messageID
            && lhs.timestamp == rhs.timestamp
            && lhs.type == rhs.type
            && lhs.userID == rhs.userID
            && lhs.appID == rhs.appID
            && lhs.clusterID == rhs.clusterID
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(self.contentType)
        hasher.combine(self.contentEncoding)
        hasher.combine(self.headers)
        hasher.combine(self.deliveryMode)
        hasher.combine(self.priority)
        hasher.combine(self.correlationID)
        hasher.combine(self.replyTo)
        hasher.combine(self.expiration)
        hasher.combine(self.messageID)
        hasher.combine(self.timestamp)
        hasher.combine(self.type)
        hasher.combine(self.userID)
        hasher.combine(self.appID)
        hasher.combine(self.clusterID)
    }

    /// The flag word that precedes the properties on the wire.
    public var flags: UInt16 {
        let storage = self.storage
        var flags: UInt16 = 0
        if storage.contentType != nil { flags |= 1 << 15 }
        if storage.contentEncoding != nil { flags |= 1 << 14 }
        if storage.headers != nil { flags |= 1 << 13 }
        if storage.deliveryMode != nil { flags |= 1 << 12 }
        if storage.priority != nil { flags |= 1 << 11 }
        if storage.correlationID != nil { flags |= 1 << 10 }
        if storage.replyTo != nil { flags |= 1 << 9 }
        if storage.expiration != nil { flags |= 1 << 8 }
        if storage.messageID != nil { flags |= 1 << 7 }
        if storage.timestamp != nil { flags |= 1 << 6 }
        if storage.type != nil { flags |= 1 << 5 }
        if storage.userID != nil { flags |= 1 << 4 }
        if storage.appID != nil { flags |= 1 << 3 }
        if storage.clusterID != nil { flags |= 1 << 2 }
        return flags
    }

    /// Writes the flag word and the properties that are set.
    public func encode(into buffer: inout ByteBuffer) throws(AMQPProtocolError) {
        let storage = self.storage
        buffer.writeInteger(self.flags)
        if let value = storage.contentType { try buffer.writeAMQPShortString(value) }
        if let value = storage.contentEncoding { try buffer.writeAMQPShortString(value) }
        if let value = storage.headers { try buffer.writeAMQPFieldTable(value) }
        if let value = storage.deliveryMode { buffer.writeInteger(value) }
        if let value = storage.priority { buffer.writeInteger(value) }
        if let value = storage.correlationID { try buffer.writeAMQPShortString(value) }
        if let value = storage.replyTo { try buffer.writeAMQPShortString(value) }
        if let value = storage.expiration { try buffer.writeAMQPShortString(value) }
        if let value = storage.messageID { try buffer.writeAMQPShortString(value) }
        if let value = storage.timestamp { buffer.writeInteger(value) }
        if let value = storage.type { try buffer.writeAMQPShortString(value) }
        if let value = storage.userID { try buffer.writeAMQPShortString(value) }
        if let value = storage.appID { try buffer.writeAMQPShortString(value) }
        if let value = storage.clusterID { try buffer.writeAMQPShortString(value) }
    }

    /// Reads a flag word and the properties it announces.
    ///
    /// - Throws: ``AMQPProtocolError`` when a property runs past the end of the frame, the flag word asks
    ///   for a continuation (class basic has only 14 properties) or sets the reserved bits, or a property's text
    ///   or header table does not decode.
    public static func decode(from buffer: inout ByteBuffer) throws(AMQPProtocolError) -> BasicProperties {
        var problem: AMQPProtocolError?
        let properties = self.decode(from: &buffer, problem: &problem)
        if let problem { throw problem }
        return properties
    }

    /// Reads a flag word and as many of the properties it announces as can be read, never throwing: properties
    /// are chosen by a publisher, and the broker passes them on without checking their text or their header
    /// tables, so what does not decode is a problem of that one message, not of the connection.
    ///
    /// Text that is not UTF-8 is read with U+FFFD in its place; a header table that does not decode (a key that
    /// is not UTF-8, tables nested too deep, an unknown value type) is left out; a property that runs past the
    /// end of the buffer ends the reading. The first problem is reported in `problem`, and the buffer is read to
    /// its end.
    public static func decode(from buffer: inout ByteBuffer, problem: inout AMQPProtocolError?) -> BasicProperties {
        let storage = Storage()
        do throws(AMQPProtocolError) {
            let flags = try buffer.readAMQPInteger(as: UInt16.self)
            guard flags & 0b11 == 0 else {
                throw AMQPProtocolError(
                    .invalidContentHeader,
                    "property flags 0x\(String(flags, radix: 16)) set reserved bits or ask for a continuation"
                )
            }
            func text(_ bit: Int, _ field: String) throws(AMQPProtocolError) -> String? {
                guard flags & (1 << bit) != 0 else { return nil }
                return try buffer.readAMQPShortString(field: field, problem: &problem)
            }
            storage.contentType = try text(15, "content-type")
            storage.contentEncoding = try text(14, "content-encoding")
            if flags & (1 << 13) != 0 {
                storage.headers = try Self.readHeaders(from: &buffer, problem: &problem)
            }
            if flags & (1 << 12) != 0 { storage.deliveryMode = try buffer.readAMQPInteger(as: UInt8.self) }
            if flags & (1 << 11) != 0 { storage.priority = try buffer.readAMQPInteger(as: UInt8.self) }
            storage.correlationID = try text(10, "correlation-id")
            storage.replyTo = try text(9, "reply-to")
            storage.expiration = try text(8, "expiration")
            storage.messageID = try text(7, "message-id")
            if flags & (1 << 6) != 0 { storage.timestamp = try buffer.readAMQPInteger(as: UInt64.self) }
            storage.type = try text(5, "type")
            storage.userID = try text(4, "user-id")
            storage.appID = try text(3, "app-id")
            storage.clusterID = try text(2, "cluster-id")
            if buffer.readableBytes > 0 {
                throw AMQPProtocolError(.trailingBytes, "\(buffer.readableBytes) bytes left over after the properties")
            }
        } catch {
            if problem == nil {
                problem = error
            }
            buffer.moveReaderIndex(to: buffer.writerIndex)
        }
        return BasicProperties(storage: storage)
    }

    /// Reads the header table; a table that does not decode is skipped whole (its length is known) and reported.
    private static func readHeaders(
        from buffer: inout ByteBuffer,
        problem: inout AMQPProtocolError?
    ) throws(AMQPProtocolError) -> FieldTable? {
        guard let length = buffer.getInteger(at: buffer.readerIndex, as: UInt32.self),
            UInt64(length) + 4 <= UInt64(buffer.readableBytes)
        else {
            throw AMQPProtocolError(.truncated, "the header table runs past the end of its frame")
        }
        var table = buffer.readSlice(length: Int(length) + 4)!
        do throws(AMQPProtocolError) {
            return try table.readAMQPFieldTable()
        } catch {
            if problem == nil {
                problem = AMQPProtocolError(error.code, "the header table does not decode: \(error.message)")
            }
            return nil
        }
    }

    private init(storage: Storage) {
        self.storage = storage
    }
}
