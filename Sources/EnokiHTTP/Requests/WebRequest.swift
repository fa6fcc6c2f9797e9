//===----------------------------------------------------------------------===//
// This source file is part of Enoki. Licensed under Apache License v2.0.
//===----------------------------------------------------------------------===//

public import EnokiCore

/// An HTTP request as a worker gets it: what a Nameko handler reads from its werkzeug `request`.
public struct WebRequest: Sendable {
    /// The method, upper case (`GET`).
    public var method: String
    /// The path, percent-decoded (`/get/42`).
    public var path: String
    /// The query string as sent, without the `?` (`a=1&b=2`), empty when there is none.
    public var queryString: String
    /// The headers, in the order they came; names as sent.
    public var headers: [(name: String, value: String)]
    /// The body.
    public var body: [UInt8]
    /// The converted values of the rule's variables (`["value": 42]`).
    public var pathValues: [String: JSONValue]

    /// A request.
    public init(
        method: String,
        path: String,
        queryString: String = "",
        headers: [(name: String, value: String)] = [],
        body: [UInt8] = [],
        pathValues: [String: JSONValue] = [:]
    ) {
        self.method = method
        self.path = path
        self.queryString = queryString
        self.headers = headers
        self.body = body
        self.pathValues = pathValues
    }

    /// The body as text (werkzeug's `get_data(as_text=True)`): UTF-8, with U+FFFD for bytes that are not.
    public var text: String { String(decoding: self.body, as: UTF8.self) }

    /// The first value of a header, by its name in any case.
    public func header(_ name: String) -> String? {
        let lowered = name.lowercased()
        return self.headers.first { $0.name.lowercased() == lowered }?.value
    }

    /// The query's arguments, percent- and plus-decoded, in order (werkzeug's `request.args`).
    public var query: [(name: String, value: String)] {
        self.queryString.split(separator: "&").map { pair in
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let name = PercentDecoding.decode(parts[0], plusIsSpace: true)
            let value = parts.count > 1 ? PercentDecoding.decode(parts[1], plusIsSpace: true) : ""
            return (name, value)
        }
    }

    /// The first value of a query argument.
    public func query(_ name: String) -> String? {
        self.query.first { $0.name == name }?.value
    }
}

/// `%41` → `A`; invalid escapes are kept as they are, and bytes that are not UTF-8 become U+FFFD.
enum PercentDecoding {
    static func decode(_ text: some StringProtocol, plusIsSpace: Bool = false) -> String {
        guard text.contains("%") || (plusIsSpace && text.contains("+")) else { return String(text) }
        var bytes: [UInt8] = []
        let utf8 = Array(text.utf8)
        var index = 0
        while index < utf8.count {
            let byte = utf8[index]
            if byte == UInt8(ascii: "%"), index + 2 < utf8.count, let high = hex(utf8[index + 1]),
                let low = hex(utf8[index + 2])
            {
                bytes.append(high << 4 | low)
                index += 3
            } else {
                bytes.append(plusIsSpace && byte == UInt8(ascii: "+") ? UInt8(ascii: " ") : byte)
                index += 1
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    private static func hex(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): return byte - UInt8(ascii: "A") + 10
        default: return nil
        }
    }
}
