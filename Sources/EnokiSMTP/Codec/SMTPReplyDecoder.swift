//===----------------------------------------------------------------------===//
// This source file is part of Enoki. Licensed under Apache License v2.0.
//===----------------------------------------------------------------------===//

public import NIOCore

/// Reads SMTP replies from bytes: lines of `ddd-text` that continue a reply and a last line of `ddd text`
/// (RFC 5321 §4.2.1). No I/O.
///
/// A server is not trusted: a line longer than ``maximumLineLength``, a reply of more than ``maximumLines`` lines,
/// a line that does not start with a code, or a continuation that changes the code is an ``SMTPError`` with code
/// ``SMTPError/Code/protocolViolation``. Text that is not UTF-8 is read with replacement characters.
public struct SMTPReplyDecoder: NIOSingleStepByteToMessageDecoder {
    public typealias InboundOut = SMTPReply

    /// The longest line read (RFC 5321 allows 512 bytes; servers write longer ones).
    public static let maximumLineLength = 4096
    /// The most lines one reply may have.
    public static let maximumLines = 256

    private var pending: [String] = []
    private var pendingCode: Int?

    /// A decoder.
    public init() {}

    public mutating func decode(buffer: inout ByteBuffer) throws -> SMTPReply? {
        while true {
            let view = buffer.readableBytesView
            guard let newline = view.firstIndex(of: UInt8(ascii: "\n")) else {
                if view.count > Self.maximumLineLength {
                    throw SMTPError(
                        .protocolViolation,
                        "the server sent a line of more than \(Self.maximumLineLength) bytes"
                    )
                }
                return nil
            }
            let length = newline - view.startIndex
            guard length <= Self.maximumLineLength else {
                throw SMTPError(
                    .protocolViolation,
                    "the server sent a line of more than \(Self.maximumLineLength) bytes"
                )
            }
            var line = buffer.readBytes(length: length + 1)!
            line.removeLast()
            if line.last == UInt8(ascii: "\r") { line.removeLast() }
            if var reply = try self.take(line) {
                reply.bytesFollowed = buffer.readableBytes > 0
                return reply
            }
        }
    }

    public mutating func decodeLast(buffer: inout ByteBuffer, seenEOF: Bool) throws -> SMTPReply? {
        try self.decode(buffer: &buffer)
    }

    private mutating func take(_ line: [UInt8]) throws -> SMTPReply? {
        guard line.count >= 3, line[0..<3].allSatisfy({ (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) }),
            line.count == 3 || line[3] == UInt8(ascii: " ") || line[3] == UInt8(ascii: "-")
        else {
            throw SMTPError(.protocolViolation, "the server sent a line that is not an SMTP reply: \(Self.quote(line))")
        }
        let code = line[0..<3].reduce(0) { $0 * 10 + Int($1 - UInt8(ascii: "0")) }
        if let pendingCode, pendingCode != code {
            throw SMTPError(
                .protocolViolation,
                "the server changed the reply code from \(pendingCode) to \(code) within one reply"
            )
        }
        let text = line.count > 4 ? String(decoding: line[4...], as: UTF8.self) : ""
        self.pending.append(text)
        guard line.count > 3, line[3] == UInt8(ascii: "-") else {
            let reply = SMTPReply(code: code, lines: self.pending)
            self.pending = []
            self.pendingCode = nil
            return reply
        }
        guard self.pending.count < Self.maximumLines else {
            throw SMTPError(.protocolViolation, "the server sent a reply of more than \(Self.maximumLines) lines")
        }
        self.pendingCode = code
        return nil
    }

    private static func quote(_ line: [UInt8]) -> String {
        let text = String(decoding: line.prefix(80), as: UTF8.self)
        let printable = text.unicodeScalars.map { $0.properties.generalCategory == .control ? "?" : String($0) }
        return "\"" + printable.joined() + (line.count > 80 ? "…" : "") + "\""
    }
}
