//===----------------------------------------------------------------------===//
// This source file is part of Enoki. Licensed under Apache License v2.0.
//===----------------------------------------------------------------------===//

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A small line editor for the shell's terminal: the terminal in raw mode while a line is typed, and the keys a
/// readline user expects.
///
/// | Keys | Does |
/// |---|---|
/// | ← →, Ctrl-B Ctrl-F | move by a character |
/// | Home End, Ctrl-A Ctrl-E | go to the start or end |
/// | ↑ ↓, Ctrl-P Ctrl-N | walk the history |
/// | Backspace, Delete | delete before or under the cursor |
/// | Ctrl-K, Ctrl-U, Ctrl-W | delete to the end, to the start, the word before |
/// | Tab | complete (once: the common part; twice: list the choices) |
/// | Ctrl-L | clear the screen |
/// | Ctrl-C | drop the line (`KeyboardInterrupt`) |
/// | Ctrl-D | leave, on an empty line; else delete under the cursor |
///
/// Each character is taken as one column wide.
final class LineEditor {
    /// What reading a line ended with.
    enum Outcome: Equatable {
        /// A line, without its newline.
        case line(String)
        /// Ctrl-C.
        case interrupted
        /// Ctrl-D on an empty line, or the end of input.
        case end
    }

    private let input: Int32
    private let output: Int32
    private var history: ShellHistory
    private let complete: (String) async -> [String]

    init(
        input: Int32 = STDIN_FILENO,
        output: Int32 = STDOUT_FILENO,
        history: ShellHistory,
        complete: @escaping (String) async -> [String]
    ) {
        self.input = input
        self.output = output
        self.history = history
        self.complete = complete
    }

    /// Whether standard input is a terminal.
    static var inputIsTerminal: Bool { isatty(STDIN_FILENO) == 1 }

    /// Keeps a line in the history.
    func remember(_ line: String) {
        self.history.add(line)
    }

    /// Reads one line, showing `prompt`.
    func readLine(prompt: String) async -> Outcome {
        var saved = termios()
        guard tcgetattr(self.input, &saved) == 0 else { return .end }
        var raw = saved
        raw.c_lflag &= ~tcflag_t(ECHO | ICANON | ISIG | IEXTEN)
        raw.c_iflag &= ~tcflag_t(IXON | ICRNL)
        withUnsafeMutableBytes(of: &raw.c_cc) { cc in
            cc[Int(VMIN)] = 1
            cc[Int(VTIME)] = 0
        }
        tcsetattr(self.input, TCSAFLUSH, &raw)
        defer { tcsetattr(self.input, TCSAFLUSH, &saved) }

        var line: [Character] = []
        var cursor = 0
        var historyIndex = self.history.entries.count
        var draft: [Character] = []
        var lastWasTab = false
        self.write(prompt)

        func redraw() {
            var text = "\r" + prompt + String(line) + "\u{1B}[K"
            let back = line.count - cursor
            if back > 0 { text += "\u{1B}[\(back)D" }
            self.write(text)
        }

        while true {
            guard let key = self.readKey() else {
                self.write("\r\n")
                return .end
            }
            let wasTab = lastWasTab
            lastWasTab = false
            switch key {
            case .character(let character):
                line.insert(character, at: cursor)
                cursor += 1
            case .control(let code):
                switch code {
                case 0x0D, 0x0A:
                    self.write("\r\n")
                    return .line(String(line))
                case 0x03:
                    self.write("^C\r\nKeyboardInterrupt\r\n")
                    return .interrupted
                case 0x04:
                    if line.isEmpty {
                        self.write("\r\n")
                        return .end
                    }
                    if cursor < line.count { line.remove(at: cursor) }
                case 0x7F, 0x08:
                    if cursor > 0 {
                        line.remove(at: cursor - 1)
                        cursor -= 1
                    }
                case 0x01: cursor = 0
                case 0x05: cursor = line.count
                case 0x02: cursor = max(0, cursor - 1)
                case 0x06: cursor = min(line.count, cursor + 1)
                case 0x0B: line.removeSubrange(cursor...)
                case 0x15:
                    line.removeSubrange(..<cursor)
                    cursor = 0
                case 0x17:
                    var start = cursor
                    while start > 0, line[start - 1] == " " { start -= 1 }
                    while start > 0, line[start - 1] != " " { start -= 1 }
                    line.removeSubrange(start..<cursor)
                    cursor = start
                case 0x0C:
                    self.write("\u{1B}[H\u{1B}[2J")
                case 0x10: self.walkHistory(-1, &historyIndex, &line, &cursor, &draft)
                case 0x0E: self.walkHistory(1, &historyIndex, &line, &cursor, &draft)
                case 0x09:
                    lastWasTab = true
                    await self.completeWord(&line, &cursor, listing: wasTab, prompt: prompt)
                default:
                    break
                }
            case .up: self.walkHistory(-1, &historyIndex, &line, &cursor, &draft)
            case .down: self.walkHistory(1, &historyIndex, &line, &cursor, &draft)
            case .left: cursor = max(0, cursor - 1)
            case .right: cursor = min(line.count, cursor + 1)
            case .home: cursor = 0
            case .end: cursor = line.count
            case .delete:
                if cursor < line.count { line.remove(at: cursor) }
            case .unknown:
                break
            }
            redraw()
        }
    }

    private func walkHistory(
        _ step: Int,
        _ index: inout Int,
        _ line: inout [Character],
        _ cursor: inout Int,
        _ draft: inout [Character]
    ) {
        let entries = self.history.entries
        let next = index + step
        guard next >= 0, next <= entries.count else { return }
        if index == entries.count { draft = line }
        index = next
        line = next == entries.count ? draft : Array(entries[next])
        cursor = line.count
    }

    private func completeWord(_ line: inout [Character], _ cursor: inout Int, listing: Bool, prompt: String) async {
        let before = String(line[..<cursor])
        let word = before.reversed().prefix { $0.isLetter || $0.isNumber || $0 == "_" || $0 == "." }.count
        let choices = await self.complete(before)
        guard !choices.isEmpty else { return }
        let common = choices.dropFirst().reduce(choices[0]) { common, choice in
            String(zip(common, choice).prefix { $0 == $1 }.map(\.0))
        }
        if common.count > word {
            line.replaceSubrange((cursor - word)..<cursor, with: Array(common))
            cursor += common.count - word
        } else if choices.count > 1 && listing {
            let shown = choices.map { $0.split(separator: ".").last.map(String.init) ?? $0 }
            self.write("\r\n" + shown.joined(separator: "  ") + "\r\n")
        }
    }

    private enum Key {
        case character(Character)
        case control(UInt8)
        case up, down, left, right, home, end, delete, unknown
    }

    private func readByte() -> UInt8? {
        var byte: UInt8 = 0
        while true {
            let count = read(self.input, &byte, 1)
            if count == 1 { return byte }
            if count < 0, errno == EINTR { continue }
            return nil
        }
    }

    private func readKey() -> Key? {
        guard let byte = self.readByte() else { return nil }
        if byte == 0x1B {
            guard let next = self.readByte() else { return .unknown }
            guard next == UInt8(ascii: "[") || next == UInt8(ascii: "O") else { return .unknown }
            var code: [UInt8] = []
            while let c = self.readByte() {
                code.append(c)
                if (0x40...0x7E).contains(c) { break }
            }
            switch code {
            case [UInt8(ascii: "A")]: return .up
            case [UInt8(ascii: "B")]: return .down
            case [UInt8(ascii: "C")]: return .right
            case [UInt8(ascii: "D")]: return .left
            case [UInt8(ascii: "H")], Array("1~".utf8), Array("7~".utf8): return .home
            case [UInt8(ascii: "F")], Array("4~".utf8), Array("8~".utf8): return .end
            case Array("3~".utf8): return .delete
            default: return .unknown
            }
        }
        if byte < 0x20 || byte == 0x7F { return .control(byte) }
        // A UTF-8 sequence: its length from the first byte.
        var bytes = [byte]
        let length = byte >= 0xF0 ? 4 : byte >= 0xE0 ? 3 : byte >= 0xC0 ? 2 : 1
        while bytes.count < length, let more = self.readByte() { bytes.append(more) }
        let text = String(decoding: bytes, as: UTF8.self)
        return text.first.map(Key.character) ?? .unknown
    }

    private func write(_ text: String) {
        ShellSession.write(text, to: self.output)
    }
}
