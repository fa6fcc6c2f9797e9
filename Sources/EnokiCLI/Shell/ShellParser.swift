//===----------------------------------------------------------------------===//
// This source file is part of Enoki. Licensed under Apache License v2.0.
//===----------------------------------------------------------------------===//

/// An expression of a shell line.
indirect enum ShellExpression: Sendable {
    /// A literal.
    case literal(PythonValue)
    /// A name: `n`, `x`, `_`.
    case name(String)
    /// `base.name`.
    case attribute(ShellExpression, String)
    /// `base[index]`.
    case index(ShellExpression, ShellExpression)
    /// `base(arguments)`.
    case call(ShellExpression, [ShellArgument])
    /// `[a, b]`.
    case list([ShellExpression])
    /// `(a, b)`, `a, b`.
    case tuple([ShellExpression])
    /// `{k: v}`.
    case dict([(ShellExpression, ShellExpression)])
    /// `-x`.
    case negate(ShellExpression)
}

/// An argument of a call: positional, or keyword (`name=value`).
struct ShellArgument: Sendable {
    var keyword: String?
    var value: ShellExpression
}

/// One shell line.
enum ShellStatement: Sendable {
    /// Nothing (an empty line or a comment).
    case empty
    /// An expression, whose value is printed.
    case expression(ShellExpression)
    /// `name = expression`.
    case assignment(String, ShellExpression)
}

/// Parses a line of the shell: an expression or an assignment to a name, in the part of Python's grammar that
/// calls and literals need (attributes, subscripts, calls with positional and keyword arguments, lists, tuples,
/// dicts, unary minus).
struct ShellParser {
    private let tokens: [ShellToken]
    private var position = 0

    private init(tokens: [ShellToken]) {
        self.tokens = tokens
    }

    /// Parses one line.
    ///
    /// - Throws: ``ShellError`` (`SyntaxError`) with Python's wording where it has one.
    static func parse(_ line: String) throws(ShellError) -> ShellStatement {
        var parser = ShellParser(tokens: try ShellLexer.tokens(line))
        if parser.current == .end { return .empty }
        if case .name(let name) = parser.current, parser.peek(1) == .punctuation("="), !Self.keywords.contains(name) {
            parser.position += 2
            let value = try parser.expressionList()
            try parser.expectEnd()
            return .assignment(name, value)
        }
        let expression = try parser.expressionList()
        if parser.current == .punctuation("=") {
            throw ShellError(.syntaxError, "cannot assign to expression here; only a name can be assigned to")
        }
        try parser.expectEnd()
        return .expression(expression)
    }

    static let keywords: Set<String> = [
        "True", "False", "None", "and", "or", "not", "if", "else", "for", "in",
        "lambda", "def", "class", "import", "from", "return", "del", "while", "with", "yield", "pass", "is",
    ]

    private var current: ShellToken { self.tokens[self.position] }

    private func peek(_ offset: Int) -> ShellToken {
        let index = self.position + offset
        return index < self.tokens.count ? self.tokens[index] : .end
    }

    private mutating func expectEnd() throws(ShellError) {
        switch self.current {
        case .end:
            return
        case .punctuation(let character) where ")]}".contains(character) && self.openBrackets == 0:
            throw ShellError(.syntaxError, "unmatched '\(character)'")
        default:
            throw ShellError(.syntaxError, "invalid syntax near '\(self.current.shown)'")
        }
    }

    private mutating func expect(_ character: Character) throws(ShellError) {
        guard self.current == .punctuation(character) else {
            if self.current == .end {
                throw ShellError(.syntaxError, "'\(Self.opening(of: character))' was never closed")
            }
            throw ShellError(.syntaxError, "invalid syntax near '\(self.current.shown)': expected '\(character)'")
        }
        self.position += 1
    }

    private static func opening(of closing: Character) -> Character {
        switch closing {
        case ")": return "("
        case "]": return "["
        case "}": return "{"
        default: return closing
        }
    }

    /// `a` or `a, b, …` (a tuple), as at the top level of a line.
    private mutating func expressionList() throws(ShellError) -> ShellExpression {
        let first = try self.expression()
        guard self.current == .punctuation(",") else { return first }
        var elements = [first]
        while self.current == .punctuation(",") {
            self.position += 1
            if self.current == .end { break }
            elements.append(try self.expression())
        }
        return .tuple(elements)
    }

    private mutating func expression() throws(ShellError) -> ShellExpression {
        if self.current == .punctuation("-") {
            self.position += 1
            return .negate(try self.expression())
        }
        if self.current == .punctuation("+") {
            self.position += 1
            return try self.expression()
        }
        var base = try self.primary()
        while true {
            switch self.current {
            case .punctuation("."):
                self.position += 1
                guard case .name(let name) = self.current else {
                    throw ShellError(.syntaxError, "invalid syntax: a name must follow '.'")
                }
                self.position += 1
                base = .attribute(base, name)
            case .punctuation("["):
                self.position += 1
                let index = try self.expressionList()
                try self.expect("]")
                base = .index(base, index)
            case .punctuation("("):
                self.position += 1
                base = .call(base, try self.arguments())
            default:
                return base
            }
        }
    }

    private mutating func arguments() throws(ShellError) -> [ShellArgument] {
        var arguments: [ShellArgument] = []
        var sawKeyword = false
        while self.current != .punctuation(")") {
            if case .name(let name) = self.current, self.peek(1) == .punctuation("=") {
                self.position += 2
                if arguments.contains(where: { $0.keyword == name }) {
                    throw ShellError(.syntaxError, "keyword argument repeated: \(name)")
                }
                arguments.append(ShellArgument(keyword: name, value: try self.expression()))
                sawKeyword = true
            } else {
                let value = try self.expression()
                if sawKeyword {
                    throw ShellError(.syntaxError, "positional argument follows keyword argument")
                }
                arguments.append(ShellArgument(keyword: nil, value: value))
            }
            if self.current == .punctuation(",") {
                self.position += 1
            } else {
                break
            }
        }
        try self.expect(")")
        return arguments
    }

    private mutating func primary() throws(ShellError) -> ShellExpression {
        let token = self.current
        self.position += 1
        switch token {
        case .name("True"): return .literal(.bool(true))
        case .name("False"): return .literal(.bool(false))
        case .name("None"): return .literal(.none)
        case .name(let name):
            if Self.keywords.contains(name) {
                throw ShellError(.syntaxError, "'\(name)' is not supported in the shell: write calls and literals")
            }
            return .name(name)
        case .integer(let digits):
            return .literal(Int(digits).map(PythonValue.int) ?? .bigInteger(digits))
        case .float(let value):
            return .literal(.float(value))
        case .string(var text):
            // Adjacent strings concatenate, as in Python.
            while case .string(let more) = self.current {
                text += more
                self.position += 1
            }
            return .literal(.string(text))
        case .punctuation("("):
            if self.current == .punctuation(")") {
                self.position += 1
                return .tuple([])
            }
            let first = try self.expression()
            if self.current == .punctuation(")") {
                self.position += 1
                return first
            }
            var elements = [first]
            while self.current == .punctuation(",") {
                self.position += 1
                if self.current == .punctuation(")") { break }
                elements.append(try self.expression())
            }
            try self.expect(")")
            return .tuple(elements)
        case .punctuation("["):
            var elements: [ShellExpression] = []
            while self.current != .punctuation("]") {
                elements.append(try self.expression())
                if self.current == .punctuation(",") {
                    self.position += 1
                } else {
                    break
                }
            }
            try self.expect("]")
            return .list(elements)
        case .punctuation("{"):
            var pairs: [(ShellExpression, ShellExpression)] = []
            while self.current != .punctuation("}") {
                let key = try self.expression()
                guard self.current == .punctuation(":") else {
                    throw ShellError(.syntaxError, "sets are not supported: a dict needs 'key: value'")
                }
                self.position += 1
                pairs.append((key, try self.expression()))
                if self.current == .punctuation(",") {
                    self.position += 1
                } else {
                    break
                }
            }
            try self.expect("}")
            return .dict(pairs)
        case .end:
            self.position -= 1
            throw ShellError(.syntaxError, "invalid syntax: the line ends too early")
        case .punctuation(let character):
            self.position -= 1
            if ")]}".contains(character), self.openBrackets == 0 {
                throw ShellError(.syntaxError, "unmatched '\(character)'")
            }
            throw ShellError(.syntaxError, "invalid syntax near '\(character)'")
        }
    }

    /// How many brackets are open before the current token.
    private var openBrackets: Int {
        self.tokens[..<self.position].reduce(0) { depth, token in
            guard case .punctuation(let character) = token else { return depth }
            return "([{".contains(character) ? depth + 1 : ")]}".contains(character) ? depth - 1 : depth
        }
    }
}
