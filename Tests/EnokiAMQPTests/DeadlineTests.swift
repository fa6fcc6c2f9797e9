//===----------------------------------------------------------------------===//
// This source file is part of Enoki. Licensed under Apache License v2.0.
//===----------------------------------------------------------------------===//

import Enoki
import EnokiAMQPClient
import EnokiTestSupport
import EnokiTesting
import Foundation
import Synchronization
import Testing

/// A call's timeout counts from the call, whatever it waits for, and a cancelled caller stops waiting at once.
@Suite(.timeLimit(.minutes(3))) struct DeadlineTests {
    /// Runs `body` and returns how long it took; when it has not ended within `limit` (a call that hangs, deaf to
    /// its cancellation), the test fails at once rather than waiting with it.
    static func timed<T: Sendable>(
        within limit: Duration,
        _ body: @escaping @Sendable () async throws -> T
    ) async throws -> (Result<T, any Error>, Duration) {
        let started = ContinuousClock.now
        let outcome = FirstOutcome<T>()
        let work = Task {
            do {
                outcome.settle(.success(try await body()))
            } catch {
                outcome.settle(.failure(error))
            }
        }
        let timer = Task {
            try? await Task.sleep(for: limit)
            outcome.settle(nil)
        }
        let result = await outcome.value()
        timer.cancel()
        guard let result else {
            work.cancel()
            throw SubprocessFailed("the call did not end within \(limit)")
        }
        return (result, ContinuousClock.now - started)
    }

    @Test func aCallToABrokerThatIsAwayEndsAtItsTimeout() async throws {
        // Nothing listens on port 1: before, the call waited for a connection without counting the time.
        let rpc = try ClusterRPCClient(
            config: ["AMQP_URI": "amqp://guest:s3cret@127.0.0.1:1/"],
            defaultTimeout: .seconds(1)
        )
        let (result, elapsed) = try await Self.timed(within: .seconds(15)) {
            let greeting: String = try await rpc.greet_service.greet()
            return greeting
        }
        guard case .failure(let error as EnokiError) = result else {
            Issue.record("expected a timeout, got \(result)")
            return
        }
        #expect(error.code == .timeout)
        #expect(
            error.message
                == "could not send the request to greet_service.greet within 1.0 seconds: is amqp://guest:**@127.0.0.1:1// up?"
        )
        // The 1 s timeout counts from the call; on a loaded machine the test's own start can add seconds, so the
        // bound only tells "ended at its timeout" from "waited for the broker" (which `timed` ends at 15 s).
        #expect(elapsed < .seconds(10))
        await rpc.close()
    }

    @Test func cancellingTheCallingTaskEndsTheCallAtOnce() async throws {
        try await TestCluster.run(EchoService.self) { cluster in
            let rpc = cluster.rpc
            let call = Task { () async throws -> Double in try await rpc.echo_test.slow(6.0625) }
            while !Recorder.shared.events("slow").contains("start 6.0625") {
                try await Task.sleep(for: .milliseconds(20))
            }
            let cancelled = ContinuousClock.now
            call.cancel()
            let (result, _) = try await Self.timed(within: .seconds(10)) { try await call.value }
            guard case .failure(let error) = result else {
                Issue.record("expected the call to end with its cancellation, got \(result)")
                return
            }
            #expect(error is CancellationError, "\(error)")
            #expect(ContinuousClock.now - cancelled < .seconds(2))
            // The client goes on: a later call is answered, and the late reply of the cancelled one is dropped.
            let answer: String = try await rpc.echo_test.append_identifier("after")
            #expect(answer == "after-y")
        }
    }

    @Test func aCallCancelledWhileItWaitsForTheBrokerEndsAtOnce() async throws {
        let rpc = try ClusterRPCClient(config: ["AMQP_URI": "amqp://guest:guest@127.0.0.1:1/"], defaultTimeout: nil)
        let call = Task { () async throws -> String in try await rpc.greet_service.greet() }
        try await Task.sleep(for: .milliseconds(300))
        call.cancel()
        let (result, elapsed) = try await Self.timed(within: .seconds(10)) { try await call.value }
        guard case .failure = result else {
            Issue.record("expected the call to end with its cancellation")
            return
        }
        #expect(elapsed < .seconds(2))
        await rpc.close()
    }

    @Test func aServicesProxiesTimeOutAfterRPCTimeout() async throws {
        try await TestCluster.run(EchoService.self, RelayService.self, config: ["RPC_TIMEOUT": 0.5]) { cluster in
            let (result, elapsed) = try await Self.timed(within: .seconds(15)) {
                let value: Double = try await cluster.rpc.relay_test.relay_slow(3.0625)
                return value
            }
            guard case .failure(let error as RemoteError) = result else {
                Issue.record("expected the relay's call to time out, got \(result)")
                return
            }
            #expect(error.value.contains("no reply from echo_test.slow within 0.5 seconds"), "\(error)")
            #expect(elapsed < .seconds(3))
        }
    }

    @Test func rpcTimeoutIsThirtySecondsByDefaultNullWaitsForEver() throws {
        #expect(try RPCProxy.timeout(in: EnokiConfig()) == .seconds(30))
        #expect(try RPCProxy.timeout(in: ["RPC_TIMEOUT": .null]) == nil)
        #expect(try RPCProxy.timeout(in: ["RPC_TIMEOUT": 2.5]) == .milliseconds(2500))
        for bad: JSONValue in ["soon", -1, 0, .double(.nan), .double(.infinity)] {
            #expect(throws: EnokiError.self, "\(bad)") { try RPCProxy.timeout(in: ["RPC_TIMEOUT": bad]) }
        }
    }
}

/// The first of several outcomes; later ones are dropped.
final class FirstOutcome<T: Sendable>: Sendable {
    private let state = Mutex<
        (value: Result<T, any Error>??, waiter: CheckedContinuation<Result<T, any Error>?, Never>?)
    >((nil, nil))

    func settle(_ value: Result<T, any Error>?) {
        let waiter = self.state.withLock { state -> CheckedContinuation<Result<T, any Error>?, Never>? in
            guard state.value == nil else { return nil }
            state.value = .some(value)
            defer { state.waiter = nil }
            return state.waiter
        }
        waiter?.resume(returning: value)
    }

    func value() async -> Result<T, any Error>? {
        await withCheckedContinuation { continuation in
            let settled = self.state.withLock { state -> Result<T, any Error>?? in
                if let value = state.value { return .some(value) }
                state.waiter = continuation
                return nil
            }
            if let settled { continuation.resume(returning: settled) }
        }
    }
}
