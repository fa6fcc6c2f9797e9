//===----------------------------------------------------------------------===//
// This source file is part of Enoki. Licensed under Apache License v2.0.
//===----------------------------------------------------------------------===//

import EnokiCore
import FoundationEssentials
import Testing

@Suite struct JSONTests {
    @Test func keepsPythonsIntegerFloatDistinction() throws {
        let value = try JSONParser.parse(
            #"{"i": 1, "f": 1.0, "e": 1e3, "neg": -0, "big": 123456789012345678901234567890}"#
        )
        #expect(value["i"] == .int(1))
        #expect(value["f"] == .double(1.0))
        #expect(value["e"] == .double(1000))
        #expect(value["neg"] == .int(0))
        #expect(value["big"] == .bigInteger("123456789012345678901234567890"))
        #expect(
            JSONWriter.string(value)
                == #"{"i": 1, "f": 1.0, "e": 1000.0, "neg": 0, "big": 123456789012345678901234567890}"#
        )
    }

    @Test func writesWithPythonsSeparators() {
        let value: JSONValue = ["args": [1, "two"], "kwargs": ["b": "two"]]
        #expect(JSONWriter.string(value) == #"{"args": [1, "two"], "kwargs": {"b": "two"}}"#)
        #expect(JSONWriter.format(1e-05) == "1e-05")
        #expect(JSONWriter.format(0.1) == "0.1")
        #expect(JSONWriter.format(3.0) == "3.0")
    }

    @Test func readsWhatPythonWrites() throws {
        // json.dumps escapes non-ASCII and writes NaN/Infinity bare.
        let value = try JSONParser.parse(#"["hell\u00f8", NaN, Infinity, -Infinity, "\ud83d\ude00", "a\"b\\c\n"]"#)
        guard case .array(let elements) = value else {
            Issue.record("expected an array")
            return
        }
        #expect(elements[0] == .string("hellø"))
        #expect(elements[1].doubleValue?.isNaN == true)
        #expect(elements[2] == .double(.infinity))
        #expect(elements[3] == .double(-.infinity))
        #expect(elements[4] == .string("😀"))
        #expect(elements[5] == .string("a\"b\\c\n"))
        #expect(JSONWriter.string(.array([.double(.nan), .double(-.infinity)])) == "[NaN, -Infinity]")
    }

    @Test(arguments: [
        (#"{"args": [1, 2, "#, "Expecting value: line 1 column 17 (char 16)"),
        (#"{"a" 1}"#, "Expecting ':' delimiter: line 1 column 6 (char 5)"),
        (#"[1, 2"#, "Expecting ',' delimiter: line 1 column 6 (char 5)"),
        (#"{"a": 1} x"#, "Extra data: line 1 column 10 (char 9)"),
        ("", "Expecting value: line 1 column 1 (char 0)"),
        (#"{1: 2}"#, "Expecting property name enclosed in double quotes: line 1 column 2 (char 1)"),
    ])
    func errorsAreWordedAsPythonWordsThem(input: String, message: String) {
        let error = #expect(throws: JSONParseError.self) { try JSONParser.parse(input) }
        #expect(error?.message == message)
    }

    @Test func deepNestingIsRefused() {
        let deep = String(repeating: "[", count: 100_000) + String(repeating: "]", count: 100_000)
        #expect(throws: JSONParseError.self) { try JSONParser.parse(deep) }
    }

    @Test func invalidUTF8IsAnError() {
        #expect(throws: JSONParseError.self) { try JSONParser.parse([0x22, 0xFF, 0x22]) }
        // A bad byte after ASCII text, and a sequence cut short before the closing quote.
        #expect(throws: JSONParseError.self) { try JSONParser.parse(Array(#""abc"#.utf8) + [0xC3, 0x22]) }
        #expect(throws: JSONParseError.self) { try JSONParser.parse(Array(#""abc"#.utf8) + [0xED, 0xA0, 0x80, 0x22]) }
    }

    @Test func nonASCIIStringsKeepTheirText() throws {
        #expect(try JSONParser.parse(#""Grüße, 世界 🍄""#) == .string("Grüße, 世界 🍄"))
        #expect(try JSONParser.parse(#"{"naïve": "\u00e9t\u00e9"}"#) == .object(["naïve": .string("été")]))
    }

    @Test func objectsKeepTheirOrderAndLastDuplicate() throws {
        let value = try JSONParser.parse(#"{"b": 1, "a": 2, "b": 3}"#)
        #expect(value.objectValue?.keys == ["b", "a"])
        #expect(value["b"] == .int(3))
    }

    /// Message bodies come from any publisher. Valid bodies with a few bytes changed either parse, and then write
    /// and parse back to the same text, or fail with a `JSONParseError`; nothing traps.
    @Test func mutatedBodiesParseOrFailCleanly() throws {
        let samples = [
            #"{"args": ["hellø", 1, -2.5e-3, true, null], "kwargs": {"a": [{"b": {}}], "c": "\u00e9\n\ud83c\udf44"}}"#,
            #"{"result": {"__type__": "decimal", "__value__": "1.50"}, "error": null}"#,
            #"[NaN, Infinity, -Infinity, 1e308, 123456789012345678901234567890, 0.1]"#,
            #"{"error": {"exc_type": "ValueError", "exc_path": "builtins.ValueError", "exc_args": ["x"], "value": "x"}}"#,
        ].map { Array($0.utf8) }
        var state: UInt64 = 0x0B0D_1E5
        func next(_ bound: Int) -> Int {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return Int((z ^ (z >> 31)) % UInt64(bound))
        }
        let interesting = Array(#"{}[],:"\-+.0123456789eEtfnNIu"#.utf8) + [0x00, 0x7F, 0xC3, 0xA9, 0xF0, 0xFF]
        var (parsed, refused) = (0, 0)
        for _ in 0..<20_000 {
            var bytes = samples[next(samples.count)]
            for _ in 0...next(4) where !bytes.isEmpty {
                let index = next(bytes.count)
                switch next(3) {
                case 0: bytes[index] = interesting[next(interesting.count)]
                case 1: bytes.insert(interesting[next(interesting.count)], at: index)
                default: bytes.remove(at: index)
                }
            }
            do {
                let value = try JSONParser.parse(bytes)
                let written = JSONWriter.string(value)
                #expect(JSONWriter.string(try JSONParser.parse(written)) == written)
                parsed += 1
            } catch {
                refused += 1
            }
        }
        #expect(parsed > 1000)
        #expect(refused > 1000)
    }
}

@Suite struct CodableBridgeTests {
    struct Order: Codable, Equatable {
        var id: Int
        var items: [String]
        var total: Double
        var note: String?
        var placed: Date
        var reference: UUID
        var amount: Decimal
        var payload: Data
    }

    @Test func roundTripsThroughKombuEnvelopes() throws {
        let order = Order(
            id: 7,
            items: ["a", "b"],
            total: 2.5,
            note: nil,
            placed: Date(timeIntervalSince1970: 1_704_164_645),
            reference: UUID(uuidString: "7A577A88-374E-47DF-B2A9-BF33C168AE3F")!,
            amount: Decimal(string: "12.34")!,
            payload: Data("raw".utf8)
        )
        let value = try JSONValueEncoder().encode(order)
        #expect(value["placed"] == ["__type__": "datetime", "__value__": "2024-01-02T03:04:05+00:00"])
        #expect(value["reference"] == ["__type__": "uuid", "__value__": ["hex": "7a577a88374e47dfb2a9bf33c168ae3f"]])
        #expect(value["amount"] == ["__type__": "decimal", "__value__": "12.34"])
        #expect(value["payload"] == ["__type__": "bytes", "__value__": "raw"])
        #expect(try JSONValueDecoder().decode(Order.self, from: value) == order)
    }

    @Test func decodesWhatKombuSends() throws {
        // nameko-wire §2.4: a Python method returned {"dt": datetime(2024,1,2,3,4,5)}.
        let reply = try JSONParser.parse(#"{"dt": {"__type__": "datetime", "__value__": "2024-01-02T03:04:05"}}"#)
        let date = try JSONValueDecoder().decode(Date.self, from: reply["dt"]!)
        #expect(date.timeIntervalSince1970 == 1_704_164_645)
        // Older kombu writes plain ISO strings.
        #expect(
            try JSONValueDecoder().decode(Date.self, from: "2024-01-02T03:04:05.5+01:00").timeIntervalSince1970
                == 1_704_161_045.5
        )
        #expect(
            try JSONValueDecoder().decode(Date.self, from: ["__type__": "date", "__value__": "2024-01-02"])
                .timeIntervalSince1970 == 1_704_153_600
        )
        let uuid = try JSONValueDecoder().decode(
            UUID.self,
            from: ["__type__": "uuid", "__value__": ["hex": "7a577a88374e47dfb2a9bf33c168ae3f"]]
        )
        #expect(uuid.uuidString == "7A577A88-374E-47DF-B2A9-BF33C168AE3F")
        #expect(
            try JSONValueDecoder().decode(Data.self, from: ["__type__": "base64", "__value__": "AP8="])
                == Data([0, 255])
        )
        #expect(
            try JSONValueDecoder().decode(Decimal.self, from: ["__type__": "decimal", "__value__": "1.5"])
                == Decimal(string: "1.5")
        )
    }

    @Test func mistypedValuesSayWhatWasExpectedInPythonTerms() {
        struct Point: Decodable { var x: Int }
        let error = #expect(throws: JSONValueDecodingError.self) {
            try JSONValueDecoder().decode(Point.self, from: ["x": 1.5])
        }
        #expect(error?.description == "x must be int, not float")
        let missing = #expect(throws: JSONValueDecodingError.self) {
            try JSONValueDecoder().decode(Point.self, from: [:])
        }
        #expect(missing?.description == "x must be present, not missing")
    }

    @Test func floatsNeverBecomeIntegersButIntegersBecomeFloats() throws {
        #expect(throws: JSONValueDecodingError.self) { try JSONValueDecoder().decode(Int.self, from: 1.0) }
        #expect(try JSONValueDecoder().decode(Double.self, from: 3) == 3.0)
        #expect(try JSONValueEncoder().encode(3.0) == .double(3.0))
        #expect(try JSONValueEncoder().encode(UInt64.max) == .bigInteger("18446744073709551615"))
    }

    @Test func findsUnknownEnvelopes() {
        #expect(KombuEnvelope.firstUnknownType(in: ["args": [["__type__": "foo", "__value__": 1]]]) == "foo")
        #expect(KombuEnvelope.firstUnknownType(in: ["args": [["__type__": "datetime", "__value__": "x"]]]) == nil)
        #expect(KombuEnvelope.firstUnknownType(in: ["__type__": "foo", "__value__": 1, "extra": true]) == nil)
    }
}
