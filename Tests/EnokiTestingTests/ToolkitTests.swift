//===----------------------------------------------------------------------===//
// This source file is part of Enoki. Licensed under Apache License v2.0.
//===----------------------------------------------------------------------===//

import Enoki
import EnokiTesting
import Testing

struct Database: Sendable {
    var name: String
}

struct DatabaseProvider: DependencyProvider {
    func dependency(for worker: WorkerContext) async throws -> Database { Database(name: "real") }
}

@Service("with_db")
struct WithDatabase {
    @Dependency(DatabaseProvider()) var db: Database
    @RPC func name() -> String { self.db.name }
}

/// The toolkit's own behaviour, beyond the guide's examples.
@Suite(.timeLimit(.minutes(3))) struct ToolkitTests {
    @Test func dependenciesWithoutADoubleMustBeGiven() throws {
        let error = #expect(throws: EnokiError.self) { try WorkerFactory.make(WithDatabase.self) }
        #expect(error?.message.contains("dependency 'db' of WithDatabase") == true)
        #expect(error?.message.contains("has no test double") == true)
        let worker = try WorkerFactory.make(WithDatabase.self, replacing: ["db": Database(name: "fake")])
        #expect(worker.service.name() == "fake")
        let unknown = #expect(throws: EnokiError.self) {
            try WorkerFactory.make(WithDatabase.self, replacing: ["nope": 1])
        }
        #expect(unknown?.message.contains("declares no dependency named 'nope'") == true)
    }

    @Test func doublesAnswerWithErrorsToo() async throws {
        let worker = try WorkerFactory.make(OrderService.self)
        worker.doubles.rpc("stock").fail("available", with: RemoteError.methodNotFound("available"))
        let error = await #expect(throws: RemoteError.self) { try await worker.service.place("socks") }
        #expect(error?.isMethodNotFound == true)
    }

    @Test func replacedValuesInARunningService() async throws {
        try await TestCluster.run(services: [
            .service(WithDatabase.self, replacing: ["db": .value(Database(name: "test"))])
        ]) {
            cluster in
            let name: String = try await cluster.rpc.with_db.name()
            #expect(name == "test")
        }
    }

    @Test func restrictedEntrypointsAreNotServed() async throws {
        try await TestCluster.run(
            services: [.service(StockService.self, restrictEntrypoints: []), .service(OrderService.self)]
        ) { cluster in
            // StockService serves none of its methods; it still answers the discovery call on its RPC queue, so a
            // call to a method left out is answered MethodNotFound.
            let error = await #expect(throws: RemoteError.self) { try await cluster.rpc.stock.available("socks") }
            #expect(error?.excType == "MethodNotFound")
        }
    }

    @Test func waiterTimesOut() async throws {
        try await TestCluster.run(StockService.self) { cluster in
            let waiter = cluster.waiter(StockService.self, "available")
            await #expect(throws: EntrypointWaiter<StockService>.Timeout.self) {
                try await waiter.wait(timeout: .milliseconds(200))
            }
        }
    }

    @Test func hookBindsArgumentsAsACallerWould() async throws {
        try await TestCluster.run(StockService.self) { cluster in
            let hook = cluster.hook(StockService.self, "available")
            let error = await #expect(throws: RemoteError.self) {
                try await hook.call(args: [], kwargs: ["thing": "x"])
            }
            #expect(error?.value == "available() got an unexpected keyword argument 'thing'")
            let count = try await hook.call(kwargs: ["item": "socks"])
            #expect(count == 3)
        }
    }

    @Test func clusterCleansUpItsVirtualHostEvenWhenTheTestFails() async throws {
        struct Failure: Error {}
        var virtualHost = ""
        await #expect(throws: Failure.self) {
            try await TestCluster.run(StockService.self) { cluster in
                virtualHost = cluster.virtualHost
                throw Failure()
            }
        }
        let hosts = try await VirtualHosts().run(["list_vhosts"])
        #expect(!virtualHost.isEmpty)
        #expect(!hosts.contains(virtualHost))
    }
}
