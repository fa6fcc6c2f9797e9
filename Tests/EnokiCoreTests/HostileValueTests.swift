//===----------------------------------------------------------------------===//
// This source file is part of Enoki. Licensed under Apache License v2.0.
//===----------------------------------------------------------------------===//

import EnokiCore
import FoundationEssentials
import Testing

/// Values any caller can send: objects of many or repeated keys, numbers beyond every range, dates and decimals
/// no type holds. They parse, bind or fail with `IncorrectSignature`, and encode again, and nothing traps.
@Suite struct HostileValueTests {
    @Test func objectsOfManyKeysKeepTheirOrderAndFindEveryKey() throws {
        var text = "{"
        for index in 0..<5_000 {
            text += (index > 0 ? ", " : "") + "\"k\(index)\": \(index)"
        }
        let value = try JSONParser.parse(text + "}")
        let object = try #require(value.objectValue)
        #expect(object.count == 5_000)
        #expect(object.keys.first == "k0" && object.keys.last == "k4999")
        #expect(object["k4321"] == .int(4321))
        #expect(object["nope"] == nil)
    }

    @Test func aRepeatedKeyKeepsItsLastValueAtItsFirstPlaceAsPythonDoes() throws {
        var text = #"{"first": 0"#
        for index in 0..<2_000 {
            text += ", \"same\": \(index), \"k\(index)\": true"
        }
        let object = try #require(try JSONParser.parse(text + "}").objectValue)
        #expect(object.count == 2_002)
        #expect(object.keys[1] == "same")
        #expect(object["same"] == .int(1_999))
    }

    @Test func anIndexedObjectStaysRightThroughRemovalsAndReplacements() {
        var object = JSONObject()
        for index in 0..<40 { object["k\(index)"] = .int(index) }
        object["k3"] = nil
        object["k10"] = "ten"
        object["k40"] = 40
        #expect(object.count == 40)
        #expect(object["k3"] == nil)
        #expect(object["k4"] == .int(4))
        #expect(object["k10"] == "ten")
        #expect(object.keys.last == "k40")
        for index in 0..<30 { object["k\(index)"] = nil }
        #expect(object.count == 11)
        #expect(object["k35"] == .int(35))
        #expect(object.keys.first == "k30")
    }

    @Test func largeDictionariesAndArraysEncode() throws {
        var dictionary: [String: Int] = [:]
        for index in 0..<20_000 { dictionary["k\(index)"] = index }
        let encoded = try JSONValueEncoder().encode(dictionary)
        #expect(encoded.objectValue?.count == 20_000)
        #expect(encoded["k19999"] == .int(19_999))
        let array = try JSONValueEncoder().encode(Array(0..<100_000))
        #expect(array.arrayValue?.count == 100_000)
        let back = try JSONValueDecoder().decode([String: Int].self, from: encoded)
        #expect(back == dictionary)
    }

    @Test func numbersBeyondEveryRangeParse() throws {
        let value = try JSONParser.parse(
            "[1e400, -1e400, 1e-400, 1" + String(repeating: "0", count: 5_000) + ", 1."
                + String(repeating: "3", count: 5_000)
                + "e5]"
        )
        let elements = try #require(value.arrayValue)
        #expect(elements[0] == .double(.infinity))
        #expect(elements[1] == .double(-.infinity))
        #expect(elements[2] == .double(0))
        #expect(elements[3] == .bigInteger("1" + String(repeating: "0", count: 5_000)))
        #expect(elements[4].doubleValue.map { abs($0 - 133_333.333) < 0.01 } == true)
        // And written again: the digits as they came.
        #expect(JSONWriter.string(elements[3]).count == 5_001)
    }

    /// Each value bound to `T`: it binds, or fails with `IncorrectSignature`; then what bound encodes.
    func bindEverything<T: Codable>(_ type: T.Type) -> (bound: Int, refused: Int) {
        let values: [JSONValue] = [
            .double(.nan), .double(.infinity), .double(-.infinity), .double(1e308), .double(-1e-308), .double(-0.0),
            .bigInteger("1" + String(repeating: "0", count: 400)), .bigInteger("-9223372036854775809"),
            .int(.max), .int(.min), .string("Infinity"), .string("-inf"), .string("NaN"), .string("1e400"),
            .string("1e-400"), .string(String(repeating: "9", count: 1_000)), .string("0000-01-01"),
            .string("9999-12-31T23:59:59.999999+00:00"), .string("2023-02-29"), .string("2024-13-01"),
            .string("2024-01-01T99:99:99"), .string("2024-01-01T00:00:00." + String(repeating: "1", count: 500)),
            ["__type__": "decimal", "__value__": "1e99999"], ["__type__": "decimal", "__value__": "NaN"],
            ["__type__": "decimal", "__value__": .double(.infinity)], ["__type__": "datetime", "__value__": "x"],
            ["__type__": "datetime", "__value__": .double(.nan)], ["__type__": "date", "__value__": "9999-12-31"],
            ["__type__": "uuid", "__value__": ["hex": .int(1)]], ["__type__": "bytes", "__value__": .int(1)],
            .array([.double(.nan), .bigInteger("9" + String(repeating: "9", count: 100))]),
            ["number": .double(.infinity), "real": .bigInteger("9" + String(repeating: "9", count: 400))],
            ["number": 1, "real": 2.5, "decimal": .double(.infinity), "date": .double(1e300)],
            ["number": 1, "real": .double(.nan), "decimal": "NaN", "date": .int(.max)],
            ["number": .int(.min), "real": -0.0, "decimal": .double(1e-300), "date": .double(-62_135_596_800)],
            .null, .bool(true), .object([:]), .array([]),
            "3e1e5e3a-5a0e-4a1b-9c3d-2b1f0c9e8d7a", "aGk=", ["number": 1, "real": 2.5], .int(-128),
        ]
        let signature = Signature("m", [.init("value")])
        var bound = 0
        var refused = 0
        for value in values {
            let arguments = BoundArguments(signature: signature, values: [value])
            do {
                let decoded = try arguments.value(0, as: T.self)
                bound += 1
                // What bound encodes again: to JSON, or to Nameko's UnserializableValueError.
                _ = try? JSONValueEncoder().encode(decoded)
            } catch {
                #expect(error.isIncorrectSignature, "\(T.self) from \(value): \(error)")
                refused += 1
            }
        }
        return (bound, refused)
    }

    struct Record: Codable {
        var number: Int
        var real: Double
        var decimal: Decimal?
        var date: Date?
    }

    @Test func typedParametersBindAnyValueOrRefuseIt() {
        for (name, result) in [
            ("Int", self.bindEverything(Int.self)), ("Int8", self.bindEverything(Int8.self)),
            ("UInt64", self.bindEverything(UInt64.self)), ("Double", self.bindEverything(Double.self)),
            ("Float", self.bindEverything(Float.self)), ("Decimal", self.bindEverything(Decimal.self)),
            ("Date", self.bindEverything(Date.self)), ("UUID", self.bindEverything(UUID.self)),
            ("Data", self.bindEverything(Data.self)), ("Record", self.bindEverything(Record.self)),
            ("[Double]", self.bindEverything([Double].self)), ("String", self.bindEverything(String.self)),
        ] {
            #expect(result.bound > 0 && result.refused > 0, "\(name): \(result)")
        }
    }

    @Test func datesBindOnlyWhatPythonsDatetimeHolds() throws {
        let decoder = JSONValueDecoder()
        for refused: JSONValue in [
            .double(.nan), .double(.infinity), .double(1e300), .int(.max), "0000-01-01", "2023-02-29",
        ] {
            #expect(throws: JSONValueDecodingError.self, "\(refused)") { try decoder.decode(Date.self, from: refused) }
        }
        let latest = try decoder.decode(Date.self, from: "9999-12-31T23:59:59")
        #expect(KombuEnvelope.formatDate(latest) == "9999-12-31T23:59:59+00:00")
        #expect(KombuEnvelope.formatDate(Date(timeIntervalSince1970: .nan)) == nil)
        #expect(KombuEnvelope.formatDate(Date(timeIntervalSince1970: 1e300)) == nil)
        #expect(KombuEnvelope.formatDate(Date(timeIntervalSince1970: -1e300)) == nil)
        // A date that Python cannot hold is an encoding error (an RPC result's is Nameko's UnserializableValueError).
        #expect(throws: JSONValueEncodingError.self) {
            try JSONValueEncoder().encode(Date(timeIntervalSince1970: 1e300))
        }
        #expect(throws: JSONValueEncodingError.self) {
            try JSONValueEncoder().encode([Date(timeIntervalSince1970: .infinity)])
        }
    }

    @Test func decimalsBindThroughTheirText() throws {
        let decoder = JSONValueDecoder()
        #expect(try decoder.decode(Decimal.self, from: .double(0.1)) == Decimal(string: "0.1"))
        #expect(try decoder.decode(Decimal.self, from: ["__type__": "decimal", "__value__": "NaN"]).isNaN)
        for refused: JSONValue in [.double(.infinity), .double(-.infinity), "Infinity", "1e400", .double(1e300)] {
            #expect(throws: JSONValueDecodingError.self, "\(refused)") {
                try decoder.decode(Decimal.self, from: refused)
            }
        }
        #expect(try JSONValueEncoder().encode(Decimal.nan) == ["__type__": "decimal", "__value__": "NaN"])
    }
}

/// Text from the wire in log lines and error messages.
@Suite struct WireTextTests {
    @Test func controlCharactersAreEscapedAndPrintableTextOfAnyScriptKept() {
        #expect(WireText.loggable("plain.routing_key") == "plain.routing_key")
        #expect(WireText.loggable("hellø wörld 日本") == "hellø wörld 日本")
        #expect(WireText.loggable("a\nb\r\tc\u{1B}[31m\"q\"\\") == #"a\nb\r\tc\u{1B}[31m\"q\"\\"#)
        #expect(WireText.loggable("zero\u{200B}width\u{2028}line") == #"zero\u{200B}width\u{2028}line"#)
    }

    @Test func longTextIsCutWithANote() {
        let text = String(repeating: "x", count: 1_000_000)
        let shown = WireText.loggable(text)
        #expect(shown == String(repeating: "x", count: 200) + "… (999800 more bytes)")
        #expect(WireText.loggable(String(repeating: "é", count: 300), limit: 2) == "éé… (596 more bytes)")
    }
}

/// Secrets in what Enoki prints.
@Suite struct SecretsTests {
    @Test(arguments: ["SMTP_PASSWORD", "password", "api_key", "authToken", "AWS_SECRET_ACCESS_KEY", "db.passwd", "KEY"])
    func keysThatNameASecret(key: String) {
        #expect(Secrets.isSecretKey(key))
    }

    @Test(arguments: ["AMQP_URI", "max_workers", "keyfile", "MONKEY", "author", "WEB_SERVER_ADDRESS", "LOGGING"])
    func keysThatDoNot(key: String) {
        #expect(!Secrets.isSecretKey(key))
    }

    @Test(arguments: ["p%40ss%2F", "pa/ss", "pa?ss", "pa@ss", "pa#ss", "pa:ss", "p@s/s?w#o:r%d"])
    func uriPasswordsAreHiddenWhateverTheyHold(password: String) {
        let text =
            "could not connect to amqp://guest:\(password)@broker:5672/vhost (refused); smtp://u:\(password)@mail"
        let redacted = Secrets.redactingURIs(in: text)
        #expect(!redacted.contains(password), "\(redacted)")
        #expect(redacted.contains("amqp://guest:**@broker:5672/vhost"))
        #expect(redacted.contains("smtp://u:**@mail"))
    }

    @Test func configValuesAreHiddenAtAnyDepth() {
        let config: JSONValue = [
            "AMQP_URI": "amqp://guest:hunter2@host/", "SMTP": ["PASSWORD": "hunter2", "HOST": "mail"],
            "API_TOKENS": ["a", "b"], "max_workers": 4,
        ]
        let redacted = JSONWriter.string(Secrets.redacting(config))
        #expect(!redacted.contains("hunter2"))
        #expect(!redacted.contains("\"a\""))
        #expect(redacted.contains("amqp://guest:**@host/"))
        #expect(redacted.contains("\"HOST\": \"mail\""))
        #expect(redacted.contains("\"max_workers\": 4"))
    }

    @Test func yamlErrorsDoNotQuoteSecrets() {
        let yaml = "AMQP_URI: amqp://guest:hunter2@host/\nSMTP_PASSWORD: hunter3\nbroken: [1, 2\n"
        let error = #expect(throws: EnokiError.self) { try ConfigLoader.load(yaml: yaml) }
        let message = error.map { "\($0)" } ?? ""
        #expect(!message.contains("hunter2") && !message.contains("hunter3"), "\(message)")
        #expect(Secrets.redactingConfigText("  SMTP_PASSWORD: hunter3\nuser: bob") == "  SMTP_PASSWORD: **\nuser: bob")
    }
}
