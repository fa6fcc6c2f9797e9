//===----------------------------------------------------------------------===//
// This source file is part of Enoki. Licensed under Apache License v2.0.
//===----------------------------------------------------------------------===//

/// What a service offers: its name, its entrypoints and its dependencies, as its container knows them.
///
/// Every Enoki service answers the discovery call (``ServiceDescription/discoveryMethod``) with this, as JSON:
///
/// ```json
/// {"service": "compute", "framework": "enoki", "entrypoints": [{"kind": "rpc", "method": "compute",
///   "parameters": [{"name": "operation", "type": "String"}, …]}], "dependencies": ["mail"]}
/// ```
public struct ServiceDescription: Sendable, Hashable {
    /// The name of the built-in RPC method that answers with a service's description.
    ///
    /// A Python method cannot be named so by accident (names with two leading and trailing underscores are
    /// Python's own), and Python callers reach it as any other: `n.rpc.compute.__enoki_describe__()`.
    public static let discoveryMethod = "__enoki_describe__"

    /// The service's name.
    public var service: String
    /// Its entrypoints, in the order they were declared.
    public var entrypoints: [EntrypointDescription]
    /// The names of its dependencies, in order.
    public var dependencies: [String]

    /// A description.
    public init(service: String, entrypoints: [EntrypointDescription] = [], dependencies: [String] = []) {
        self.service = service
        self.entrypoints = entrypoints
        self.dependencies = dependencies
    }

    /// The names of its RPC methods, in order.
    public var rpcMethods: [String] {
        self.entrypoints.filter { $0.kind == "rpc" }.map(\.method)
    }

    /// The description as JSON.
    public var json: JSONValue {
        .object([
            "service": .string(self.service),
            "framework": "enoki",
            "entrypoints": .array(self.entrypoints.map(\.json)),
            "dependencies": .array(self.dependencies.map(JSONValue.string)),
        ])
    }

    /// Reads a description from its JSON form.
    ///
    /// - Throws: ``EnokiError`` (``EnokiError/Code/transport``) when it is not one.
    public init(json: JSONValue) throws {
        guard case .object(let object) = json, let service = object["service"]?.stringValue,
            case .array(let entrypoints)? = object["entrypoints"]
        else {
            throw EnokiError(.transport, "not a service description: \(JSONWriter.string(json).prefix(200))")
        }
        self.init(
            service: service,
            entrypoints: entrypoints.compactMap(EntrypointDescription.init(json:)),
            dependencies: object["dependencies"]?.arrayValue?.compactMap(\.stringValue) ?? []
        )
    }
}
