//===----------------------------------------------------------------------===//
// This source file is part of Enoki. Licensed under Apache License v2.0.
//===----------------------------------------------------------------------===//

import EnokiCore
import Testing

/// Nameko's `get_redacted_args`, case by case (the interop suite checks the same cases against Nameko itself).
@Suite struct SensitiveArgumentsTests {
    let arguments: JSONObject = [
        "username": "ada",
        "password": "hunter2",
        "user": ["name": "ada", "token": "t0k3n", "cards": [["number": "4111"], ["number": "5500"]]],
        "note": "plain",
    ]

    @Test func namesAndDottedPathsAreRedacted() {
        let redacted = SensitiveArguments(["password", "user.token", "user.cards[1].number"]).redact(self.arguments)
        #expect(redacted["password"] == "********")
        #expect(redacted["username"] == "ada")
        #expect(redacted["user"]?["token"] == "********")
        #expect(redacted["user"]?["name"] == "ada")
        #expect(redacted["user"]?["cards"]?.arrayValue?[0]["number"] == "4111")
        #expect(redacted["user"]?["cards"]?.arrayValue?[1]["number"] == "********")
    }

    @Test func pathsThatDoNotFitAreLeftAsNamekoLeavesThem() {
        let redacted = SensitiveArguments([
            "nosuch", "nosuch.deeper", "note.inner", "user.cards[7].number", "user.missing",
        ]).redact(self.arguments)
        // A parameter not passed stays absent; a step into a string or past a list's end changes nothing.
        #expect(redacted["nosuch"] == nil)
        #expect(redacted["note"] == "plain")
        #expect(redacted["user"]?["cards"]?.arrayValue?.count == 2)
        // A missing key of an object on the path is added, as Python's `data[key] = REDACTED` does.
        #expect(redacted["user"]?["missing"] == "********")
    }

    @Test func aWholeParameterThatIsAnObjectIsReplaced() {
        #expect(SensitiveArguments(["user"]).redact(self.arguments)["user"] == "********")
        #expect(SensitiveArguments.none.redact(self.arguments) == self.arguments)
    }
}
