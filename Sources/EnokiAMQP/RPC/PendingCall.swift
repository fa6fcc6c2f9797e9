//===----------------------------------------------------------------------===//
// This source file is part of Enoki. Licensed under Apache License v2.0.
//===----------------------------------------------------------------------===//

public import EnokiCore

/// A call started with ``MethodProxy/callAsync(_:kwargs:)``.
public struct PendingCall: Sendable {
    let task: Task<JSONValue, any Error>

    /// Waits for the reply.
    public func result() async throws -> JSONValue {
        try await self.task.value
    }

    /// Waits for the reply and decodes it.
    public func result<T: Decodable>(as type: T.Type = T.self) async throws -> T {
        try JSONValueDecoder().decode(T.self, from: try await self.task.value)
    }
}
