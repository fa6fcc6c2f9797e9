//===----------------------------------------------------------------------===//
// This source file is part of Enoki. Licensed under Apache License v2.0.
//===----------------------------------------------------------------------===//

/// Keeps secrets out of what Enoki prints: the passwords of URIs (`amqp://guest:**@host:5672//`, as Nameko prints
/// a broker), and the values of configuration keys that name a secret.
public enum Secrets {
    /// What a hidden secret is shown as.
    public static let mask = "**"

    /// Whether a configuration key names a secret: one of its words (split at `_`, `-`, `.` and lower-to-upper
    /// case changes) is `PASSWORD`, `PASSWD`, `PASS`, `PASSPHRASE`, `SECRET`, `TOKEN`, `KEY`, `CREDENTIAL`
    /// (or their plurals), `APIKEY` or `AUTH`, as in `SMTP_PASSWORD`, `api_key`, `authToken`.
    public static func isSecretKey(_ key: String) -> Bool {
        var words: [String] = []
        var word = ""
        var previousWasLower = false
        for character in key {
            if character == "_" || character == "-" || character == "." || character == " " {
                words.append(word)
                word = ""
                previousWasLower = false
                continue
            }
            if character.isUppercase, previousWasLower {
                words.append(word)
                word = ""
            }
            word.append(character)
            previousWasLower = character.isLowercase
        }
        words.append(word)
        let secret: Set<String> = [
            "PASSWORD", "PASSWORDS", "PASSWD", "PASS", "PASSPHRASE", "SECRET", "SECRETS", "TOKEN", "TOKENS", "KEY",
            "KEYS", "CREDENTIAL", "CREDENTIALS", "APIKEY", "AUTH",
        ]
        return words.contains { secret.contains($0.uppercased()) }
    }

    /// The text with the password of every URI in it hidden: `smtp://user:secret@host` becomes
    /// `smtp://user:**@host`, wherever it stands in the text (an error message, a YAML line).
    ///
    /// A URI's credentials are taken to run from its `://` to the last `@` before the next white space or quote,
    /// so that a password holding `/`, `?`, `#`, `@` or `:` is hidden whole.
    public static func redactingURIs(in text: String) -> String {
        guard text.contains("://") else { return text }
        var out = ""
        var rest = Substring(text)
        while let separator = rest.firstRange(of: "://") {
            out += rest[..<separator.upperBound]
            rest = rest[separator.upperBound...]
            let token = rest.prefix { !$0.isWhitespace && $0 != "\"" && $0 != "'" && $0 != "<" && $0 != ">" }
            guard let at = token.lastIndex(of: "@") else { continue }
            let user = token[..<at].prefix { $0 != ":" }
            out += user + ":" + self.mask
            rest = rest[at...]
        }
        return out + rest
    }

    /// A configuration value with its secrets hidden: the value of a key that names a secret
    /// (``isSecretKey(_:)``) is ``mask``, and every string has the passwords of its URIs hidden
    /// (``redactingURIs(in:)``), at any depth.
    public static func redacting(_ value: JSONValue, key: String? = nil) -> JSONValue {
        if let key, self.isSecretKey(key), !value.isNull {
            switch value {
            case .object, .array: break
            default: return .string(self.mask)
            }
        }
        switch value {
        case .string(let text):
            return .string(self.redactingURIs(in: text))
        case .array(let elements):
            return .array(elements.map { self.redacting($0, key: key) })
        case .object(let object):
            return .object(JSONObject(object.members.map { ($0.key, self.redacting($0.value, key: $0.key)) }))
        case .null, .bool, .int, .bigInteger, .double:
            return value
        }
    }

    /// Text quoting configuration lines (a YAML parser's error shows the line it stopped at) with its secrets
    /// hidden: the passwords of URIs, and what follows `KEY:` or `KEY=` on a line whose key names a secret.
    public static func redactingConfigText(_ text: String) -> String {
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map { line -> String in
            let redacted = self.redactingURIs(in: String(line))
            guard let separator = redacted.firstIndex(where: { $0 == ":" || $0 == "=" }) else { return redacted }
            let key = redacted[..<separator].trimmingPrefix { $0 == " " || $0 == "-" || $0 == "\"" || $0 == "'" }
            let name = key.prefix { $0 != " " && $0 != "\"" && $0 != "'" }
            guard !name.isEmpty, self.isSecretKey(String(name)) else { return redacted }
            let value = redacted[redacted.index(after: separator)...]
            guard value.contains(where: { !$0.isWhitespace }) else { return redacted }
            return redacted[...separator] + " " + self.mask
        }
        return lines.joined(separator: "\n")
    }
}
