//===----------------------------------------------------------------------===//
// This source file is part of Enoki. Licensed under Apache License v2.0.
//===----------------------------------------------------------------------===//

import EnokiTestSupport
import EnokiTesting
import Foundation
import Testing

/// The inputs the delivery fuzzer (scripts/fuzz.sh) found or starts from, replayed through the same path in a
/// process of their own: an input that traps fails the test.
@Suite(.timeLimit(.minutes(3))) struct FuzzCorpusTests {
    @Test func theRegressionCorpusRunsThroughTheDeliveryPath() async throws {
        let corpus = Broker.repositoryRoot.appendingPathComponent("Tests/Fuzz/corpus").path
        let files = try FileManager.default.contentsOfDirectory(atPath: corpus)
        #expect(files.count >= 20)
        let outcome = try await ChildProcess.run([TestBinaries.path("EnokiDeliveryFuzzer"), "replay", corpus])
        #expect(outcome.status == 0, "\(outcome.errors)")
        #expect(outcome.output.contains("replayed \(files.count) inputs"))
    }
}
