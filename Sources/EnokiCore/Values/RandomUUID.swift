//===----------------------------------------------------------------------===//
// This source file is part of Enoki. Licensed under Apache License v2.0.
//===----------------------------------------------------------------------===//

import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// Random (version 4) UUIDs as text, the form of Nameko's call ids and correlation ids (Python's
/// `str(uuid.uuid4())`): `1b4e28ba-2fa1-4d1f-8e62-6a1b57d7a0f5`.
///
/// Every call and every worker takes one. Foundation's `UUID()` opens and reads `/dev/urandom` each time on
/// Linux, and its text goes through `printf`; the system generator costs a `getrandom` system call per 8 bytes.
/// This reads the operating system's random bytes 4 KiB at a time (one call per 256 UUIDs) and writes the digits
/// itself. A process that forks without `exec` shares the unused bytes with its child.
public enum RandomUUID {
    /// A new random UUID in lowercase text.
    public static func make() -> String {
        let (random1, random2) = RandomWords.shared.nextPair()
        // Version 4 in the high nibble of byte 6, variant 10 in the top bits of byte 8.
        let high = random1 & ~0xF000 | 0x4000
        let low = random2 & ~(0xC000 << 48) | (0x8000 << 48)
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
}

/// Random 64-bit words from the operating system, fetched in blocks.
final class RandomWords: Sendable {
    static let shared = RandomWords()

    private struct Block {
        var words = [UInt64](repeating: 0, count: 512)
        var next = 512
    }

    private let block = Mutex(Block())

    /// Two fresh random words.
    func nextPair() -> (UInt64, UInt64) {
        self.block.withLock { block in
            if block.next + 2 > block.words.count {
                Self.refill(&block.words)
                block.next = 0
            }
            defer { block.next += 2 }
            return (block.words[block.next], block.words[block.next + 1])
        }
    }

    private static func refill(_ words: inout [UInt64]) {
        #if canImport(Glibc)
        let byteCount = words.count * MemoryLayout<UInt64>.size
        let descriptor = open("/dev/urandom", O_RDONLY | O_CLOEXEC)
        if descriptor >= 0 {
            defer { close(descriptor) }
            let filled = words.withUnsafeMutableBytes { buffer in
                read(descriptor, buffer.baseAddress, byteCount)
            }
            if filled == byteCount { return }
        }
        #endif
        var generator = SystemRandomNumberGenerator()
        for index in words.indices {
            words[index] = generator.next()
        }
    }
}
