//===----------------------------------------------------------------------===//
// This source file is part of Enoki. Licensed under Apache License v2.0.
//===----------------------------------------------------------------------===//

/// The error type of the framework core, for failures that happen here rather than in a remote service.
public struct EnokiError: Error, Sendable, CustomStringConvertible {
    /// What kind of failure this is.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Base: String, Hashable, Sendable {
            case unknownService
            case timeout
            case configuration
            case serviceDefinition
            case dependency
            case containerStopped
            case notInWorker
            case transport
        }

        private let base: Base
        private init(_ base: Base) { self.base = base }

        /// No service is listening under that name (Nameko's `UnknownService`).
        public static let unknownService = Code(.unknownService)
        /// A call got no reply in time (Nameko's `RpcTimeout`).
        public static let timeout = Code(.timeout)
        /// The configuration is invalid: a missing key, a value of the wrong type, a bad file.
        public static let configuration = Code(.configuration)
        /// A service type is declared wrongly: no name, a name with a dot, two entrypoints for one method name, ….
        public static let serviceDefinition = Code(.serviceDefinition)
        /// A dependency could not be provided to a worker.
        public static let dependency = Code(.dependency)
        /// The container is stopping or stopped and takes no more work.
        public static let containerStopped = Code(.containerStopped)
        /// Something that only exists inside a worker was used outside one.
        public static let notInWorker = Code(.notInWorker)
        /// The messaging layer failed (the broker went away, a publish was refused, …).
        public static let transport = Code(.transport)

        public var description: String { self.base.rawValue }
    }

    /// The kind of failure.
    public var code: Code
    /// What happened, in words.
    public var message: String
    /// The error underneath, if any.
    public var underlying: (any Error)?

    /// Creates an error.
    public init(_ code: Code, _ message: String, underlying: (any Error)? = nil) {
        self.code = code
        self.message = message
        self.underlying = underlying
    }

    public var description: String {
        if let underlying {
            return "\(self.message) (\(underlying))"
        }
        return self.message
    }

    /// Nameko's `UnknownService` for a service name: "Unknown service \`ghost\`".
    public static func unknownService(_ name: String) -> EnokiError {
        EnokiError(.unknownService, "Unknown service `\(name)`")
    }
}
