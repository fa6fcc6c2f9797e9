//===----------------------------------------------------------------------===//
// This source file is part of Enoki. Licensed under Apache License v2.0.
//===----------------------------------------------------------------------===//

/// What goes wrong in EnokiHTTP outside a request: a rule that does not parse, two routes for the same path and
/// method, a route whose method cannot take its path values, a bad `WEB_SERVER_ADDRESS`, a port already taken.
public struct WebError: Error, Sendable, CustomStringConvertible {
    /// What kind of problem it is.
    public enum Kind: Sendable, Hashable {
        /// A URL rule that does not parse.
        case rule
        /// A route that cannot be served as declared.
        case route
        /// A configuration value that is wrong (Nameko's `ConfigurationError`).
        case configuration
        /// The server could not start.
        case server
    }

    /// The kind.
    public var kind: Kind
    /// What happened.
    public var message: String

    /// An error.
    public init(_ kind: Kind, _ message: String) {
        self.kind = kind
        self.message = message
    }

    public var description: String { self.message }

    static func rule(_ message: String) -> WebError { WebError(.rule, message) }
}
