//===----------------------------------------------------------------------===//
// This source file is part of Enoki. Licensed under Apache License v2.0.
//===----------------------------------------------------------------------===//

// The examples of EnokiTesting's "Testing Enoki services" article, compiled and run with the test suite.

import Enoki
import EnokiTesting
import Testing
import XCTest

// MARK: The services under test

struct OutOfStock: Error, RemoteErrorConvertible {
    var item: String
    var remoteError: RemoteError { RemoteError(type: "OutOfStock", module: "shop.exceptions", message: self.item) }
}

@Service("stock")
struct StockService {
    @RPC func available(_ item: String) -> Int {
        item == "socks" ? 3 : 0
    }
}

@Service("orders")
struct OrderService {
    @RPCProxy(StockService.self) var stock: StockService.Client
    @Dependency(WorkerContextProvider()) var worker: WorkerContext

    @RPC func place(_ item: String, quantity: Int = 1) async throws -> String {
        let available = try await self.stock.available(item)
        guard available >= quantity else { throw OutOfStock(item: item) }
        let language = self.worker.language ?? "en"
        return language == "fr" ? "commandé : \(quantity) \(item)" : "ordered \(quantity) \(item)"
    }
}

// MARK: Worker factory: a method called directly, its dependencies replaced by doubles

@Test func placesAnOrderWhenInStock() async throws {
    let worker = try WorkerFactory.make(OrderService.self)
    worker.doubles.rpc("stock").reply("available", value: 5)

    #expect(try await worker.service.place("socks", quantity: 2) == "ordered 2 socks")
    #expect(worker.doubles.rpc("stock").calls.map(\.method) == ["available"])
    #expect(worker.doubles.rpc("stock").calls.first?.args == ["socks"])
}

@Test func refusesAnOrderWhenOutOfStock() async throws {
    let worker = try WorkerFactory.make(OrderService.self)
    worker.doubles.rpc("stock").reply("available", value: 0)

    await #expect(throws: OutOfStock.self) { try await worker.service.place("hats") }
}

// MARK: Test cluster: real services on the real broker, each test in its own virtual host

@Test func ordersGoThroughTheBroker() async throws {
    try await TestCluster.run(OrderService.self, StockService.self) { cluster in
        let placed: String = try await cluster.rpc.orders.place("socks", quantity: 2)
        #expect(placed == "ordered 2 socks")

        let refused = await #expect(throws: RemoteError.self) { try await cluster.rpc.orders.place("hats") }
        #expect(refused?.excType == "OutOfStock")
    }
}

// MARK: Entrypoint hook: an entrypoint fired as if a message had arrived, with context data

@Test func answersInTheCallersLanguage() async throws {
    try await TestCluster.run(OrderService.self, StockService.self) { cluster in
        let place = cluster.hook(OrderService.self, "place", contextData: ["language": "fr"])
        let placed: String = try await place("socks", as: String.self)
        #expect(placed == "commandé : 1 socks")
    }
}

// MARK: Entrypoint waiter: wait until an entrypoint has fired, and see its arguments and result

@Test func stockIsCheckedForEachOrder() async throws {
    try await TestCluster.run(OrderService.self, StockService.self) { cluster in
        let checked = cluster.waiter(StockService.self, "available")
        _ = try await cluster.rpc.orders.place("socks")

        let record = try await checked.wait(timeout: .seconds(5))
        #expect(record.arguments?.values == ["socks"])
        #expect(try record.json() == 3)
        #expect(record.context.immediateParentCallID?.hasPrefix("orders.place.") == true)
    }
}

// MARK: Replace dependencies and restrict entrypoints on a running service

@Test func ordersWithAFakedStock() async throws {
    try await TestCluster.run(
        services: [.service(OrderService.self, restrictEntrypoints: ["place"], replacing: ["stock": .double])]
    ) { cluster in
        cluster.doubles(OrderService.self).rpc("stock").reply("available", value: 10)

        let placed: String = try await cluster.rpc.orders.place("anything", quantity: 9)
        #expect(placed == "ordered 9 anything")
        #expect(cluster.doubles(OrderService.self).rpc("stock").calls.count == 1)
    }
}

// MARK: The same with XCTest

final class OrderServiceXCTests: XCTestCase {
    func testPlacesAnOrder() async throws {
        let worker = try WorkerFactory.make(OrderService.self)
        worker.doubles.rpc("stock").reply("available", value: 1)
        let placed = try await worker.service.place("socks")
        XCTAssertEqual(placed, "ordered 1 socks")
    }

    func testThroughTheBroker() async throws {
        try await TestCluster.run(OrderService.self, StockService.self) { cluster in
            let placed: String = try await cluster.rpc.orders.place("socks")
            XCTAssertEqual(placed, "ordered 1 socks")
        }
    }
}
