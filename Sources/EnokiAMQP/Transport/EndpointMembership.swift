//===----------------------------------------------------------------------===//
// This source file is part of Enoki. Licensed under Apache License v2.0.
//===----------------------------------------------------------------------===//

import EnokiCore
import Synchronization

/// An entrypoint's membership of its container's ``ServiceEndpoint``: the one implementation of the start, stop and
/// kill of the entrypoints that consume on the container's channel (RPC, `@Consume`, discovery).
///
/// The entrypoint joins while it sets up and registers what it consumes with the endpoint it gets back; the first
/// member to start starts the endpoint for all of them; stopping cancels the members' consumers, so that no new
/// message arrives while running workers finish.
final class EndpointMembership: Sendable {
    private let endpoint = Mutex<ServiceEndpoint?>(nil)

    /// Joins the endpoint of the entrypoint's container (made on first use) and returns it.
    func join(_ container: ContainerContext) throws -> ServiceEndpoint {
        let endpoint = try ServiceEndpoint.of(container)
        self.endpoint.withLock { $0 = endpoint }
        return endpoint
    }

    /// Starts the endpoint, once for the whole container, and waits until it consumes.
    func start() async throws {
        try await self.endpoint.withLock { $0 }?.start()
    }

    /// Cancels the consumers of the container's entrypoints (a kill does the same: workers end with the container).
    func stop() async {
        await self.endpoint.withLock { $0 }?.stopEntrypoints()
    }
}
