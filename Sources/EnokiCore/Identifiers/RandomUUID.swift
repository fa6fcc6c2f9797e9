//===----------------------------------------------------------------------===//
// This source file is part of Enoki. Licensed under Apache License v2.0.
//===----------------------------------------------------------------------===//

import Synchronization

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
/// bytes from the system's generator, sixteen ids to a system call, and writes the digits itself.
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

    /// 128 random bits from the system's generator (`getentropy`), taken from a pool refilled 256 bytes at a time
    /// so that sixteen ids share one system call; two draws of the standard generator if `getentropy` fails.
    ///
    /// The pool holds bytes not yet handed out, never reused: each id gets bytes no other id saw. A process that
    /// forks without exec would share the pool's remaining bytes with its child, as it would share any
    /// user-space generator's state.
    private static func randomBits() -> (UInt64, UInt64) {
        if let bits = self.pool.withLock({ $0.take() }) {
            return bits
        }
        var generator = SystemRandomNumberGenerator()
        return (generator.next(), generator.next())
    }

    private static let pool = Mutex(EntropyPool())

    /// Random bytes from `getentropy` (which gives at most 256 bytes per call), handed out 16 at a time.
    private struct EntropyPool {
        private var words: [(UInt64, UInt64)] = Array(repeating: (0, 0), count: 16)
        private var next = 16

        mutating func take() -> (UInt64, UInt64)? {
            if self.next == self.words.count {
                let status = self.words.withUnsafeMutableBytes { buffer in
                    getentropy(buffer.baseAddress, buffer.count)
                }
                guard status == 0 else { return nil }
                self.next = 0
            }
            defer { self.next += 1 }
            return self.words[self.next]
        }
    }
}
