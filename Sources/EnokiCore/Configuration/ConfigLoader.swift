//===----------------------------------------------------------------------===//
// This source file is part of Enoki. Licensed under Apache License v2.0.
//===----------------------------------------------------------------------===//

public import FoundationEssentials
import Yams

/// Reads a YAML configuration file the way `nameko run --config` reads it.
///
/// Environment variables are substituted as Nameko does:
/// - A plain (unquoted) scalar containing `${…}` is expanded; quoted scalars are left alone unless tagged
///   `!env_var`. `!raw_env_var` expands and keeps the result as a string.
/// - `${NAME}` and `${NAME:default}`; several per scalar, mixed with text. A variable that is set is used even when
///   empty; only an unset variable falls back to its default (an empty string when there is none).
/// - The expanded text is parsed again as YAML (`8000` becomes an integer, `true` a boolean, `[1, 2]` a list, an
///   empty result null), and `${…}` inside it is expanded in turn. Text that expands to itself is kept as it is.
/// - Nested defaults such as `${A:${B:x}}` are expanded (Python needs the `regex` module for them; Enoki
///   always supports them).
public enum ConfigLoader {
    /// Reads a configuration file.
    ///
    /// - Throws: ``EnokiError`` (``EnokiError/Code-swift.struct/configuration``) for an unreadable file, invalid
    ///   YAML, or a document that is not a mapping.
    public static func load(
        path: String,
        environment: [String: String] = ProcessInfo.processInfo.environment
    ) throws
        -> EnokiConfig
    {
        let text: String
        do {
            text = try String(contentsOfFile: path, encoding: .utf8)
        } catch {
            throw EnokiError(.configuration, "cannot read config file \(path): \(error)")
        }
        return try self.load(yaml: text, environment: environment, source: path)
    }

    /// Reads a configuration from YAML text.
    public static func load(
        yaml: String,
        environment: [String: String] = ProcessInfo.processInfo.environment,
        source: String = "config"
    ) throws -> EnokiConfig {
        let value = try self.parse(yaml, environment: environment, source: source)
        switch value {
        case .object(let object):
            return EnokiConfig(object)
        case .null:
            return EnokiConfig()
        default:
            throw EnokiError(.configuration, "\(source) is not a YAML mapping of config keys")
        }
    }

    /// Parses YAML into a value, with Nameko's environment substitution.
    static func parse(_ yaml: String, environment: [String: String], source: String) throws -> JSONValue {
        let node: Node?
        do {
            node = try Yams.compose(yaml: yaml)
        } catch {
            // The parser's message quotes the line it stopped at, which may hold a password.
            throw EnokiError(.configuration, "\(source) is not valid YAML: \(Secrets.redactingConfigText("\(error)"))")
        }
        guard let node else { return .null }
        return try self.convert(node, environment: environment, source: source)
    }

    private static func convert(_ node: Node, environment: [String: String], source: String) throws -> JSONValue {
        switch node {
        case .scalar(let scalar):
            return try self.convert(scalar, environment: environment, source: source)
        case .sequence(let sequence):
            return .array(try sequence.map { try self.convert($0, environment: environment, source: source) })
        case .mapping(let mapping):
            var object = JSONObject()
            for (key, value) in mapping {
                let keyValue = try self.convert(key, environment: environment, source: source)
                let keyText: String
                switch keyValue {
                case .string(let text): keyText = text
                default: keyText = JSONWriter.string(keyValue)
                }
                object[keyText] = try self.convert(value, environment: environment, source: source)
            }
            return .object(object)
        case .alias:
            throw EnokiError(.configuration, "\(source): YAML aliases are not supported")
        }
    }

    private static func convert(
        _ scalar: Node.Scalar,
        environment: [String: String],
        source: String
    ) throws
        -> JSONValue
    {
        let tag = Resolver.default.resolveTag(of: .scalar(scalar)).rawValue
        if tag == "!env_var" || tag == "!raw_env_var" {
            return try self.expand(scalar.string, raw: tag == "!raw_env_var", environment: environment, source: source)
        }
        if scalar.style == .plain, Self.looksLikePlaceholder(scalar.string) {
            return try self.expand(scalar.string, raw: false, environment: environment, source: source)
        }
        return self.constructPlain(scalar, tag: tag)
    }

    /// The implicit resolver's test: `${` followed somewhere by `}` on one line.
    static func looksLikePlaceholder(_ text: String) -> Bool {
        guard !text.contains("\n"), let open = text.firstRange(of: "${") else { return false }
        return text[open.upperBound...].contains("}")
    }

    private static func expand(
        _ raw: String,
        raw keepString: Bool,
        environment: [String: String],
        source: String
    )
        throws -> JSONValue
    {
        let expanded = self.substitute(raw, environment: environment)
        if expanded == raw {
            return .string(raw)
        }
        if keepString {
            return .string(expanded)
        }
        return try self.parse(expanded, environment: environment, source: source)
    }

    /// Replaces every `${NAME}` and `${NAME:default}` in `text`.
    static func substitute(_ text: String, environment: [String: String]) -> String {
        let chars = Array(text)
        var out = ""
        var index = 0
        while index < chars.count {
            if chars[index] == "$", index + 1 < chars.count, chars[index + 1] == "{",
                let (replacement, end) = self.placeholder(chars, from: index, environment: environment)
            {
                out += replacement
                index = end
            } else {
                out.append(chars[index])
                index += 1
            }
        }
        return out
    }

    /// Reads the placeholder starting at `start` (`${`); returns its value and the index after its `}`.
    private static func placeholder(
        _ chars: [Character],
        from start: Int,
        environment: [String: String]
    )
        -> (String, Int)?
    {
        var index = start + 2
        var name = ""
        while index < chars.count, chars[index] != "}", chars[index] != ":", chars[index] != "{",
            !chars[index].isWhitespace
        {
            name.append(chars[index])
            index += 1
        }
        guard !name.isEmpty, index < chars.count else { return nil }
        var defaultValue: String?
        if chars[index] == ":" {
            index += 1
            // The default runs to the matching `}`; nested `{…}` pairs belong to it.
            var depth = 0
            var text = ""
            while index < chars.count {
                let char = chars[index]
                if char == "{" {
                    depth += 1
                } else if char == "}" {
                    if depth == 0 { break }
                    depth -= 1
                }
                text.append(char)
                index += 1
            }
            guard index < chars.count else { return nil }
            defaultValue = text
        }
        guard index < chars.count, chars[index] == "}" else { return nil }
        if let value = environment[name] {
            return (value, index + 1)
        }
        var value = defaultValue ?? ""
        var rounds = 0
        while self.looksLikePlaceholder(value), rounds < 16 {
            let next = self.substitute(value, environment: environment)
            if next == value { break }
            value = next
            rounds += 1
        }
        return (value, index + 1)
    }

    /// A plain or quoted scalar as PyYAML's safe loader constructs it (YAML 1.1: `yes` is true, `007` is 7).
    private static func constructPlain(_ scalar: Node.Scalar, tag: String) -> JSONValue {
        switch tag {
        case "tag:yaml.org,2002:null":
            return .null
        case "tag:yaml.org,2002:bool":
            return Bool.construct(from: scalar).map { .bool($0) } ?? .string(scalar.string)
        case "tag:yaml.org,2002:int":
            if let value = Int.construct(from: scalar) { return .int(value) }
            let digits = scalar.string.filter { $0 != "_" }
            if digits.allSatisfy({ $0.isNumber || $0 == "-" || $0 == "+" }) {
                return .bigInteger(digits.hasPrefix("+") ? String(digits.dropFirst()) : digits)
            }
            return .string(scalar.string)
        case "tag:yaml.org,2002:float":
            return Double.construct(from: scalar).map { .double($0) } ?? .string(scalar.string)
        default:
            return .string(scalar.string)
        }
    }
}
