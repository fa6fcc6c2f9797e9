//===----------------------------------------------------------------------===//
// This source file is part of Enoki. Licensed under Apache License v2.0.
//===----------------------------------------------------------------------===//

// The example of EnokiCore's "Writing a dependency provider" article, compiled and run with the test suite.

import Enoki
import EnokiTesting
import Synchronization
import Testing

final class GreetingProvider: DependencyProvider {
    private let greeting = Mutex("Hello")

    func setup(_ container: ContainerContext) async throws {
        if let text = try container.config.value("GREETING", as: String.self) {
            self.greeting.withLock { $0 = text }
        }
    }

    func dependency(for worker: WorkerContext) async throws -> Greeter {
        Greeter(greeting: self.greeting.withLock { $0 }, callID: worker.callID)
    }
}

struct Greeter: Sendable {
    var greeting: String
    var callID: String
    func greet(_ name: String) -> String { "\(self.greeting), \(name)!" }
}

@Service("greeter")
struct GreeterService {
    @Dependency(GreetingProvider()) var greeter: Greeter

    @RPC func hello(_ name: String) -> String {
        self.greeter.greet(name)
    }
}

/// A provider that cannot give its worker anything.
struct UnavailableProvider: DependencyProvider {
    struct Unavailable: Error, RemoteErrorConvertible {
        var remoteError: RemoteError { RemoteError(type: "Unavailable", module: "guide", message: "no session") }
    }

    func dependency(for worker: WorkerContext) async throws -> String {
        throw Unavailable()
    }
}

@Service("sessions")
struct SessionService {
    @Dependency(UnavailableProvider()) var session: String

    @RPC func open() -> String { self.session }
}

@Suite struct ProviderGuideExamples {
    @Test func eachWorkerGetsTheGreetingOfTheConfig() async throws {
        var config = EnokiConfig()
        config["GREETING"] = "Bonjour"
        try await TestCluster.run(GreeterService.self, config: config) { cluster in
            let answer: String = try await cluster.rpc.greeter.hello("Ada")
            #expect(answer == "Bonjour, Ada!")
        }
        // Without the key, the provider's default.
        try await TestCluster.run(GreeterService.self) { cluster in
            let answer: String = try await cluster.rpc.greeter.hello("Ada")
            #expect(answer == "Hello, Ada!")
        }
    }

    @Test func aProviderThatThrowsFailsItsWorkerAndTheCallerSeesTheError() async throws {
        try await TestCluster.run(SessionService.self) { cluster in
            let error = await #expect(throws: RemoteError.self) {
                let _: String = try await cluster.rpc.sessions.open()
            }
            #expect(error?.excType == "Unavailable")
            #expect(error?.value == "no session")
        }
    }
}
