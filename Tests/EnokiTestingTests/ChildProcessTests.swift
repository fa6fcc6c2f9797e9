//===----------------------------------------------------------------------===//
// This source file is part of Enoki. Licensed under Apache License v2.0.
//===----------------------------------------------------------------------===//

import EnokiTesting
import Testing

@Suite struct ChildProcessTests {
    @Test func outputErrorsAndStatusComeBack() async throws {
        let outcome = try await ChildProcess.run(
            ["/bin/sh", "-c", "cat; echo to-errors >&2; exit 3"],
            input: "to-output\n"
        )
        #expect(outcome.status == 3)
        #expect(outcome.output == "to-output\n")
        #expect(outcome.errors == "to-errors\n")
    }

    @Test func cancellingTheWaitKillsTheCommand() async throws {
        // Without the kill, sleep would end normally (status 0) after a minute.
        let run = Task { try await ChildProcess.run(["sleep", "60"]) }
        try await Task.sleep(for: .milliseconds(300))
        run.cancel()
        let outcome = try await run.value
        #expect(outcome.status == 128 + 9)
    }

    @Test func aMissingCommandIsAnError() async throws {
        await #expect(throws: (any Error).self) { try await ChildProcess.run(["/no/such/command"]) }
    }
}
