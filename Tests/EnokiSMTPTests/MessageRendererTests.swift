//===----------------------------------------------------------------------===//
// This source file is part of Enoki. Licensed under Apache License v2.0.
//===----------------------------------------------------------------------===//

import Testing

@testable import EnokiSMTP

@Suite struct MessageRendererTests {
    private let renderer = MessageRenderer(date: 1_796_188_154, randomHex: { String(repeating: "a", count: $0) })

    private func render(_ message: MailMessage) throws -> String {
        String(decoding: try self.renderer.render(message), as: UTF8.self)
    }

    private func mail(subject: String = "Hello", text: String = "Hi there", html: String? = nil) throws -> MailMessage {
        MailMessage(
            from: try MailAddress(parsing: "Compute <compute@example.com>"),
            to: [try MailAddress("name@email.com"), try MailAddress("other@email.com", name: "Ötzi")],
            subject: subject,
            text: text,
            html: html
        )
    }

    /// The headers of a rendered message, unfolded.
    private func headers(_ rendered: String) -> [String: String] {
        let head = rendered.split(separator: "\r\n\r\n", maxSplits: 1)[0]
        var headers: [String: String] = [:]
        var last: String?
        for line in head.split(separator: "\r\n") {
            if line.hasPrefix(" "), let last {
                headers[last]! += String(line)
            } else {
                let parts = line.split(separator: ":", maxSplits: 1)
                last = String(parts[0])
                headers[last!] = String(parts[1].dropFirst())
            }
        }
        return headers
    }

    /// RFC 2047 B words decoded (what a mail reader shows).
    private func decodeWords(_ text: String) -> String {
        // White space between two encoded words is dropped; any other stays.
        var out: [UInt8] = []
        var previousWasWord = false
        for token in text.split(separator: " ") {
            let isWord = token.hasPrefix("=?utf-8?b?") && token.hasSuffix("?=")
            if !out.isEmpty, !(isWord && previousWasWord) { out.append(0x20) }
            out += isWord ? Base64.decode(String(token.dropFirst(10).dropLast(2)))! : Array(token.utf8)
            previousWasWord = isWord
        }
        return String(decoding: out, as: UTF8.self)
    }

    @Test func anASCIIMailIsSentAsItIs() throws {
        let rendered = try self.render(try self.mail())
        let headers = self.headers(rendered)
        #expect(headers["From"] == "Compute <compute@example.com>")
        #expect(headers["Subject"] == "Hello")
        #expect(headers["Date"] == "Wed, 02 Dec 2026 05:09:14 +0000")
        #expect(headers["Message-ID"] == "<aaaaaaaaaaaaaaaa.aaaaaaaa@example.com>")
        #expect(headers["MIME-Version"] == "1.0")
        #expect(headers["Content-Type"] == "text/plain; charset=\"utf-8\"")
        #expect(headers["Content-Transfer-Encoding"] == "7bit")
        #expect(rendered.hasSuffix("\r\n\r\nHi there\r\n"))
        #expect(!rendered.contains("\n\n"), "every line ends in CRLF")
    }

    @Test func aUTF8SubjectIsEncodedWordsOfWholeCharacters() throws {
        let subject = "Résultat: ✓ " + String(repeating: "日本語", count: 12)
        let headers = self.headers(try self.render(try self.mail(subject: subject)))
        let raw = try #require(headers["Subject"])
        #expect(raw.hasPrefix("=?utf-8?b?"))
        #expect(raw.utf8.allSatisfy { $0 < 0x80 })
        #expect(self.decodeWords(raw) == subject)
        for word in raw.split(separator: " ") { #expect(word.count <= 75) }
        #expect(self.decodeWords(try #require(headers["To"])) == "<name@email.com>, Ötzi <other@email.com>")
    }

    @Test func headerLinesStayShortAndNoCallerCanAddAHeader() throws {
        let subject = "Ignore\r\nBcc: victim@example.com\nX-Evil: 1"
        let rendered = try self.render(try self.mail(subject: subject))
        #expect(!rendered.contains("\r\nBcc:"))
        #expect(!rendered.contains("\r\nX-Evil:"))
        #expect(self.headers(rendered)["Subject"] == "Ignore Bcc: victim@example.com X-Evil: 1")
        let long = try self.render(try self.mail(subject: String(repeating: "word ", count: 60)))
        for line in long.split(separator: "\r\n") { #expect(line.utf8.count <= 78) }
        #expect(throws: SMTPError.self) { try MailAddress("victim@example.com>\r\nRCPT TO:<x@y") }
        #expect(throws: SMTPError.self) { try MailAddress("no-at-sign") }
        #expect(throws: SMTPError.self) { try MailAddress("two words@example.com") }
    }

    @Test func aUTF8BodyIsBase64OfItsTextWithCRLF() throws {
        let text = "Der Wert ist: 40\nGrüße\r\n— Enoki"
        let rendered = try self.render(try self.mail(text: text))
        #expect(self.headers(rendered)["Content-Transfer-Encoding"] == "base64")
        let body = rendered.split(separator: "\r\n\r\n", maxSplits: 1)[1]
        for line in body.split(separator: "\r\n") { #expect(line.count <= 76) }
        let decoded = Base64.decode(body.split(separator: "\r\n").joined())!
        #expect(String(decoding: decoded, as: UTF8.self) == "Der Wert ist: 40\r\nGrüße\r\n— Enoki")
    }

    @Test func anHTMLBodyMakesAMultipartAlternative() throws {
        let rendered = try self.render(try self.mail(html: "<p>Hi there</p>"))
        #expect(self.headers(rendered)["Content-Type"] == "multipart/alternative; boundary=\"=_aaaaaaaaaaaa\"")
        #expect(rendered.contains("--=_aaaaaaaaaaaa\r\nContent-Type: text/plain; charset=\"utf-8\""))
        #expect(rendered.contains("--=_aaaaaaaaaaaa\r\nContent-Type: text/html; charset=\"utf-8\""))
        #expect(rendered.hasSuffix("--=_aaaaaaaaaaaa--\r\n"))
    }

    @Test func dataBytesStuffDotsAndEndWithTheDotLine() {
        let data = MessageRenderer.dataBytes(Array("a\r\n.\r\n..b\r\nc".utf8))
        #expect(String(decoding: data, as: UTF8.self) == "a\r\n..\r\n...b\r\nc\r\n.\r\n")
        #expect(String(decoding: MessageRenderer.dataBytes(Array(".x\r\n".utf8)), as: UTF8.self) == "..x\r\n.\r\n")
    }

    @Test func addressesAreParsedWithTheirNames() throws {
        #expect(try MailAddress(parsing: "  ada@example.com ") == MailAddress("ada@example.com"))
        #expect(try MailAddress(parsing: "\"Lovelace, Ada\" <ada@example.com>").name == "Lovelace, Ada")
        #expect(try MailAddress(parsing: "<ada@example.com>").name == nil)
        #expect(try !MailAddress("ädä@example.com").isASCII)
    }
}
