//===----------------------------------------------------------------------===//
// This source file is part of Enoki. Licensed under Apache License v2.0.
//===----------------------------------------------------------------------===//

import EnokiCore
import Testing

/// `sensitive_arguments` redacts what Nameko 2.14.1's `get_redacted_args` redacts, for the same paths; and, where
/// a path steps through a list index (`user.cards[1].number`), which Nameko's redaction never follows (it asks whether
/// the index is one of the list's values), more: the value the path names.
@Suite(.timeLimit(.minutes(1))) struct RedactionParityTests {
    @Test func theSamePathsRedactTheSameValuesAsNameko() async throws {
        let arguments: JSONObject = [
            "username": "ada",
            "password": "hunter2",
            "user": ["name": "ada", "token": "t0k3n", "cards": [["number": "4111"], ["number": "5500"]]],
            "note": "plain",
        ]
        let cases: [[String]] = [
            ["password"],
            ["user.token"],
            ["user.cards[1].number", "user.cards[0]"],
            ["user.missing"],
            ["note.inner", "user.cards[9].number", "nosuch", "nosuch.deeper"],
            ["user"],
            ["user.cards.number"],
        ]
        let input = JSONValue.array(
            cases.map { .object(["sensitive": .array($0.map(JSONValue.string)), "kwargs": .object(arguments)]) }
        )
        let output = try await PythonPeer.run(["redaction.py", JSONWriter.string(input)])
        guard let line = output.split(separator: "\n").last,
            case .array(let fromNameko) = try JSONParser.parse(String(line))
        else {
            Issue.record("unexpected output of redaction.py:\n\(output)")
            return
        }
        #expect(fromNameko.count == cases.count)
        for (paths, expected) in zip(cases, fromNameko) {
            let redacted = JSONValue.object(SensitiveArguments(paths).redact(arguments))
            if paths.contains("user.cards[1].number") {
                #expect(redacted != expected, "Nameko leaves \(paths) in the clear; Enoki does not")
                #expect(Self.redacts(redacted, atLeast: expected), "\(paths)")
            } else {
                #expect(redacted == expected, "\(paths)")
            }
        }
    }

    /// Whether `ours` equals `theirs` but where `ours` has redacted more.
    static func redacts(_ ours: JSONValue, atLeast theirs: JSONValue) -> Bool {
        if ours == SensitiveArguments.redacted { return true }
        switch (ours, theirs) {
        case (.object(let a), .object(let b)):
            return Set(a.keys) == Set(b.keys) && a.keys.allSatisfy { Self.redacts(a[$0]!, atLeast: b[$0]!) }
        case (.array(let a), .array(let b)):
            return a.count == b.count && zip(a, b).allSatisfy { Self.redacts($0, atLeast: $1) }
        default:
            return ours == theirs
        }
    }
}
