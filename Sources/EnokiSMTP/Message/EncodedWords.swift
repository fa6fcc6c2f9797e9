//===----------------------------------------------------------------------===//
// This source file is part of Enoki. Licensed under Apache License v2.0.
//===----------------------------------------------------------------------===//

/// RFC 2047 encoded words: header text that is not ASCII, as `=?utf-8?b?…?=`.
enum EncodedWords {
    /// The most bytes of text in one word: its base64 (60 characters) and the 12 of `=?utf-8?b?` and `?=` stay
    /// within the 75 characters RFC 2047 allows a word.
    static let bytesPerWord = 45

    /// The text as encoded words, split between characters (never inside one character's UTF-8 bytes).
    static func encode(_ text: String) -> [String] {
        var words: [String] = []
        var chunk: [UInt8] = []
        for character in text {
            let bytes = Array(String(character).utf8)
            if chunk.count + bytes.count > self.bytesPerWord, !chunk.isEmpty {
                words.append(self.word(chunk))
                chunk = []
            }
            chunk += bytes
        }
        if !chunk.isEmpty || words.isEmpty { words.append(self.word(chunk)) }
        return words
    }

    /// Whether header text must be encoded: it is not ASCII, holds control characters, or holds `=?`, which a
    /// reader would take for the start of an encoded word.
    static func needsEncoding(_ text: String) -> Bool {
        text.utf8.contains { $0 >= 0x80 || ($0 < 0x20 && $0 != 0x09) || $0 == 0x7F } || text.contains("=?")
    }

    private static func word(_ bytes: [UInt8]) -> String {
        "=?utf-8?b?" + Base64.encode(bytes) + "?="
    }
}
