//===----------------------------------------------------------------------===//
// This source file is part of Enoki. Licensed under Apache License v2.0.
//===----------------------------------------------------------------------===//

/// What a worker gave back, as JSON: for the testing toolkit, whose hooks and waiters speak JSON whatever the
/// entrypoint.
public enum WorkerOutput {
    /// `output` as JSON: a ``JSONValue`` as it is, nothing (`Void`, `nil`) as `null`, an `Encodable` value
    /// encoded.
    ///
    /// - Throws: ``EnokiError`` when the output is of a type that has no JSON form (an HTTP response).
    public static func json(_ output: any Sendable) throws -> JSONValue {
        switch output {
        case let value as JSONValue:
            return value
        case let value as JSONValue?:
            return value ?? .null
        case is Void:
            return .null
        case let value as any Encodable:
            return try JSONValueEncoder().encode(value)
        default:
            throw EnokiError(.serviceDefinition, "a worker gave back a \(type(of: output)), which has no JSON form")
        }
    }
}
