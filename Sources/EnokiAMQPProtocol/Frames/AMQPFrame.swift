//===----------------------------------------------------------------------===//
// This source file is part of Enoki. Licensed under Apache License v2.0.
//===----------------------------------------------------------------------===//

public import NIOCore

/// One AMQP 0-9-1 frame: a channel number and a payload.
public struct AMQPFrame: Sendable, Hashable {
    /// What a frame carries.
    public enum Payload: Sendable, Hashable {
        /// A method frame (type 1).
        case method(AMQPMethod)
        /// A content header frame (type 2).
        case header(ContentHeader)
        /// A content body frame (type 3): a slice of the message body.
        case body(ByteBuffer)
        /// A heartbeat frame (type 8), always on channel 0.
        case heartbeat
    }

    /// The frame type octets of AMQP 0-9-1.
    public enum FrameType: UInt8, Sendable {
        /// A method frame.
        case method = 1
        /// A content header frame.
        case header = 2
        /// A content body frame.
        case body = 3
        /// A heartbeat frame.
        case heartbeat = 8
    }

    /// The channel the frame belongs to; 0 is the connection itself.
    public var channelID: UInt16
    /// The payload.
    public var payload: Payload
    /// What was wrong with a well-framed frame whose fields a publisher chose: text that is not UTF-8 in a
    /// content-carrying method, or message properties that do not decode. The frame is decoded as far as it can
    /// be (U+FFFD for bad text); the message it belongs to is to be refused, not the connection. `nil` for every
    /// other frame.
    public var problem: AMQPProtocolError?

    /// Creates a frame.
    public init(channelID: UInt16, payload: Payload, problem: AMQPProtocolError? = nil) {
        self.channelID = channelID
        self.payload = payload
        self.problem = problem
    }

    /// A method frame.
    public static func method(_ method: AMQPMethod, channelID: UInt16) -> AMQPFrame {
        AMQPFrame(channelID: channelID, payload: .method(method))
    }

    /// The heartbeat frame.
    public static let heartbeat = AMQPFrame(channelID: 0, payload: .heartbeat)

    /// The octet that ends every frame.
    public static let frameEnd: UInt8 = 0xCE

    /// Bytes a frame adds around its payload: type (1), channel (2), size (4) and frame end (1).
    public static let overhead = 8

    /// The smallest `frame_max` a peer may announce, and the limit before tuning.
    public static let minimumFrameMax: UInt32 = 4096
}

/// The protocol header a client sends first: `AMQP` 0 0 9 1.
public enum AMQPProtocolHeader {
    /// The eight bytes of the AMQP 0-9-1 protocol header.
    public static let bytes: [UInt8] = [0x41, 0x4D, 0x51, 0x50, 0, 0, 9, 1]
}
