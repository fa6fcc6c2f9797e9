//===----------------------------------------------------------------------===//
// This source file is part of Enoki. Licensed under Apache License v2.0.
//===----------------------------------------------------------------------===//

import NIOCore
import Testing

@testable import EnokiSMTP

@Suite struct ReplyDecoderTests {
    /// Every reply the bytes make, fed in pieces of `chunk` bytes.
    private func replies(_ text: String, chunk: Int = .max) throws -> [SMTPReply] {
        var decoder = SMTPReplyDecoder()
        var buffer = ByteBuffer()
        var out: [SMTPReply] = []
        let bytes = Array(text.utf8)
        var start = 0
        while start < bytes.count {
            let end = min(bytes.count, start + min(chunk, bytes.count))
            buffer.writeBytes(bytes[start..<end])
            while let reply = try decoder.decode(buffer: &buffer) { out.append(reply) }
            start = end
        }
        return out
    }

    @Test func oneLineReplies() throws {
        let replies = try self.replies("220 mail.example.com ESMTP ready\r\n250 OK\r\n")
        #expect(
            replies == [
                SMTPReply(code: 220, lines: ["mail.example.com ESMTP ready"]), SMTPReply(code: 250, lines: ["OK"]),
            ]
        )
        #expect(replies[0].description == "220 mail.example.com ESMTP ready")
        #expect(replies[0].bytesFollowed, "the second reply had come with the first")
        #expect(!replies[1].bytesFollowed)
    }

    @Test func aMultiLineReplyIsOneReply() throws {
        let text = "250-mail.example.com\r\n250-STARTTLS\r\n250-AUTH PLAIN LOGIN\r\n250 SIZE 1000\r\n"
        for chunk in [1, 3, 7, 1000] {
            let replies = try self.replies(text, chunk: chunk)
            #expect(
                replies == [
                    SMTPReply(code: 250, lines: ["mail.example.com", "STARTTLS", "AUTH PLAIN LOGIN", "SIZE 1000"])
                ]
            )
        }
        let capabilities = SMTPCapabilities(ehloReply: try self.replies(text)[0])
        #expect(capabilities.startTLS)
        #expect(capabilities.authMechanisms == ["PLAIN", "LOGIN"])
        #expect(capabilities.maximumSize == 1000)
        #expect(!capabilities.smtpUTF8)
    }

    @Test func bareLineFeedsAndCodeOnlyLinesAreRead() throws {
        #expect(
            try self.replies("250\n354 go ahead\n") == [
                SMTPReply(code: 250, lines: [""]), SMTPReply(code: 354, lines: ["go ahead"]),
            ]
        )
    }

    @Test func aLineThatIsNotAReplyIsAProtocolViolation() {
        #expect(throws: SMTPError.self) { try self.replies("HTTP/1.1 400 Bad Request\r\n") }
        #expect(throws: SMTPError.self) { try self.replies("25 short\r\n") }
        #expect(throws: SMTPError.self) { try self.replies("250x no separator\r\n") }
    }

    @Test func aContinuationThatChangesTheCodeIsAProtocolViolation() {
        #expect(throws: SMTPError.self) { try self.replies("250-one\r\n550 two\r\n") }
    }

    @Test func anEndlessLineOrReplyIsRefused() {
        let long = String(repeating: "a", count: SMTPReplyDecoder.maximumLineLength + 10)
        #expect(throws: SMTPError.self) { try self.replies("250 " + long) }
        let many = String(repeating: "250-x\r\n", count: SMTPReplyDecoder.maximumLines + 1) + "250 end\r\n"
        #expect(throws: SMTPError.self) { try self.replies(many) }
    }

    @Test func textThatIsNotUTF8IsReadWithReplacements() throws {
        var buffer = ByteBuffer(bytes: Array("550 bad ".utf8) + [0xFF, 0xFE] + Array("\r\n".utf8))
        var decoder = SMTPReplyDecoder()
        let reply = try #require(try decoder.decode(buffer: &buffer))
        #expect(reply.code == 550)
        #expect(reply.lines == ["bad \u{FFFD}\u{FFFD}"])
    }
}

@Suite struct CommandTests {
    private func line(_ command: SMTPCommand) -> String {
        var buffer = ByteBuffer()
        command.write(into: &buffer)
        return String(buffer: buffer)
    }

    @Test func commandsAreWrittenWithCRLF() {
        #expect(self.line(.ehlo("client.example")) == "EHLO client.example\r\n")
        #expect(self.line(.mailFrom("a@example.com", smtpUTF8: false)) == "MAIL FROM:<a@example.com>\r\n")
        #expect(self.line(.mailFrom("ü@example.com", smtpUTF8: true)) == "MAIL FROM:<ü@example.com> SMTPUTF8\r\n")
        #expect(self.line(.rcptTo("b@example.com")) == "RCPT TO:<b@example.com>\r\n")
        #expect(self.line(.data) == "DATA\r\n")
        #expect(self.line(.quit) == "QUIT\r\n")
    }

    @Test func authPlainIsRFC4616InBase64() {
        // base64("\0user\0pass") as RFC 4616's example has it.
        #expect(self.line(.authPlain(username: "user", password: "pass")) == "AUTH PLAIN AHVzZXIAcGFzcw==\r\n")
        #expect(self.line(.authResponse("user")) == "dXNlcg==\r\n")
    }

    @Test func credentialsNeverAppearInADescription() {
        #expect(SMTPCommand.authPlain(username: "user", password: "s3cret").description == "AUTH PLAIN **")
        #expect(SMTPCommand.authResponse("s3cret").description == "**")
    }

    @Test func base64RoundTrips() {
        for text in ["", "a", "ab", "abc", "abcd", "héllo wörld ✓"] {
            #expect(Base64.decode(Base64.encode(Array(text.utf8))) == Array(text.utf8))
        }
    }
}
