//===----------------------------------------------------------------------===//
// This source file is part of Enoki. Licensed under Apache License v2.0.
//===----------------------------------------------------------------------===//

/// Gives each worker the same value: a shared resource a service holds for its whole life, or how tests replace a
/// dependency with a value of their own.
public struct ConstantProvider<Value: Sendable>: DependencyProvider {
    /// The value.
    public let value: Value

    /// A provider of `value`.
    public init(_ value: Value) {
        self.value = value
    }

    public func dependency(for worker: WorkerContext) async throws -> Value {
        self.value
    }
}
