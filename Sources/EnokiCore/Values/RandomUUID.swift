//===----------------------------------------------------------------------===//
// This source file is part of Enoki. Licensed under Apache License v2.0.
//===----------------------------------------------------------------------===//

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Random (version 4) UUIDs as text, the form of Nameko's call ids and correlation ids (Python's
/// `str(uuid.uuid4())`): `1b4e28ba-2fa1-4d1f-8e62-6a1b57d7a0f5`.
///
/// Every call and every worker takes one. Foundation's `UUID()` opens and reads `/dev/urandom` each time on
/// Linux, and its text goes through `printf`, which made them a visible share of a call's cost; this takes its 16
/// bytes from the system's generator in one system call and writes the digits itself.
public enum RandomUUID {
    /// A new random UUID in lowercase text.
    public static func make() -> String {
        var (high, low) = randomBits()
        // Version 4 in the high nibble of byte 6, variant 10 in the top bits of byte 8.
        high = high & ~0xF000 | 0x4000
        low = low & ~(0xC000 << 48) | (0x8000 << 48)
        return String(unsafeUninitializedCapacity: 36) { buffer in
            let digits: StaticString = "0123456789abcdef"
            var index = 0
            func write(_ value: UInt64, nibbles: ClosedRange<Int>) {
                for nibble in nibbles.reversed() {
                    if index == 8 || index == 13 || index == 18 || index == 23 {
                        buffer[index] = UInt8(ascii: "-")
                        index += 1
                    }
                    buffer[index] = digits.utf8Start[Int((value >> UInt64(nibble * 4)) & 0xF)]
                    index += 1
                }
            }
            write(high, nibbles: 0...15)
            write(low, nibbles: 0...15)
            return index
        }
    }

    /// 128 random bits from the system's generator in one call (`getentropy`), or in two draws of the standard
    /// generator if that fails.
    private static func randomBits() -> (UInt64, UInt64) {
        var bits: (UInt64, UInt64) = (0, 0)
        let status = withUnsafeMutableBytes(of: &bits) { buffer in
            getentropy(buffer.baseAddress, buffer.count)
        }
        if status == 0 {
            return bits
        }
        var generator = SystemRandomNumberGenerator()
        return (generator.next(), generator.next())
    }
}
