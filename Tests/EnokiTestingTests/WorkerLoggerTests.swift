//===----------------------------------------------------------------------===//
// This source file is part of Enoki. Licensed under Apache License v2.0.
//===----------------------------------------------------------------------===//

import Enoki
import EnokiTesting
import Logging
import Testing

struct OrderRefused: Error {}

@Service("logging_orders")
struct LoggingOrderService {
    @Dependency(WorkerLoggerProvider()) var logger: Logger
    @Dependency(WorkerContextProvider()) var worker: WorkerContext

    @RPC func place(_ item: String) throws -> String {
        self.logger.info("placing an order", metadata: ["item": "\(item)"])
        guard item != "nothing" else { throw OrderRefused() }
        return self.worker.callID
    }
}

@Suite struct WorkerLoggerTests {
    @Test func everyLineAWorkerWritesNamesItsServiceEntrypointAndCall() async throws {
        let logs = LogCapture()
        try await TestCluster.run(LoggingOrderService.self, logger: logs.logger) { cluster in
            let callID: String = try await cluster.rpc.logging_orders.place("socks")
            let line = try await logs.first(containing: "placing an order")
            #expect(line.metadata["service"] == "logging_orders")
            #expect(line.metadata["entrypoint"] == "place")
            #expect(line.metadata["call_id"] == callID)
            #expect(line.metadata["item"] == "socks")

            // The framework's own line about a failed worker carries the same metadata.
            _ = await #expect(throws: RemoteError.self) {
                let _: String = try await cluster.rpc.logging_orders.place("nothing")
            }
            let failure = try await logs.first(containing: "error handling worker")
            #expect(failure.metadata["service"] == "logging_orders")
            #expect(failure.metadata["entrypoint"] == "place")
            #expect(failure.metadata["call_id"]?.hasPrefix("logging_orders.place.") == true)
            #expect(failure.metadata["call_id"] != callID)
        }
    }

    @Test func aWorkerMadeByTheFactoryLogsWithTheTestsContext() throws {
        let worker = try WorkerFactory.make(LoggingOrderService.self)
        // The double is the logger of the worker under test, with its metadata.
        #expect(worker.service.logger[metadataKey: "service"] == "logging_orders")
        #expect(worker.service.logger[metadataKey: "entrypoint"] == "test")
        #expect(worker.service.logger[metadataKey: "call_id"] == .string(worker.context.callID))
    }
}
