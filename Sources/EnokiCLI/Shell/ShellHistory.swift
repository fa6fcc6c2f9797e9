//===----------------------------------------------------------------------===//
// This source file is part of Enoki. Licensed under Apache License v2.0.
//===----------------------------------------------------------------------===//

import FoundationEssentials

/// The lines typed in the shell, kept across sessions in a file (`~/.enoki_history`), the newest `limit` of them.
public struct ShellHistory: Sendable {
    /// The lines, oldest first.
    public private(set) var entries: [String] = []
    /// Where they are kept; `nil` keeps them for this session only.
    public let path: String?
    /// How many are kept.
    public let limit: Int

    /// A history read from `path` (missing or unreadable: empty).
    public init(path: String?, limit: Int = 1000) {
        self.path = path
        self.limit = max(1, limit)
        if let path, let data = FileManager.default.contents(atPath: path) {
            let text = String(decoding: data, as: UTF8.self)
            self.entries = Array(text.split(separator: "\n").map(String.init).suffix(self.limit))
        }
    }

    /// The default file: `$HOME/.enoki_history`.
    public static var defaultPath: String? {
        guard let home = ProcessInfo.processInfo.environment["HOME"], !home.isEmpty else { return nil }
        return home + "/.enoki_history"
    }

    /// Adds a line (not an empty one, nor the same as the last) and writes the file.
    public mutating func add(_ line: String) {
        guard !line.allSatisfy({ $0 == " " || $0 == "\t" }), !line.contains("\n"), self.entries.last != line else {
            return
        }
        self.entries.append(line)
        if self.entries.count > self.limit {
            self.entries.removeFirst(self.entries.count - self.limit)
        }
        self.save()
    }

    private func save() {
        guard let path else { return }
        let text = self.entries.joined(separator: "\n") + "\n"
        // A history that cannot be written (a read-only home) is not worth failing the session for.
        _ = FileManager.default.createFile(atPath: path, contents: Data(text.utf8))
    }
}
