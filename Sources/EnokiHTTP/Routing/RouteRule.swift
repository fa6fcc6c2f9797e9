//===----------------------------------------------------------------------===//
// This source file is part of Enoki. Licensed under Apache License v2.0.
//===----------------------------------------------------------------------===//

public import EnokiCore

/// A werkzeug URL rule (`/get/<int:value>`, `/files/<path:name>`, `/pages/<any(about,help):page>`), parsed.
///
/// Pure: text in, parts out; matching a path gives the converted values of its variables.
public struct RouteRule: Sendable, Hashable, CustomStringConvertible {
    /// One part of a rule.
    public enum Part: Sendable, Hashable {
        /// Text that must appear as it is.
        case text(String)
        /// A variable, with its converter.
        case variable(name: String, converter: RouteConverter)
    }

    /// The rule as written.
    public let text: String
    /// Its parts, in order.
    public let parts: [Part]

    public var description: String { self.text }

    /// The names of the rule's variables, in order.
    public var variableNames: [String] {
        self.parts.compactMap {
            if case .variable(let name, _) = $0 { return name }
            return nil
        }
    }

    /// The converter of a variable.
    public func converter(of name: String) -> RouteConverter? {
        for case .variable(name, let converter) in self.parts { return converter }
        return nil
    }

    /// Whether the rule ends with a slash (a request without it is redirected to it: strict slashes).
    public var endsWithSlash: Bool { self.text.hasSuffix("/") }

    /// Parses a rule.
    ///
    /// - Throws: ``WebError`` when the rule does not start with `/`, has an unclosed or empty variable, names a
    ///   variable twice, or names an unknown converter or option.
    public init(_ text: String) throws(WebError) {
        guard text.hasPrefix("/") else { throw WebError.rule("rule \(text) must start with /") }
        self.text = text
        var parts: [Part] = []
        var names: Set<String> = []
        var literal = ""
        var index = text.startIndex
        while index < text.endIndex {
            let character = text[index]
            guard character == "<" else {
                literal.append(character)
                index = text.index(after: index)
                continue
            }
            guard let close = text[index...].firstIndex(of: ">") else {
                throw WebError.rule("rule \(text) has an unclosed <")
            }
            let inside = text[text.index(after: index)..<close]
            let (name, converter) = try Self.variable(inside, rule: text)
            guard names.insert(name).inserted else { throw WebError.rule("rule \(text) names \(name) twice") }
            if !literal.isEmpty {
                parts.append(.text(literal))
                literal = ""
            }
            parts.append(.variable(name: name, converter: converter))
            index = text.index(after: close)
        }
        if !literal.isEmpty { parts.append(.text(literal)) }
        self.parts = parts
    }

    /// `int(min=1):id` → `id` and its converter.
    private static func variable(_ inside: Substring, rule: String) throws(WebError) -> (String, RouteConverter) {
        let converterText: Substring
        let name: Substring
        if let colon = inside.lastIndex(of: ":") {
            converterText = inside[..<colon]
            name = inside[inside.index(after: colon)...]
        } else {
            converterText = "default"
            name = inside
        }
        let trimmedName = name.trimmingSpaces
        guard !trimmedName.isEmpty, trimmedName.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "_" }),
            !(trimmedName.first?.isNumber ?? true)
        else {
            throw WebError.rule("rule \(rule) has a variable without a valid name: <\(inside)>")
        }
        var converterName = converterText.trimmingSpaces
        var options: [String: String] = [:]
        var positional: [String] = []
        if let open = converterName.firstIndex(of: "(") {
            guard converterName.hasSuffix(")") else { throw WebError.rule("rule \(rule) has an unclosed (") }
            let arguments = converterName[
                converterName.index(after: open)..<converterName.index(before: converterName.endIndex)
            ]
            for argument in arguments.split(separator: ",") {
                let item = argument.trimmingSpaces
                if let equals = item.firstIndex(of: "=") {
                    options[String(item[..<equals]).trimmingSpaces] =
                        String(item[item.index(after: equals)...]).trimmingSpaces.unquoted
                } else if !item.isEmpty {
                    positional.append(item.unquoted)
                }
            }
            converterName = String(converterName[..<open]).trimmingSpaces
        }
        return (trimmedName, try RouteConverter.make(name: converterName, options: options, positional: positional))
    }

    /// The converted values of the rule's variables when `path` (percent-decoded) matches the rule whole.
    public func match(_ path: Substring) -> [String: JSONValue]? {
        var values: [String: JSONValue] = [:]
        return self.match(self.parts[...], path, &values) ? values : nil
    }

    private func match(_ parts: ArraySlice<Part>, _ path: Substring, _ values: inout [String: JSONValue]) -> Bool {
        guard let part = parts.first else { return path.isEmpty }
        let rest = parts.dropFirst()
        switch part {
        case .text(let text):
            guard path.hasPrefix(text) else { return false }
            return self.match(rest, path.dropFirst(text.count), &values)
        case .variable(let name, let converter):
            if !converter.takesSlashes, Self.nextStartsASegment(rest) {
                // One candidate: the segment up to the next slash (werkzeug's `[^/]+` followed by `/` or the end).
                let end = path.firstIndex(of: "/") ?? path.endIndex
                guard end > path.startIndex, let value = converter.convert(path[..<end]) else { return false }
                values[name] = value
                return self.match(rest, path[end...], &values)
            }
            // The ends the variable's text may have, shortest first (werkzeug's path is lazy; a segment cannot
            // cross a slash, so it has few).
            var end = path.startIndex
            while end < path.endIndex {
                end = path.index(after: end)
                let candidate = path[path.startIndex..<end]
                if !converter.takesSlashes, candidate.last == "/" { break }
                guard let value = converter.convert(candidate) else { continue }
                var attempt = values
                attempt[name] = value
                if self.match(rest, path[end...], &attempt) {
                    values = attempt
                    return true
                }
            }
            return false
        }
    }

    /// Whether what follows a variable starts at a slash or is the end of the rule.
    private static func nextStartsASegment(_ rest: ArraySlice<Part>) -> Bool {
        guard let next = rest.first else { return true }
        if case .text(let text) = next { return text.hasPrefix("/") }
        return false
    }

    /// werkzeug's order: at each segment, text before variables, lighter converters before heavier ones.
    var sortKey: [Int] {
        var key: [Int] = []
        for segment in self.text.split(separator: "/", omittingEmptySubsequences: false) {
            guard segment.contains("<") else {
                key.append(0)
                continue
            }
            let names = try? RouteRule("/" + segment)
            let weight =
                names?.parts.compactMap { part -> Int? in
                    if case .variable(_, let converter) = part { return converter.weight }
                    return nil
                }.max() ?? 100
            key.append(weight)
        }
        return key
    }
}

extension StringProtocol {
    var trimmingSpaces: String {
        var text = Substring(self)
        while text.first == " " { text = text.dropFirst() }
        while text.last == " " { text = text.dropLast() }
        return String(text)
    }

    var unquoted: String {
        let text = String(self)
        if text.count >= 2, let first = text.first, first == text.last, first == "'" || first == "\"" {
            return String(text.dropFirst().dropLast())
        }
        return text
    }
}
