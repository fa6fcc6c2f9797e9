//===----------------------------------------------------------------------===//
// This source file is part of Enoki. Licensed under Apache License v2.0.
//===----------------------------------------------------------------------===//

import EnokiAMQPProtocol
import Foundation
import NIOCore

extension ByteBuffer {
    /// A buffer from a hex string; spaces are ignored.
    init(hex: String) {
        let digits = hex.filter { !$0.isWhitespace }
        var bytes: [UInt8] = []
        var index = digits.startIndex
        while index < digits.endIndex {
            let next = digits.index(index, offsetBy: 2)
            bytes.append(UInt8(digits[index..<next], radix: 16)!)
            index = next
        }
        self.init(bytes: bytes)
    }

    var hexString: String {
        self.readableBytesView.map { String(format: "%02x", $0) }.joined()
    }
}

extension String {
    /// Hex of the string's UTF-8 bytes.
    var utf8Hex: String { self.utf8.map { String(format: "%02x", $0) }.joined() }
}

/// Encodes one frame.
func encodeFrame(_ frame: AMQPFrame, frameMax: UInt32 = .max) throws -> ByteBuffer {
    var buffer = ByteBuffer()
    try AMQPFrameEncoder.encode(frame, frameMax: frameMax, into: &buffer)
    return buffer
}

/// Decodes every frame in a buffer, failing if bytes are left over.
func decodeFrames(_ buffer: ByteBuffer, maximumFrameSize: UInt32 = 131_072) throws -> [AMQPFrame] {
    var buffer = buffer
    let decoder = AMQPFrameDecoder(maximumFrameSize: maximumFrameSize)
    var frames: [AMQPFrame] = []
    while let frame = try decoder.decodeFrame(buffer: &buffer) {
        frames.append(frame)
    }
    return frames
}
