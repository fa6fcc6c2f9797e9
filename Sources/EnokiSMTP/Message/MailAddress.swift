//===----------------------------------------------------------------------===//
// This source file is part of Enoki. Licensed under Apache License v2.0.
//===----------------------------------------------------------------------===//

/// A mailbox: an address and, for the headers, a display name (`Ada Lovelace <ada@example.com>`).
public struct MailAddress: Hashable, Sendable, CustomStringConvertible {
    /// The address, `local@domain`.
    public var address: String
    /// The name shown beside it, if any.
    public var name: String?

    /// A mailbox.
    ///
    /// - Throws: ``SMTPError`` with code ``SMTPError/Code/invalidMessage`` when `address` is not one: empty parts,
    ///   no `@`, white space, control characters or angle brackets (which would let a caller write other commands
    ///   or headers), or more than 254 bytes.
    public init(_ address: String, name: String? = nil) throws {
        try Self.check(address)
        self.address = address
        self.name = name.map(Self.singleLine).flatMap { $0.isEmpty ? nil : $0 }
    }

    /// A mailbox read from `ada@example.com`, `<ada@example.com>` or `Ada Lovelace <ada@example.com>` (the name
    /// may be in double quotes).
    public init(parsing text: String) throws {
        let trimmed = text.trimmingWhitespace()
        if trimmed.hasSuffix(">"), let open = trimmed.lastIndex(of: "<") {
            let address = String(trimmed[trimmed.index(after: open)..<trimmed.index(before: trimmed.endIndex)])
            var name = trimmed[..<open].trimmingWhitespace()
            if name.count >= 2, name.hasPrefix("\""), name.hasSuffix("\"") {
                name = String(name.dropFirst().dropLast()).replacingEscapedQuotes()
            }
            try self.init(address, name: name.isEmpty ? nil : name)
        } else {
            try self.init(trimmed)
        }
    }

    /// Whether the address is ASCII; one that is not needs a server with `SMTPUTF8`.
    public var isASCII: Bool { self.address.utf8.allSatisfy { $0 < 0x80 } }

    /// `Name <address>` or the address alone.
    public var description: String {
        guard let name else { return self.address }
        return "\(name) <\(self.address)>"
    }

    private static func check(_ address: String) throws {
        guard !address.isEmpty else { throw SMTPError(.invalidMessage, "an address is empty") }
        guard address.utf8.count <= 254 else {
            throw SMTPError(.invalidMessage, "the address \(address.prefix(40))… is longer than 254 bytes")
        }
        let forbidden = address.unicodeScalars.contains {
            $0.properties.generalCategory == .control || $0 == " " || $0 == "<" || $0 == ">" || $0 == "\t"
                || $0.properties.isWhitespace
        }
        guard !forbidden, let at = address.lastIndex(of: "@"), at != address.startIndex,
            address.index(after: at) != address.endIndex
        else {
            throw SMTPError(.invalidMessage, "\(Self.shown(address)) is not a mail address")
        }
    }

    private static func shown(_ text: String) -> String {
        let escaped = text.unicodeScalars.map { scalar -> String in
            scalar.properties.generalCategory == .control ? scalar.escaped(asASCII: true) : String(scalar)
        }
        return "'" + escaped.joined() + "'"
    }

    static func singleLine(_ text: String) -> String {
        String(text.map { $0 == "\r\n" || $0 == "\r" || $0 == "\n" ? " " : $0 })
    }
}

extension StringProtocol {
    func trimmingWhitespace() -> String {
        let scalars = self.unicodeScalars
        guard let first = scalars.firstIndex(where: { !$0.properties.isWhitespace }) else { return "" }
        let last = scalars.lastIndex(where: { !$0.properties.isWhitespace })!
        return String(String.UnicodeScalarView(scalars[first...last]))
    }
}

extension String {
    fileprivate func replacingEscapedQuotes() -> String {
        var out = ""
        var escaping = false
        for character in self {
            if escaping {
                out.append(character)
                escaping = false
            } else if character == "\\" {
                escaping = true
            } else {
                out.append(character)
            }
        }
        return out
    }
}
