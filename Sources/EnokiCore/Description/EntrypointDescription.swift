//===----------------------------------------------------------------------===//
// This source file is part of Enoki. Licensed under Apache License v2.0.
//===----------------------------------------------------------------------===//

/// What one entrypoint says of itself in its service's description: its kind, the method it runs, and the
/// details a caller or an operator needs (an RPC method's parameters, an event handler's source and type, a
/// timer's interval, a consumer's queue, an HTTP route).
///
/// Services answer the discovery call with these (`enoki describe SERVICE`), and the shell completes method
/// names from them. On the wire each is one JSON object: `{"kind": "rpc", "method": "compute", …details}`.
public struct EntrypointDescription: Sendable, Hashable {
    /// The entrypoint's kind: `rpc`, `event_handler`, `timer`, `consume`, `http`, or another module's own word.
    public var kind: String
    /// The method it runs, by its name on the wire.
    public var method: String
    /// The rest, as JSON values, by key.
    public var details: JSONObject

    /// A description.
    public init(kind: String, method: String, details: JSONObject = [:]) {
        self.kind = kind
        self.method = method
        self.details = details
    }

    /// The description as one JSON object; `kind` and `method` come first.
    public var json: JSONValue {
        var object: JSONObject = ["kind": .string(self.kind), "method": .string(self.method)]
        for (key, value) in self.details where key != "kind" && key != "method" {
            object[key] = value
        }
        return .object(object)
    }

    /// Reads a description from its JSON form; `nil` when it has no `kind` or `method`.
    public init?(json: JSONValue) {
        guard case .object(var object) = json, let kind = object["kind"]?.stringValue,
            let method = object["method"]?.stringValue
        else { return nil }
        object["kind"] = nil
        object["method"] = nil
        self.init(kind: kind, method: method, details: object)
    }

    /// The parameters of an RPC method as its description lists them.
    ///
    /// - Parameter signature: The method's signature on the wire, with the Swift types and default values the
    ///   `@Service` macro records.
    public static func parameters(of signature: Signature) -> JSONValue {
        .array(
            signature.parameters.map { parameter in
                var object: JSONObject = ["name": .string(parameter.name)]
                if let type = parameter.typeName {
                    object["type"] = .string(type)
                }
                if parameter.hasDefault {
                    object["default"] = parameter.defaultValue.map(JSONValue.string) ?? .bool(true)
                }
                return .object(object)
            }
        )
    }
}
