//===----------------------------------------------------------------------===//
// This source file is part of Enoki. Licensed under Apache License v2.0.
//===----------------------------------------------------------------------===//

/// An integer of any size, as Python's `int`: enough of it for the seed's `compute` (add, subtract, multiply,
/// true division, decimal text), so that its results match a Python service's for any integers a caller sends.
struct PythonInt: Equatable, Sendable, CustomStringConvertible {
    /// Whether the number is below zero (never for zero).
    private(set) var isNegative: Bool
    /// The magnitude in base 2³², least significant limb first, with no high zero limbs.
    private(set) var limbs: [UInt32]

    init(_ value: Int) {
        self.isNegative = value < 0
        var magnitude = value.magnitude
        var limbs: [UInt32] = []
        while magnitude > 0 {
            limbs.append(UInt32(truncatingIfNeeded: magnitude))
            magnitude >>= 32
        }
        self.limbs = limbs
    }

    private init(isNegative: Bool, limbs: [UInt32]) {
        var limbs = limbs
        while limbs.last == 0 { limbs.removeLast() }
        self.limbs = limbs
        self.isNegative = limbs.isEmpty ? false : isNegative
    }

    /// The integer a string of ASCII decimal digits with an optional sign makes, or `nil`.
    init?(decimal text: some StringProtocol) {
        var digits = Substring(text)
        var negative = false
        if digits.first == "-" || digits.first == "+" {
            negative = digits.first == "-"
            digits = digits.dropFirst()
        }
        guard !digits.isEmpty, digits.allSatisfy({ $0.isASCII && $0.isNumber }) else { return nil }
        var result: [UInt32] = []
        var index = digits.startIndex
        // Nine digits at a time: multiply by 10⁹ and add.
        while index < digits.endIndex {
            let end = digits.index(index, offsetBy: 9, limitedBy: digits.endIndex) ?? digits.endIndex
            let chunk = UInt64(digits[index..<end])!
            let scale = UInt64(pow10(digits.distance(from: index, to: end)))
            var carry = chunk
            for i in result.indices {
                let product = UInt64(result[i]) * scale + carry
                result[i] = UInt32(truncatingIfNeeded: product)
                carry = product >> 32
            }
            if carry > 0 { result.append(UInt32(carry)) }
            index = end
        }
        self.init(isNegative: negative, limbs: result)
    }

    /// The integer part of a finite double, exactly (Python's `int(3.9)` is 3, `int(1e20)` is 10²⁰).
    init(truncating value: Double) {
        precondition(value.isFinite)
        let truncated = value.rounded(.towardZero)
        guard truncated != 0 else {
            self.init(0)
            return
        }
        let exponent = Int(truncated.exponent)
        let significand = truncated.significandBitPattern | (1 << 52)
        var magnitude = PythonInt(Int(significand))
        if exponent >= 52 {
            magnitude = magnitude.shiftedLeft(exponent - 52)
        } else {
            magnitude = PythonInt(Int(significand >> UInt64(52 - exponent)))
        }
        self.init(isNegative: value < 0, limbs: magnitude.limbs)
    }

    /// The value as an `Int`, when it fits.
    var intValue: Int? {
        guard self.limbs.count <= 2 else { return nil }
        let magnitude = self.limbs.enumerated().reduce(UInt64(0)) {
            $0 | UInt64($1.element) << (32 * UInt64($1.offset))
        }
        if self.isNegative {
            return magnitude <= UInt64(Int.max) + 1 ? Int(truncatingIfNeeded: 0 &- magnitude) : nil
        }
        return magnitude <= UInt64(Int.max) ? Int(magnitude) : nil
    }

    /// How many bits the magnitude takes.
    var bitWidth: Int {
        guard let last = self.limbs.last else { return 0 }
        return (self.limbs.count - 1) * 32 + (32 - last.leadingZeroBitCount)
    }

    /// Decimal text, with a `-` for a negative number.
    var description: String {
        guard !self.limbs.isEmpty else { return "0" }
        var magnitude = self.limbs
        var chunks: [UInt32] = []
        while !magnitude.isEmpty {
            var remainder: UInt64 = 0
            for i in magnitude.indices.reversed() {
                let value = remainder << 32 | UInt64(magnitude[i])
                magnitude[i] = UInt32(value / 1_000_000_000)
                remainder = value % 1_000_000_000
            }
            while magnitude.last == 0 { magnitude.removeLast() }
            chunks.append(UInt32(remainder))
        }
        var text = self.isNegative ? "-" : ""
        text += String(chunks.last!)
        for chunk in chunks.dropLast().reversed() {
            let digits = String(chunk)
            text += String(repeating: "0", count: 9 - digits.count) + digits
        }
        return text
    }

    static func + (lhs: PythonInt, rhs: PythonInt) -> PythonInt {
        if lhs.isNegative == rhs.isNegative {
            return PythonInt(isNegative: lhs.isNegative, limbs: Self.add(lhs.limbs, rhs.limbs))
        }
        if Self.compare(lhs.limbs, rhs.limbs) >= 0 {
            return PythonInt(isNegative: lhs.isNegative, limbs: Self.subtract(lhs.limbs, rhs.limbs))
        }
        return PythonInt(isNegative: rhs.isNegative, limbs: Self.subtract(rhs.limbs, lhs.limbs))
    }

    static prefix func - (value: PythonInt) -> PythonInt {
        PythonInt(isNegative: !value.isNegative, limbs: value.limbs)
    }

    static func - (lhs: PythonInt, rhs: PythonInt) -> PythonInt {
        lhs + -rhs
    }

    static func * (lhs: PythonInt, rhs: PythonInt) -> PythonInt {
        guard !lhs.limbs.isEmpty, !rhs.limbs.isEmpty else { return PythonInt(0) }
        var result = [UInt32](repeating: 0, count: lhs.limbs.count + rhs.limbs.count)
        for (i, a) in lhs.limbs.enumerated() {
            var carry: UInt64 = 0
            for (j, b) in rhs.limbs.enumerated() {
                let value = UInt64(a) * UInt64(b) + UInt64(result[i + j]) + carry
                result[i + j] = UInt32(truncatingIfNeeded: value)
                carry = value >> 32
            }
            result[i + rhs.limbs.count] = UInt32(carry)
        }
        return PythonInt(isNegative: lhs.isNegative != rhs.isNegative, limbs: result)
    }

    /// Python's `a / b` of two ints: a float, or `nil` when it is too large for one (Python's `OverflowError:
    /// integer division result too large for a float`). Exact (correctly rounded) when both fit in 53 bits, as
    /// they do for every number the seed sends; beyond that it may differ from Python's in the last bit.
    func dividedAsFloat(by divisor: PythonInt) -> Double? {
        if let a = self.intValue, let b = divisor.intValue, a.magnitude < 1 << 53, b.magnitude < 1 << 53 {
            return Double(a) / Double(b)
        }
        // Scale both down alike, so that neither becomes infinite as a double.
        let shift = max(0, max(self.bitWidth, divisor.bitWidth) - 1000)
        let quotient = self.shiftedRight(shift).doubleValue / divisor.shiftedRight(shift).doubleValue
        return quotient.isFinite ? quotient : nil
    }

    private var doubleValue: Double {
        let magnitude = self.limbs.reversed().reduce(0.0) { $0 * 4_294_967_296 + Double($1) }
        return self.isNegative ? -magnitude : magnitude
    }

    private func shiftedLeft(_ bits: Int) -> PythonInt {
        guard bits > 0, !self.limbs.isEmpty else { return self }
        var result = [UInt32](repeating: 0, count: bits / 32)
        let offset = UInt32(bits % 32)
        var carry: UInt32 = 0
        for limb in self.limbs {
            result.append(offset == 0 ? limb : limb << offset | carry)
            carry = offset == 0 ? 0 : limb >> (32 - offset)
        }
        if carry > 0 { result.append(carry) }
        return PythonInt(isNegative: self.isNegative, limbs: result)
    }

    private func shiftedRight(_ bits: Int) -> PythonInt {
        guard bits > 0 else { return self }
        let whole = bits / 32
        guard whole < self.limbs.count else { return PythonInt(0) }
        let offset = UInt32(bits % 32)
        var result: [UInt32] = []
        for i in whole..<self.limbs.count {
            let high = i + 1 < self.limbs.count ? self.limbs[i + 1] : 0
            result.append(offset == 0 ? self.limbs[i] : self.limbs[i] >> offset | high << (32 - offset))
        }
        return PythonInt(isNegative: self.isNegative, limbs: result)
    }

    private static func add(_ a: [UInt32], _ b: [UInt32]) -> [UInt32] {
        var result: [UInt32] = []
        var carry: UInt64 = 0
        for i in 0..<max(a.count, b.count) {
            let sum = UInt64(i < a.count ? a[i] : 0) + UInt64(i < b.count ? b[i] : 0) + carry
            result.append(UInt32(truncatingIfNeeded: sum))
            carry = sum >> 32
        }
        if carry > 0 { result.append(UInt32(carry)) }
        return result
    }

    /// `a - b` for `a >= b`.
    private static func subtract(_ a: [UInt32], _ b: [UInt32]) -> [UInt32] {
        var result: [UInt32] = []
        var borrow: Int64 = 0
        for i in a.indices {
            var difference = Int64(a[i]) - Int64(i < b.count ? b[i] : 0) - borrow
            borrow = difference < 0 ? 1 : 0
            if difference < 0 { difference += 1 << 32 }
            result.append(UInt32(difference))
        }
        return result
    }

    private static func compare(_ a: [UInt32], _ b: [UInt32]) -> Int {
        if a.count != b.count { return a.count < b.count ? -1 : 1 }
        for i in a.indices.reversed() where a[i] != b[i] { return a[i] < b[i] ? -1 : 1 }
        return 0
    }
}

private func pow10(_ exponent: Int) -> Int {
    (0..<exponent).reduce(1) { value, _ in value * 10 }
}
