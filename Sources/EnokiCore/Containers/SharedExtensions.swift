//===----------------------------------------------------------------------===//
// This source file is part of Enoki. Licensed under Apache License v2.0.
//===----------------------------------------------------------------------===//

import Synchronization

/// A resource shared by the extensions of every container a runner starts, such as the broker connections;
/// Nameko's `SharedExtension`.
///
/// It is made the first time an extension asks for it, and stopped after every container has stopped.
public protocol SharedExtension: AnyObject, Sendable {
    /// Runs once every container of the runner has started, before the runner says its services have started.
    /// By default it does nothing.
    func runnerStarted() async throws
    /// Stops the resource gracefully (after the containers' workers have finished).
    func stop() async
    /// Stops the resource at once.
    func kill() async
}

extension SharedExtension {
    public func runnerStarted() async throws {}
    public func kill() async { await self.stop() }
}

/// The shared extensions of a runner, one per type.
public final class SharedExtensions: Sendable {
    private let extensions = Mutex<[ObjectIdentifier: any SharedExtension]>([:])
    private let order = Mutex<[ObjectIdentifier]>([])

    /// An empty set.
    public init() {}

    /// The extension of type `T`, made with `make` the first time it is asked for.
    ///
    /// `make` runs with the extensions locked, so that no two callers make one each: it must not ask for another
    /// extension (ask before, and capture it).
    public func get<T: SharedExtension>(_ type: T.Type, orMake make: () throws -> T) rethrows -> T {
        let key = ObjectIdentifier(type)
        return try self.extensions.withLock { extensions in
            if let existing = extensions[key] as? T { return existing }
            let made = try make()
            extensions[key] = made
            self.order.withLock { $0.append(key) }
            return made
        }
    }

    /// The extension of type `T`, if one was made.
    public func existing<T: SharedExtension>(_ type: T.Type) -> T? {
        self.extensions.withLock { $0[ObjectIdentifier(type)] as? T }
    }

    /// Tells every extension that the runner has started, in the order they were made.
    public func runnerStarted() async throws {
        let keys = self.order.withLock { $0 }
        let all = self.extensions.withLock { extensions in keys.compactMap { extensions[$0] } }
        for item in all { try await item.runnerStarted() }
    }

    /// Stops every extension, the most recently made first.
    public func stopAll() async {
        for item in self.takeAll() { await item.stop() }
    }

    /// Kills every extension, the most recently made first.
    public func killAll() async {
        for item in self.takeAll() { await item.kill() }
    }

    private func takeAll() -> [any SharedExtension] {
        let keys = self.order.withLock { order in
            defer { order = [] }
            return order
        }
        return self.extensions.withLock { extensions in
            defer { extensions = [:] }
            return keys.reversed().compactMap { extensions[$0] }
        }
    }
}
