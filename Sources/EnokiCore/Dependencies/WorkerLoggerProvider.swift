//===----------------------------------------------------------------------===//
// This source file is part of Enoki. Licensed under Apache License v2.0.
//===----------------------------------------------------------------------===//

public import Logging

/// Gives each worker its logger (``WorkerContext/logger``): the container's logger with the worker's `service`,
/// `entrypoint` and `call_id` as metadata.
///
/// ```swift
/// @Service("orders")
/// struct OrderService {
///     @Dependency(WorkerLoggerProvider()) var logger: Logger
///
///     @RPC func place(_ item: String) -> String {
///         self.logger.info("placing an order", metadata: ["item": "\(item)"])
///         return "ordered \(item)"
///     }
/// }
/// ```
public struct WorkerLoggerProvider: DependencyProvider {
    /// A provider.
    public init() {}

    public func dependency(for worker: WorkerContext) async throws -> Logger {
        worker.logger
    }
}
