//===----------------------------------------------------------------------===//
// This source file is part of Enoki. Licensed under Apache License v2.0.
//===----------------------------------------------------------------------===//

/// Text that came from outside the process (a routing key, a header, a property, part of a body), made safe for a
/// log line or an error message.
///
/// Any process that can publish to a queue chooses that text: it may hold control characters (a terminal escape, a
/// newline that forges a log line) or run to megabytes. Here control characters, quotes and backslashes are escaped
/// as Swift writes them in a string literal (`\n`, `\u{1B}`, `\"`), printable text of any script is kept, and the
/// text is cut after ``limit`` characters with a note of how much was left out. It costs time in proportion to the
/// limit, not to the text.
public enum WireText {
    /// How many characters are kept by default.
    public static let limit = 200

    /// The text, escaped and cut.
    ///
    /// - Parameters:
    ///   - text: The text from the wire.
    ///   - limit: How many characters (Unicode scalars) to keep.
    public static func loggable(_ text: some StringProtocol, limit: Int = WireText.limit) -> String {
        var out = ""
        var kept = 0
        var keptBytes = 0
        for scalar in text.unicodeScalars {
            guard kept < limit else { break }
            switch scalar {
            case "\"", "\\":
                out.append("\\")
                out.unicodeScalars.append(scalar)
            case _
            where scalar.properties.generalCategory == .control
                || scalar.properties.generalCategory == .format
                || scalar.properties.generalCategory == .lineSeparator
                || scalar.properties.generalCategory == .paragraphSeparator:
                out += scalar.escaped(asASCII: true)
            default:
                out.unicodeScalars.append(scalar)
            }
            kept += 1
            keptBytes += UTF8.width(scalar)
        }
        let total = text.utf8.count
        if keptBytes < total {
            out += "… (\(total - keptBytes) more bytes)"
        }
        return out
    }
}
