//===----------------------------------------------------------------------===//
// This source file is part of Enoki. Licensed under Apache License v2.0.
//===----------------------------------------------------------------------===//

/// The arguments of a method that must not be shown where its calls are logged or traced (Nameko's
/// `sensitive_arguments`): parameter names, or paths into them as Nameko writes them (`"user.password"`,
/// `"cards[0].number"`).
///
/// Redacting replaces each value on a path with Nameko's `********`, as `nameko.utils.get_redacted_args` does: a
/// path whose parameter was not passed is left alone, a missing key of an object on the path is added (Python's
/// `data[key] = …`), and an index out of range or a step into a value that is neither an object nor a list is
/// skipped. One difference, on purpose: a path that steps through a list index (`cards[1].number`) is followed to
/// the value it names, where Nameko's redaction stops (it tests whether the index is one of the list's values) and
/// leaves that value in the clear.
public struct SensitiveArguments: Sendable, Hashable, ExpressibleByArrayLiteral {
    /// What a redacted value becomes: Nameko's `REDACTED`.
    public static let redacted: JSONValue = "********"

    /// One step of a path: a key of an object or an index of a list.
    enum Step: Hashable {
        case key(String)
        case index(Int)
    }

    /// The paths, as written.
    public let paths: [String]
    let steps: [[Step]]

    /// Sensitive arguments by their paths.
    public init(_ paths: [String]) {
        self.paths = paths
        self.steps = paths.map(Self.parse).filter { !$0.isEmpty }
    }

    public init(arrayLiteral elements: String...) {
        self.init(elements)
    }

    /// None.
    public static let none = SensitiveArguments([])

    /// Whether there are none.
    public var isEmpty: Bool { self.steps.isEmpty }

    /// The arguments (by parameter name) with every sensitive value replaced.
    public func redact(_ arguments: JSONObject) -> JSONObject {
        guard !self.isEmpty else { return arguments }
        var value = JSONValue.object(arguments)
        for path in self.steps {
            guard case .key(let first) = path[0], arguments[first] != nil else { continue }
            Self.redact(&value, path[...])
        }
        guard case .object(let redacted) = value else { return arguments }
        return redacted
    }

    private static func redact(_ value: inout JSONValue, _ path: ArraySlice<Step>) {
        guard let step = path.first else { return }
        let rest = path.dropFirst()
        switch (step, value) {
        case (.key(let key), .object(var object)):
            if rest.isEmpty {
                object[key] = Self.redacted
            } else if var inner = object[key] {
                Self.redact(&inner, rest)
                object[key] = inner
            }
            value = .object(object)
        case (.index(let index), .array(var array)):
            guard array.indices.contains(index) else { return }
            if rest.isEmpty {
                array[index] = Self.redacted
            } else {
                Self.redact(&array[index], rest)
            }
            value = .array(array)
        default:
            return
        }
    }

    /// `user.cards[0].number` as Nameko's `re.findall(r"(\w+)|\[(\d+)\]", …)` reads it.
    static func parse(_ path: String) -> [Step] {
        var steps: [Step] = []
        var characters = Substring(path)
        while let first = characters.first {
            if first == "[" {
                let digits = characters.dropFirst().prefix { $0.isASCII && $0.isNumber }
                let after = characters.dropFirst(1 + digits.count)
                if !digits.isEmpty, after.first == "]", let index = Int(digits) {
                    steps.append(.index(index))
                    characters = after.dropFirst()
                    continue
                }
                characters = characters.dropFirst()
            } else if Self.isWord(first) {
                let word = characters.prefix(while: Self.isWord)
                steps.append(.key(String(word)))
                characters = characters.dropFirst(word.count)
            } else {
                characters = characters.dropFirst()
            }
        }
        return steps
    }

    private static func isWord(_ character: Character) -> Bool {
        character == "_" || character.isLetter || character.isNumber
    }
}
