//===----------------------------------------------------------------------===//
// This source file is part of Enoki. Licensed under Apache License v2.0.
//===----------------------------------------------------------------------===//

import Enoki
import EnokiTesting
import Testing

@Suite(.timeLimit(.minutes(3))) struct RPCTests {
    @Test func argumentsBindAsPythonBindsThem() async throws {
        try await TestCluster.run(EchoService.self) { cluster in
            let echo = cluster.rpc.echo_test
            #expect(try await echo.echo(1) == [1, "default"] as JSONValue)
            #expect(try await echo.echo(a: 1.5, b: JSONValue.null) == [1.5, nil] as JSONValue)
            #expect(
                try await echo.echo(["nested": [1, 2]], b: "hellø") == [["nested": [1, 2]], "hellø"] as JSONValue
            )
            let big = try await echo.call("echo", args: [.bigInteger("123456789012345678901234567890")])
            #expect(big == [.bigInteger("123456789012345678901234567890"), "default"])
            let appended: String = try await echo.append_identifier("x")
            #expect(appended == "x-y")
            let custom: String = try await echo.append_identifier(suffix: "z", value: "x")
            #expect(custom == "x-z")
            let total: Int = try await echo.total([Item(name: "a", quantity: 2), Item(name: "b", quantity: 3)])
            #expect(total == 5)
            #expect(try await echo.nothing() == .null)
        }
    }

    @Test func typedClient() async throws {
        try await TestCluster.run(EchoService.self) { cluster in
            let client = cluster.rpc.client(for: EchoService.self)
            #expect(try await client.appendIdentifier("a") == "a-y")
            #expect(try await client.appendIdentifier("a", suffix: "b") == "a-b")
            #expect(try await client.total([Item(name: "x", quantity: 4)]) == 4)
            try await client.nothing()
        }
    }

    @Test func errorsReachTheCallerWithAllFourFields() async throws {
        try await TestCluster.run(EchoService.self) { cluster in
            let echo = cluster.rpc.echo_test
            let missing = await #expect(throws: RemoteError.self) { try await echo.nosuch() }
            #expect(missing?.isMethodNotFound == true)
            #expect(missing?.excArgs == ["nosuch"])
            let signature = await #expect(throws: RemoteError.self) { try await echo.append_identifier() }
            #expect(signature?.isIncorrectSignature == true)
            #expect(signature?.value == "append_identifier() missing 1 required positional argument: 'value'")
            let extra = await #expect(throws: RemoteError.self) { try await echo.append_identifier("x", other: 1) }
            #expect(extra?.value == "append_identifier() got an unexpected keyword argument 'other'")
            let twice = await #expect(throws: RemoteError.self) { try await echo.append_identifier("x", value: "y") }
            #expect(twice?.value == "append_identifier() got multiple values for argument 'value'")
            let mistyped = await #expect(throws: RemoteError.self) { try await echo.append_identifier(5) }
            #expect(mistyped?.value == "append_identifier() argument 'value' must be str, not int")
            let nested = await #expect(throws: RemoteError.self) {
                try await echo.total([["name": "a", "quantity": "2"]])
            }
            #expect(nested?.value == "total() argument 'items' (at [0].quantity) must be int, not str")
            let custom = await #expect(throws: RemoteError.self) { try await echo.fail("custom") }
            #expect(
                custom
                    == RemoteError(
                        excType: "OutOfStock",
                        excPath: "shop.exceptions.OutOfStock",
                        excArgs: ["socks", "3"],
                        value: "no socks left"
                    )
            )
            let plain = await #expect(throws: RemoteError.self) { try await echo.fail("plain") }
            #expect(plain?.excType == "Broken")
            #expect(plain?.excPath == "EnokiAMQPTests.Broken")
            #expect(plain?.excArgs == ["it broke"])
            #expect(plain?.value == "it broke")
            let unserializable = await #expect(throws: RemoteError.self) { try await echo.unserializable() }
            #expect(unserializable?.excType == "UnserializableValueError")
            #expect(unserializable?.value == "Unserializable value: `<Unencodable>`")
            #expect(unserializable?.excArgs == [])
        }
    }

    @Test func unknownServiceFailsAtOnce() async throws {
        try await TestCluster.run(EchoService.self) { cluster in
            // With a timeout far away, the call ends with UnknownService (the broker returned the request), not a
            // timeout.
            let ghost = cluster.rpc.ghost.withTimeout(.seconds(60))
            let error = await #expect(throws: EnokiError.self) { try await ghost.anything() }
            #expect(error?.code == .unknownService)
            #expect(error?.message == "Unknown service `ghost`")
        }
    }

    @Test func callsTimeOut() async throws {
        try await TestCluster.run(EchoService.self) { cluster in
            let proxy = cluster.rpc.echo_test.withTimeout(.milliseconds(300))
            let error = await #expect(throws: EnokiError.self) { try await proxy.slow(2) }
            #expect(error?.code == .timeout)
            // The client goes on working.
            let fine: Double = try await cluster.rpc.echo_test.slow(0.01)
            #expect(fine == 0.01)
        }
    }

    @Test func concurrentCallsShareOneClient() async throws {
        try await TestCluster.run(EchoService.self) { cluster in
            try await withThrowingTaskGroup(of: Void.self) { group in
                for index in 0..<50 {
                    group.addTask {
                        let result: String = try await cluster.rpc.echo_test.append_identifier("v\(index)")
                        #expect(result == "v\(index)-y")
                    }
                }
                try await group.waitForAll()
            }
            let first = try cluster.rpc.echo_test.append_identifier.callAsync("hello")
            let second = try cluster.rpc.echo_test.append_identifier.callAsync("world")
            #expect(try await first.result(as: String.self) == "hello-y")
            #expect(try await second.result(as: String.self) == "world-y")
        }
    }

    @Test func callStackAndContextDataTravelThroughAChain() async throws {
        try await TestCluster.run(EchoService.self, RelayService.self) { cluster in
            let client = try ClusterRPCClient(
                config: cluster.config,
                contextData: ["language": "en-gb", "user_id": 42, "auth_token": "tok", "user_agent": "tests/1.0"]
            )
            let seen = try await client.relay_test.relay_whoami()
            await client.close()
            let stack = seen["stack"]?.arrayValue?.compactMap(\.stringValue) ?? []
            #expect(stack.count == 3)
            #expect(stack[0] == client.callIDStack[0])
            #expect(stack[1].hasPrefix("relay_test.relay_whoami."))
            #expect(stack[2].hasPrefix("echo_test.whoami."))
            #expect(
                seen["data"] == ["language": "en-gb", "user_id": 42, "auth_token": "tok", "user_agent": "tests/1.0"]
            )
            let relayed: String = try await cluster.rpc.relay_test.relay_dynamic("v")
            #expect(relayed == "v-relayed")
            let failure = await #expect(throws: RemoteError.self) { try await cluster.rpc.relay_test.relay_failure() }
            // A Python service passes on the error of a service it calls as a RemoteError; so does Enoki.
            #expect(failure?.excType == "RemoteError")
            #expect(failure?.value == "OutOfStock no socks left")
        }
    }

    @Test func maxWorkersBoundsConcurrency() async throws {
        Concurrency.shared.reset()
        try await TestCluster.run(LimitedService.self, config: ["max_workers": 2]) { cluster in
            try await withThrowingTaskGroup(of: Int.self) { group in
                for _ in 0..<6 {
                    group.addTask { try await cluster.rpc.limited_test.work() }
                }
                for try await _ in group {}
            }
            #expect(Concurrency.shared.peak == 2)
        }
    }

    @Test func dependencyLifecycleRunsInNamekosOrder() async throws {
        try await TestCluster.run(LifecycleService.self) { cluster in
            let finished = cluster.waiter(LifecycleService.self, "use")
            let value: String = try await cluster.rpc.lifecycle_test.use()
            #expect(value == "injected")
            // The reply goes out before the result and teardown hooks run; the waiter sees the worker end.
            _ = try await finished.wait(timeout: .seconds(5))
        }
        #expect(
            Recorder.shared.events("lifecycle") == [
                "setup", "start", "dependency use", "worker_setup", "method injected", "worker_result \"injected\"",
                "worker_teardown", "stop",
            ]
        )
    }
}
