//===----------------------------------------------------------------------===//
// This source file is part of Enoki. Licensed under Apache License v2.0.
//===----------------------------------------------------------------------===//

import Synchronization

/// Gives each worker the container's configuration (Nameko's `Config` dependency).
public final class ConfigProvider: DependencyProvider {
    private let config = Mutex<EnokiConfig>(EnokiConfig())

    /// A provider.
    public init() {}

    public func setup(_ container: ContainerContext) async throws {
        self.config.withLock { $0 = container.config }
    }

    public func dependency(for worker: WorkerContext) async throws -> EnokiConfig {
        self.config.withLock { $0 }
    }
}

/// Gives each worker its own ``WorkerContext``: the call id, the call-id stack and the context data (language,
/// user id, auth token, user agent; Nameko's `Language`, `UserId`, `AuthToken` and `UserAgent` read from it).
public struct WorkerContextProvider: DependencyProvider {
    /// A provider.
    public init() {}

    public func dependency(for worker: WorkerContext) async throws -> WorkerContext {
        worker
    }
}
