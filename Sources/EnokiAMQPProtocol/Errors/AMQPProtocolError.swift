//===----------------------------------------------------------------------===//
// This source file is part of Enoki. Licensed under Apache License v2.0.
//===----------------------------------------------------------------------===//

/// An error found while encoding or decoding AMQP 0-9-1 frames.
///
/// Decoding never throws because input is incomplete (the decoder asks for more bytes instead); it throws only
/// for input that can never become valid: a wrong frame-end byte, an oversized frame, an unknown frame type or
/// method, a field table that runs past its frame, and so on. After such an error the byte stream is out of step
/// and the connection must be closed.
///
/// The same type describes what is wrong with one message whose frames are well formed (``AMQPFrame/problem``,
/// ``AMQPContent/problem``): then only that message is refused.
public struct AMQPProtocolError: Error, Hashable, Sendable, CustomStringConvertible {
    /// What kind of protocol error this is.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Base: String, Hashable, Sendable {
            case truncated
            case invalidFrameEnd
            case frameTooLarge
            case unknownFrameType
            case unknownMethod
            case unknownFieldType
            case invalidUTF8
            case stringTooLong
            case protocolHeaderReceived
            case trailingBytes
            case unexpectedFrame
            case nestingTooDeep
            case invalidContentHeader
            case bodyTooLarge
        }

        private let base: Base

        private init(_ base: Base) {
            self.base = base
        }

        /// A length field points past the end of its frame.
        public static let truncated = Code(.truncated)
        /// A frame does not end with the frame-end octet `0xCE`.
        public static let invalidFrameEnd = Code(.invalidFrameEnd)
        /// A frame is larger than the negotiated `frame_max`.
        public static let frameTooLarge = Code(.frameTooLarge)
        /// A frame type other than method (1), header (2), body (3) or heartbeat (8).
        public static let unknownFrameType = Code(.unknownFrameType)
        /// A class id and method id pair that AMQP 0-9-1 does not define.
        public static let unknownMethod = Code(.unknownMethod)
        /// A field-table value with an unknown type octet.
        public static let unknownFieldType = Code(.unknownFieldType)
        /// A short string or table key that is not valid UTF-8.
        public static let invalidUTF8 = Code(.invalidUTF8)
        /// A short string or table key longer than 255 bytes.
        public static let stringTooLong = Code(.stringTooLong)
        /// The peer sent an AMQP protocol header: it does not speak AMQP 0-9-1.
        public static let protocolHeaderReceived = Code(.protocolHeaderReceived)
        /// A frame's payload has bytes left over after its last field.
        public static let trailingBytes = Code(.trailingBytes)
        /// A frame arrived where the protocol does not allow it (a body frame with no content header, say).
        public static let unexpectedFrame = Code(.unexpectedFrame)
        /// Field tables or arrays nested deeper than the decoder accepts.
        public static let nestingTooDeep = Code(.nestingTooDeep)
        /// A content header for a class other than basic, or with a malformed property list.
        public static let invalidContentHeader = Code(.invalidContentHeader)
        /// A message body larger than the receiver accepts; a problem of that message, not of the connection.
        public static let bodyTooLarge = Code(.bodyTooLarge)

        public var description: String { self.base.rawValue }
    }

    /// The kind of error.
    public var code: Code
    /// A sentence saying what was wrong, for logs and error messages.
    public var message: String

    /// Creates an error.
    ///
    /// - Parameters:
    ///   - code: The kind of error.
    ///   - message: A sentence saying what was wrong.
    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { "AMQP protocol error (\(self.code)): \(self.message)" }
}
