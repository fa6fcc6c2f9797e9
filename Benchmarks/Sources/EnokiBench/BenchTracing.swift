//===----------------------------------------------------------------------===//
// This source file is part of Enoki. Licensed under Apache License v2.0.
//===----------------------------------------------------------------------===//

import Enoki
import InMemoryTracing
import Logging
import ServiceLifecycle
import Tracing

/// A tracer that records every span and exports none, turned on by `BENCH_TRACING: true` in the config: what
/// tracing costs a service before any exporter's own cost. It drops what it recorded every second, so that a long
/// run's memory stays bounded.
enum BenchTracing: TelemetryExporter {
    static func bootstrap(config: EnokiConfig, serviceNames: [String], logger: Logger) throws -> (any Service)? {
        guard config["BENCH_TRACING"] == true else { return nil }
        let tracer = InMemoryTracer(recordInjections: false, recordExtractions: false)
        InstrumentationSystem.bootstrap(tracer)
        logger.info("tracing every span in memory, exporting none")
        return Dropper(tracer: tracer)
    }

    struct Dropper: Service {
        let tracer: InMemoryTracer

        func run() async throws {
            while !Task.isCancelled && !Task.isShuttingDownGracefully {
                try? await Task.sleep(for: .seconds(1))
                self.tracer.clearFinishedSpans()
            }
        }
    }
}
