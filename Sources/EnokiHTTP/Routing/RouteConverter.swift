//===----------------------------------------------------------------------===//
// This source file is part of Enoki. Licensed under Apache License v2.0.
//===----------------------------------------------------------------------===//

public import EnokiCore

/// A converter of a werkzeug rule variable (`<int(min=1):id>`): which text it matches and the value it gives.
///
/// As werkzeug's: `default` (`<name>`, one segment without slashes, `minlength`, `maxlength`, `length`), `path`
/// (slashes allowed), `int` (`fixed_digits`, `min`, `max`, `signed`), `float` (`min`, `max`, `signed`), `uuid` and
/// `any(a, b, …)`. A value the converter refuses makes the rule not match (werkzeug's `ValidationError`: the next
/// rule is tried, and with none, 404).
public struct RouteConverter: Sendable, Hashable {
    /// The converter's kind.
    public enum Kind: Sendable, Hashable {
        /// One path segment.
        case segment(minLength: Int, maxLength: Int?)
        /// Any text, slashes included.
        case path
        /// An integer.
        case int(fixedDigits: Int?, min: Int?, max: Int?, signed: Bool)
        /// A decimal number with a point (`1.5`).
        case float(min: Double?, max: Double?, signed: Bool)
        /// A UUID.
        case uuid
        /// One of the given words.
        case any([String])
    }

    /// The converter's kind.
    public var kind: Kind

    /// Whether the converter may take text with slashes.
    var takesSlashes: Bool {
        if case .path = self.kind { return true }
        return false
    }

    /// werkzeug's weight: among variables, lighter ones are tried first.
    var weight: Int {
        switch self.kind {
        case .int, .float: return 50
        case .path: return 200
        default: return 100
        }
    }

    /// The value of `text`, or `nil` when the converter refuses it.
    public func convert(_ text: Substring) -> JSONValue? {
        switch self.kind {
        case .segment(let minLength, let maxLength):
            let count = text.count
            guard count >= max(minLength, 1), !text.contains("/") else { return nil }
            if let maxLength, count > maxLength { return nil }
            return .string(String(text))
        case .path:
            guard let first = text.first, first != "/" else { return nil }
            return .string(String(text))
        case .int(let fixedDigits, let minimum, let maximum, let signed):
            var digits = text[...]
            var negative = false
            if signed, digits.first == "-" {
                negative = true
                digits = digits.dropFirst()
            }
            guard !digits.isEmpty, digits.allSatisfy({ $0.isASCII && $0.isNumber }) else { return nil }
            if let fixedDigits, digits.count != fixedDigits { return nil }
            guard var value = Int(digits) else { return nil }
            if negative { value = -value }
            if let minimum, value < minimum { return nil }
            if let maximum, value > maximum { return nil }
            return .int(value)
        case .float(let minimum, let maximum, let signed):
            var digits = text[...]
            var negative = false
            if signed, digits.first == "-" {
                negative = true
                digits = digits.dropFirst()
            }
            let parts = digits.split(separator: ".", omittingEmptySubsequences: false)
            guard parts.count == 2, parts.allSatisfy({ !$0.isEmpty && $0.allSatisfy { $0.isASCII && $0.isNumber } }),
                var value = Double(digits)
            else { return nil }
            if negative { value = -value }
            if let minimum, value < minimum { return nil }
            if let maximum, value > maximum { return nil }
            return .double(value)
        case .uuid:
            let groups = text.split(separator: "-", omittingEmptySubsequences: false)
            guard groups.map(\.count) == [8, 4, 4, 4, 12], groups.allSatisfy({ $0.allSatisfy(\.isHexDigit) }) else {
                return nil
            }
            return .string(String(text))
        case .any(let words):
            return words.contains(String(text)) ? .string(String(text)) : nil
        }
    }

    /// The converter a rule names, with its options.
    ///
    /// - Throws: ``WebError`` for an unknown converter or option, or an option of the wrong type.
    static func make(name: String, options: [String: String], positional: [String]) throws(WebError) -> RouteConverter {
        func int(_ key: String) throws(WebError) -> Int? {
            guard let text = options[key] else { return nil }
            guard let value = Int(text) else { throw WebError.rule("option \(key) of \(name) must be an integer") }
            return value
        }
        func double(_ key: String) throws(WebError) -> Double? {
            guard let text = options[key] else { return nil }
            guard let value = Double(text) else { throw WebError.rule("option \(key) of \(name) must be a number") }
            return value
        }
        func bool(_ key: String) throws(WebError) -> Bool {
            guard let text = options[key] else { return false }
            switch text {
            case "True", "true", "1": return true
            case "False", "false", "0": return false
            default: throw WebError.rule("option \(key) of \(name) must be True or False")
            }
        }
        let allowed: Set<String>
        let converter: RouteConverter
        switch name {
        case "default", "string":
            allowed = ["minlength", "maxlength", "length"]
            let length = try int("length")
            let minLength = try int("minlength")
            let maxLength = try int("maxlength")
            converter = RouteConverter(
                kind: .segment(minLength: length ?? minLength ?? 1, maxLength: length ?? maxLength)
            )
        case "path":
            allowed = []
            converter = RouteConverter(kind: .path)
        case "int":
            allowed = ["fixed_digits", "min", "max", "signed"]
            converter = RouteConverter(
                kind: .int(
                    fixedDigits: try int("fixed_digits"),
                    min: try int("min"),
                    max: try int("max"),
                    signed: try bool("signed")
                )
            )
        case "float":
            allowed = ["min", "max", "signed"]
            converter = RouteConverter(
                kind: .float(min: try double("min"), max: try double("max"), signed: try bool("signed"))
            )
        case "uuid":
            allowed = []
            converter = RouteConverter(kind: .uuid)
        case "any":
            allowed = []
            guard !positional.isEmpty else { throw WebError.rule("any() needs at least one word") }
            converter = RouteConverter(kind: .any(positional))
        default:
            throw WebError.rule("unknown converter \(name)")
        }
        if let unknown = options.keys.sorted().first(where: { !allowed.contains($0) }) {
            throw WebError.rule("\(name) has no option \(unknown)")
        }
        if name != "any", !positional.isEmpty {
            throw WebError.rule("\(name) takes options by name, as \(name)(min=1)")
        }
        return converter
    }
}
