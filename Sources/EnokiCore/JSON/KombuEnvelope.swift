//===----------------------------------------------------------------------===//
// This source file is part of Enoki. Licensed under Apache License v2.0.
//===----------------------------------------------------------------------===//

public import FoundationEssentials

/// kombu's typed-value envelopes: since kombu 5.3 Python sends datetimes, dates, times, decimals, UUIDs and
/// bytes as `{"__type__": T, "__value__": V}`, and turns any object with exactly those two keys back into the
/// native type. Enoki decodes them into `Date`, `Decimal`, `UUID` and `Data` and writes those types the same
/// way, so that Python code gets the type it would get from Python.
public enum KombuEnvelope {
    /// The `__type__` names kombu knows.
    public static let knownTypes: Set<String> = ["datetime", "date", "time", "decimal", "uuid", "bytes", "base64"]

    /// The type and value, when `value` is an envelope: an object with exactly the keys `__type__` and `__value__`.
    public static func unwrap(_ value: JSONValue) -> (type: String, value: JSONValue)? {
        guard case .object(let object) = value, object.count == 2,
            case .string(let type)? = object["__type__"], let inner = object["__value__"]
        else { return nil }
        return (type, inner)
    }

    /// An envelope.
    public static func wrap(_ type: String, _ value: JSONValue) -> JSONValue {
        .object(JSONObject([("__type__", .string(type)), ("__value__", value)]))
    }

    /// Finds the first envelope with a type kombu does not know, anywhere in a value (kombu refuses such a
    /// message as a whole).
    public static func firstUnknownType(in value: JSONValue) -> String? {
        switch value {
        case .object(let object):
            if let (type, _) = self.unwrap(value), !self.knownTypes.contains(type) {
                return type
            }
            for member in object.members {
                if let found = self.firstUnknownType(in: member.value) { return found }
            }
            return nil
        case .array(let elements):
            for element in elements {
                if let found = self.firstUnknownType(in: element) { return found }
            }
            return nil
        case .null, .bool, .int, .bigInteger, .double, .string:
            return nil
        }
    }

    // MARK: Dates, as Python's isoformat writes them

    /// Parses Python's `datetime.isoformat()` / `date.isoformat()`: `2024-01-02`, `2024-01-02T03:04:05`,
    /// `…T03:04:05.123456`, with an optional `Z` or `±HH:MM` offset. A value without an offset is taken as UTC.
    public static func parseDate(_ text: String) -> Date? {
        let bytes = Array(text.utf8)
        func number(_ start: Int, _ count: Int) -> Int? {
            guard start + count <= bytes.count else { return nil }
            var value = 0
            for byte in bytes[start..<start + count] {
                guard (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) else { return nil }
                value = value * 10 + Int(byte - UInt8(ascii: "0"))
            }
            return value
        }
        guard bytes.count >= 10, let year = number(0, 4), bytes[4] == UInt8(ascii: "-"), let month = number(5, 2),
            bytes[7] == UInt8(ascii: "-"), let day = number(8, 2), year >= 1, (1...12).contains(month),
            (1...self.daysInMonth(month, of: year)).contains(day)
        else { return nil }
        var seconds = Double(self.daysFromCivil(year: year, month: month, day: day)) * 86_400
        var index = 10
        if index < bytes.count, bytes[index] == UInt8(ascii: "T") || bytes[index] == UInt8(ascii: " ") {
            guard let hour = number(index + 1, 2), bytes.count > index + 3, bytes[index + 3] == UInt8(ascii: ":"),
                let minute = number(index + 4, 2)
            else { return nil }
            seconds += Double(hour * 3600 + minute * 60)
            index += 6
            if index < bytes.count, bytes[index] == UInt8(ascii: ":") {
                guard let second = number(index + 1, 2) else { return nil }
                seconds += Double(second)
                index += 3
                if index < bytes.count, bytes[index] == UInt8(ascii: ".") {
                    var digits = 0
                    var fraction = 0.0
                    var scale = 0.1
                    index += 1
                    while index < bytes.count, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(bytes[index]) {
                        fraction += Double(bytes[index] - UInt8(ascii: "0")) * scale
                        scale /= 10
                        digits += 1
                        index += 1
                    }
                    guard digits > 0 else { return nil }
                    seconds += fraction
                }
            }
        }
        if index < bytes.count {
            if bytes[index] == UInt8(ascii: "Z") {
                index += 1
            } else if bytes[index] == UInt8(ascii: "+") || bytes[index] == UInt8(ascii: "-") {
                guard let hours = number(index + 1, 2), bytes.count > index + 3, bytes[index + 3] == UInt8(ascii: ":"),
                    let minutes = number(index + 4, 2)
                else { return nil }
                let offset = Double(hours * 3600 + minutes * 60)
                seconds -= bytes[index] == UInt8(ascii: "+") ? offset : -offset
                index += 6
            }
        }
        guard index == bytes.count else { return nil }
        return Date(timeIntervalSince1970: seconds)
    }

    /// The times Python's `datetime` can hold, in seconds since the Unix epoch: from 0001-01-01 to the end of
    /// 9999-12-31. A number outside it (or not finite) is no datetime.
    public static let datetimeRange: ClosedRange<Double> = -62_135_596_800...253_402_300_799.999999

    /// Writes a date as Python's `datetime.isoformat()` writes a UTC datetime: `2024-01-02T03:04:05` or
    /// `2024-01-02T03:04:05.123456`, with `+00:00`; `nil` for a date Python's `datetime` cannot hold (before
    /// year 1, after year 9999, or not a finite time).
    public static func formatDate(_ date: Date) -> String? {
        let total = date.timeIntervalSince1970
        guard self.datetimeRange.contains(total) else { return nil }
        var seconds = Int(total.rounded(.down))
        var micros = Int(((total - Double(seconds)) * 1_000_000).rounded())
        if micros >= 1_000_000 {
            seconds += 1
            micros -= 1_000_000
        }
        let days = Int((Double(seconds) / 86_400).rounded(.down))
        let secondOfDay = seconds - days * 86_400
        let (year, month, day) = self.civilFromDays(days)
        func two(_ value: Int) -> String { value < 10 ? "0\(value)" : "\(value)" }
        var text =
            "\(year)-\(two(month))-\(two(day))T\(two(secondOfDay / 3600)):\(two(secondOfDay / 60 % 60)):\(two(secondOfDay % 60))"
        if micros > 0 {
            let digits = String(micros)
            text += "." + String(repeating: "0", count: 6 - digits.count) + digits
        }
        return text + "+00:00"
    }

    static func daysInMonth(_ month: Int, of year: Int) -> Int {
        switch month {
        case 2: return year % 4 == 0 && (year % 100 != 0 || year % 400 == 0) ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }

    // Howard Hinnant's days-from-civil and its inverse.
    static func daysFromCivil(year: Int, month: Int, day: Int) -> Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let doy = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }

    static func civilFromDays(_ days: Int) -> (Int, Int, Int) {
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365
        let y = yoe + era * 400
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp + (mp < 10 ? 3 : -9)
        return (m <= 2 ? y + 1 : y, m, d)
    }
}
