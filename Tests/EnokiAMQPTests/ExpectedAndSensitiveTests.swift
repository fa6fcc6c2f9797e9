//===----------------------------------------------------------------------===//
// This source file is part of Enoki. Licensed under Apache License v2.0.
//===----------------------------------------------------------------------===//

import Enoki
import EnokiTesting
import InMemoryTracing
import Logging
import MetricsTestKit
import Testing
import Tracing

struct SignInDenied: Error {}
struct SignInBroke: Error {}

@Service("accounts_observed")
struct ObservedAccounts {
    @RPC(expectedErrors: [SignInDenied.self], sensitiveArguments: ["password", "profile.token"])
    func signIn(_ username: String, password: String, profile: JSONValue) throws -> String {
        if password == "wrong" { throw SignInDenied() }
        if password == "boom" { throw SignInBroke() }
        return "welcome \(username)"
    }
}

/// Nameko's `expected_exceptions` and `sensitive_arguments` on an RPC method: what the logs, the metrics and the
/// spans show.
@Suite(.timeLimit(.minutes(2))) struct ExpectedAndSensitiveTests {
    @Test func anExpectedErrorIsAWarningAndNoLogOrSpanShowsASecret() async throws {
        let logs = LogCapture()
        let metrics = TestMetrics()
        let tracer = InMemoryTracer()
        try await TestCluster.run(
            services: [.service(ObservedAccounts.self)],
            logger: logs.logger,
            telemetry: Telemetry(metricsFactory: metrics, tracer: tracer)
        ) { cluster in
            let rpc = cluster.rpc.accounts_observed
            let profile: JSONValue = ["token": "t0k3n", "plan": "gold"]
            let welcome: String = try await rpc.sign_in("ada", password: "hunter2", profile: profile)
            #expect(welcome == "welcome ada")
            // The caller sees an expected error as any other.
            await #expect {
                let _: String = try await rpc.sign_in("ada", password: "wrong", profile: profile)
            } throws: { ($0 as? RemoteError)?.excType == "SignInDenied" }
            await #expect(throws: RemoteError.self) {
                let _: String = try await rpc.sign_in("ada", password: "boom", profile: profile)
            }

            let expected = try await logs.first(containing: "(expected) error handling worker")
            #expect(expected.level == .warning)
            let failure = try #require(logs.lines.first { $0.message == "error handling worker" })
            #expect(failure.level == .error)
            for line in [expected, failure] {
                let shown = try #require(line.metadata["call_args"], "\(line)")
                let arguments = try JSONParser.parse(shown)
                #expect(arguments["username"] == "ada")
                #expect(arguments["password"] == "********")
                #expect(arguments["profile"]?["token"] == "********")
                #expect(arguments["profile"]?["plan"] == "gold")
            }
            #expect(!logs.lines.contains { $0.description.contains("hunter2") || $0.description.contains("t0k3n") })

            let outcome = { (name: String) in
                metrics.counterTotal(
                    label: ServiceMetrics.Name.workerCalls,
                    dimensions: [("entrypoint", "sign_in"), ("outcome", name)]
                )
            }
            #expect(outcome("success") == 1)
            #expect(outcome("expected_error") == 1)
            #expect(outcome("error") == 1)

            let spans = tracer.finishedSpans.filter { $0.operationName == "accounts_observed.sign_in" }
            #expect(spans.count == 3)
            for span in spans {
                guard case .string(let shown)? = span.attributes["enoki.call_args"]?.toSpanAttribute() else {
                    Issue.record("no arguments on \(span.operationName)")
                    continue
                }
                #expect(!shown.contains("hunter2") && !shown.contains("t0k3n") && !shown.contains("wrong"))
                #expect(shown.contains("\"username\": \"ada\"") || shown.contains("\"username\":\"ada\""))
            }
            // Only the unexpected error marks its span as failed.
            #expect(spans.filter { $0.status?.code == .error }.count == 1)
        }
    }
}
