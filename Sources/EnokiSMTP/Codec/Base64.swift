//===----------------------------------------------------------------------===//
// This source file is part of Enoki. Licensed under Apache License v2.0.
//===----------------------------------------------------------------------===//

/// RFC 4648 base64, as SMTP's `AUTH` and MIME bodies use it.
enum Base64 {
    private static let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)

    /// The bytes in base64, on one line.
    static func encode(_ bytes: some Collection<UInt8>) -> String {
        var out: [UInt8] = []
        out.reserveCapacity((bytes.count + 2) / 3 * 4)
        var iterator = bytes.makeIterator()
        while let first = iterator.next() {
            let second = iterator.next()
            let third = iterator.next()
            let value = UInt32(first) << 16 | UInt32(second ?? 0) << 8 | UInt32(third ?? 0)
            out.append(self.alphabet[Int(value >> 18 & 63)])
            out.append(self.alphabet[Int(value >> 12 & 63)])
            out.append(second == nil ? UInt8(ascii: "=") : self.alphabet[Int(value >> 6 & 63)])
            out.append(third == nil ? UInt8(ascii: "=") : self.alphabet[Int(value & 63)])
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// The bytes of base64 text, or `nil` when it is not base64.
    static func decode(_ text: String) -> [UInt8]? {
        var out: [UInt8] = []
        var accumulator: UInt32 = 0
        var bits = 0
        for byte in text.utf8 where byte != UInt8(ascii: "=") {
            guard let index = self.alphabet.firstIndex(of: byte) else { return nil }
            accumulator = accumulator << 6 | UInt32(index)
            bits += 6
            if bits >= 8 {
                bits -= 8
                out.append(UInt8(accumulator >> UInt32(bits) & 0xFF))
            }
        }
        return out
    }
}
