//===----------------------------------------------------------------------===//
// This source file is part of Enoki. Licensed under Apache License v2.0.
//===----------------------------------------------------------------------===//

/// The number of a channel on its connection (1 and up; 0 is the connection itself).
public struct ChannelID: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    /// The channel number.
    public var rawValue: UInt16
    /// Wraps a channel number.
    public init(rawValue: UInt16) { self.rawValue = rawValue }
    public var description: String { String(self.rawValue) }
}

/// A delivery tag: the number a channel gives each message it delivers, used to ack, nack or reject it.
///
/// Tags are only meaningful on the channel that delivered the message, and only while that channel is open.
public struct DeliveryTag: RawRepresentable, Hashable, Sendable, Comparable, CustomStringConvertible {
    /// The tag's number.
    public var rawValue: UInt64
    /// Wraps a tag number.
    public init(rawValue: UInt64) { self.rawValue = rawValue }
    public static func < (lhs: DeliveryTag, rhs: DeliveryTag) -> Bool { lhs.rawValue < rhs.rawValue }
    public var description: String { String(self.rawValue) }
}

/// The tag that names a consumer on its channel.
public struct ConsumerTag: RawRepresentable, Hashable, Sendable, ExpressibleByStringLiteral, CustomStringConvertible {
    /// The tag.
    public var rawValue: String
    /// Wraps a tag.
    public init(rawValue: String) { self.rawValue = rawValue }
    /// A tag from a string literal.
    public init(stringLiteral value: String) { self.rawValue = value }
    public var description: String { self.rawValue }
}

/// The type of an exchange.
///
/// A struct rather than an enum, so that plug-in types (`x-delayed-message`, `x-consistent-hash`, …) fit
/// without a breaking change: use ``custom(_:)``.
public struct ExchangeKind: Hashable, Sendable, CustomStringConvertible {
    /// The type's name on the wire.
    public var name: String

    private init(name: String) { self.name = name }

    /// Routes on an exact routing-key match.
    public static let direct = ExchangeKind(name: "direct")
    /// Routes on routing-key patterns with `*` (one word) and `#` (zero or more words).
    public static let topic = ExchangeKind(name: "topic")
    /// Routes to every bound queue.
    public static let fanout = ExchangeKind(name: "fanout")
    /// Routes on header values.
    public static let headers = ExchangeKind(name: "headers")
    /// Any other exchange type a broker plug-in provides.
    public static func custom(_ name: String) -> ExchangeKind { ExchangeKind(name: name) }

    public var description: String { self.name }
}
