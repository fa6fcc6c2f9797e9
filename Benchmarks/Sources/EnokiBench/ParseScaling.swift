//===----------------------------------------------------------------------===//
// This source file is part of Enoki. Licensed under Apache License v2.0.
//===----------------------------------------------------------------------===//

import Enoki
import EnokiBenchSupport
import Foundation

/// Times the parsing of request bodies of every shape a caller can send, at growing sizes, and measures the memory
/// the parsed value holds: time per byte that stays flat as the size doubles is time linear in the size, and the
/// memory factor is what a body of that shape costs once parsed, over its own size.
///
///     enoki-bench parsing [-m MAX_MIB]     sizes 1, 2, 4 … MAX_MIB (8 by default), each in a process of its own
enum ParseScaling {
    /// A shape of body, written at about `size` bytes.
    struct Shape: Sendable {
        var name: String
        var make: @Sendable (Int) -> [UInt8]
    }

    static let shapes: [Shape] = [
        Shape(name: "many keys") { size in
            Self.object(count: size / 14) { "\"key\($0)\": 1" }
        },
        Shape(name: "one key repeated") { size in
            Self.object(count: size / 10) { _ in "\"same\": 1" }
        },
        Shape(name: "small integers") { size in
            Self.array(count: size / 3) { _ in "7" }
        },
        Shape(name: "short strings") { size in
            Self.array(count: size / 6) { _ in "\"ab\"" }
        },
        Shape(name: "floats") { size in
            Self.array(count: size / 8) { _ in "2.5e-3" }
        },
        Shape(name: "nested objects") { size in
            Self.array(count: size / 24) { _ in "{\"a\": {\"b\": [1, 2]}}" }
        },
        Shape(name: "one long string") { size in
            Array("{\"args\": [\"".utf8) + Array(repeating: UInt8(ascii: "z"), count: size)
                + Array("\"], \"kwargs\": {}}".utf8)
        },
        Shape(name: "escaped string") { size in
            Array("{\"args\": [\"".utf8) + Array(String(repeating: "\\u00e9\\n", count: size / 8).utf8)
                + Array("\"], \"kwargs\": {}}".utf8)
        },
        Shape(name: "one long integer") { size in
            Array("{\"args\": [1".utf8) + Array(repeating: UInt8(ascii: "7"), count: size)
                + Array("], \"kwargs\": {}}".utf8)
        },
        Shape(name: "one long float") { size in
            Array("{\"args\": [1.".utf8) + Array(repeating: UInt8(ascii: "3"), count: size)
                + Array("e5], \"kwargs\": {}}".utf8)
        },
    ]

    static func object(count: Int, member: (Int) -> String) -> [UInt8] {
        var text = "{\"args\": [{"
        text.reserveCapacity(count * 16)
        for index in 0..<count {
            if index > 0 { text += ", " }
            text += member(index)
        }
        return Array((text + "}], \"kwargs\": {}}").utf8)
    }

    static func array(count: Int, element: (Int) -> String) -> [UInt8] {
        var text = "{\"args\": [["
        text.reserveCapacity(count * 8)
        for index in 0..<count {
            if index > 0 { text += ", " }
            text += element(index)
        }
        return Array((text + "]], \"kwargs\": {}}").utf8)
    }

    /// The process's resident memory, in bytes (`VmRSS`): what parsing a body leaves resident, an upper bound of
    /// what the parsed value holds.
    static func resident() -> Int {
        guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8),
            let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmRSS:") })
        else { return 0 }
        return (Int(line.split(separator: " ").dropFirst().first ?? "") ?? 0) * 1024
    }

    static func run(_ options: BenchOptions) async throws {
        let one = options.string("one", "")
        if !one.isEmpty {
            // One measurement in a fresh process: nothing freed earlier is reused, so the growth is the value's.
            try self.measureOne(shape: one, mebibytes: options.int("size", 1))
            return
        }
        let maximum = options.int("m", 8)
        var sizes: [Int] = []
        var size = 1
        while size <= maximum {
            sizes.append(size)
            size *= 2
        }
        print("Parsing request bodies of every shape: ns per byte, and the memory the parsed value holds")
        print("over the body's size (each in a process of its own: the growth of the resident set while parsing)")
        print(
            "shape".padding(toLength: 20, withPad: " ", startingAt: 0) + sizes.map { "\($0) MiB".leftPad(16) }.joined()
        )
        for (index, shape) in Self.shapes.enumerated() {
            var row = shape.name.padding(toLength: 20, withPad: " ", startingAt: 0)
            for mebibytes in sizes {
                let process = Process()
                let pipe = Pipe()
                process.executableURL = URL(fileURLWithPath: CommandLine.arguments[0])
                process.arguments = ["parsing", "-one", "\(index)", "-size", "\(mebibytes)"]
                process.standardOutput = pipe
                try process.run()
                let output = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
                process.waitUntilExit()
                row += output.trimmingCharacters(in: .whitespacesAndNewlines).leftPad(16)
            }
            print(row)
        }
    }

    /// Parses one body of a shape and prints its ns per byte and memory factor.
    static func measureOne(shape index: String, mebibytes: Int) throws {
        guard let index = Int(index), Self.shapes.indices.contains(index) else { return }
        let body = Self.shapes[index].make(mebibytes << 20)
        let before = Self.resident()
        let started = ContinuousClock.now
        let value = try? JSONParser.parse(body)
        let elapsed = ContinuousClock.now - started
        let held = Self.resident() - before
        withExtendedLifetime(value) {}
        let nanoseconds = Double(elapsed.components.seconds) * 1e9 + Double(elapsed.components.attoseconds) / 1e9
        print(String(format: "%.1f ns %5.1fx", nanoseconds / Double(body.count), Double(held) / Double(body.count)))
    }
}

extension String {
    func leftPad(_ width: Int) -> String {
        self.count >= width ? self : String(repeating: " ", count: width - self.count) + self
    }
}
