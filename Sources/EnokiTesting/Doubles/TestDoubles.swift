//===----------------------------------------------------------------------===//
// This source file is part of Enoki. Licensed under Apache License v2.0.
//===----------------------------------------------------------------------===//

public import EnokiCore
public import Logging
import Synchronization

/// A dependency provider that can stand in for itself in tests: it makes a double that records what a worker
/// asks of it and answers what the test says (Nameko's `MagicMock`s in `worker_factory` and
/// `replace_dependencies`).
public protocol TestDoubleProviding: DependencyProvider {
    /// Makes the double for the dependency named `name`; it may register a recorder in `doubles` for the test to
    /// read and configure.
    func makeTestDouble(named name: String, doubles: TestDoubles) -> Dependency
}

/// The recorders of the doubles made for one service under test, by dependency name.
public final class TestDoubles: Sendable {
    private let recorders = Mutex<[String: any Sendable]>([:])
    /// The worker context doubles run with.
    public let context: WorkerContext

    /// Recorders for a worker with this context.
    public init(context: WorkerContext) {
        self.context = context
    }

    /// Registers a recorder.
    public func register(_ recorder: any Sendable, for name: String) {
        self.recorders.withLock { $0[name] = recorder }
    }

    /// The recorder of a dependency, when it has one of that type.
    public func recorder<T>(_ name: String, as type: T.Type = T.self) -> T? {
        self.recorders.withLock { $0[name] } as? T
    }
}

extension ConfigProvider: TestDoubleProviding {
    /// An empty configuration.
    public func makeTestDouble(named name: String, doubles: TestDoubles) -> EnokiConfig {
        EnokiConfig()
    }
}

extension WorkerContextProvider: TestDoubleProviding {
    /// The context of the worker under test.
    public func makeTestDouble(named name: String, doubles: TestDoubles) -> WorkerContext {
        doubles.context
    }
}

extension WorkerLoggerProvider: TestDoubleProviding {
    /// The logger of the worker under test, with its metadata.
    public func makeTestDouble(named name: String, doubles: TestDoubles) -> Logger {
        doubles.context.logger
    }
}

extension ConstantProvider: TestDoubleProviding {
    /// The value itself.
    public func makeTestDouble(named name: String, doubles: TestDoubles) -> Value {
        self.value
    }
}
