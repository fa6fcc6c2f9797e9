//===----------------------------------------------------------------------===//
// This source file is part of Enoki. Licensed under Apache License v2.0.
//===----------------------------------------------------------------------===//

import NIOCore
import Testing

@testable import EnokiSMTP

/// A server is not trusted, nor is the text a caller puts in a mail: random input never crashes the decoder or the
/// renderer, and never lets text out of the header it was put in.
@Suite struct HostileInputTests {
    /// A fixed-seed generator, so that a failure can be replayed.
    struct SplitMix: RandomNumberGenerator {
        var state: UInt64
        mutating func next() -> UInt64 {
            self.state &+= 0x9E37_79B9_7F4A_7C15
            var z = self.state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
    }

    @Test func randomBytesGiveRepliesOrAnErrorAndNeverACrash() {
        var random = SplitMix(state: 18)
        let pieces: [[UInt8]] = [
            Array("250".utf8), Array("-".utf8), Array(" ".utf8), Array("\r\n".utf8), Array("\n".utf8), [0], [0xFF],
            Array("220 ok\r\n".utf8), Array("9".utf8), Array("x".utf8), [UInt8](repeating: 0x41, count: 700),
        ]
        for _ in 0..<2000 {
            var bytes: [UInt8] = []
            for _ in 0..<Int.random(in: 1...40, using: &random) { bytes += pieces.randomElement(using: &random)! }
            var decoder = SMTPReplyDecoder()
            var buffer = ByteBuffer()
            var start = 0
            decoding: while start < bytes.count {
                let end = min(bytes.count, start + Int.random(in: 1...64, using: &random))
                buffer.writeBytes(bytes[start..<end])
                start = end
                do {
                    while let reply = try decoder.decode(buffer: &buffer) {
                        #expect((100...999).contains(reply.code))
                    }
                } catch {
                    #expect(error is SMTPError)
                    break decoding
                }
                #expect(buffer.readableBytes <= SMTPReplyDecoder.maximumLineLength + 64)
            }
        }
    }

    @Test func randomTextNeverAddsAHeaderOrALineBreak() throws {
        var random = SplitMix(state: 2047)
        let alphabet: [String] = [
            "a", " ", "\r", "\n", "\r\n", "\0", ":", "=?", "?=", "é", "✓", "日", "\u{1F600}", "\t", "<", ">", "\"",
        ]
        let renderer = MessageRenderer(date: 0, randomHex: { String(repeating: "0", count: $0) })
        for _ in 0..<500 {
            let text = (0..<Int.random(in: 0...120, using: &random)).map { _ in alphabet.randomElement(using: &random)!
            }
            .joined()
            let message = MailMessage(
                from: try MailAddress("a@example.com", name: text),
                to: [try MailAddress("b@example.com")],
                subject: text,
                text: text,
                headers: [(name: "X-Note", value: text)]
            )
            let bytes = try renderer.render(message)
            let rendered = String(decoding: bytes, as: UTF8.self)
            let head = rendered.split(separator: "\r\n\r\n", maxSplits: 1, omittingEmptySubsequences: false)[0]
            // Every header line is one of ours, or a folded continuation of one.
            let names = [
                "From", "To", "Subject", "Date", "Message-ID", "X-Note", "MIME-Version", "Content-Type",
                "Content-Transfer-Encoding",
            ]
            for line in head.split(separator: "\r\n", omittingEmptySubsequences: false) {
                #expect(line.hasPrefix(" ") || names.contains { line.hasPrefix($0 + ":") }, "\(line.debugDescription)")
                #expect(!line.contains("\r") && !line.contains("\n") && !line.contains("\0"))
            }
            // No CR or LF anywhere but in CRLF pairs.
            for (index, byte) in bytes.enumerated() where byte == 0x0A {
                #expect(index > 0 && bytes[index - 1] == 0x0D)
            }
            for (index, byte) in bytes.enumerated() where byte == 0x0D {
                #expect(index + 1 < bytes.count && bytes[index + 1] == 0x0A)
            }
            // The data after DATA never holds the end-of-data line early.
            let data = MessageRenderer.dataBytes(bytes)
            let sent = String(decoding: data, as: UTF8.self)
            #expect(sent.split(separator: "\r\n.\r\n", omittingEmptySubsequences: false).count == 2)
            #expect(sent.hasSuffix("\r\n.\r\n"))
        }
    }
}
