//===----------------------------------------------------------------------===//
// This source file is part of Enoki. Licensed under Apache License v2.0.
//===----------------------------------------------------------------------===//

public import EnokiCore

/// What an HTTP method's parameters are read from, by position (the `@Service` macro reads each with
/// ``value(_:as:)``):
///
/// - a parameter of type ``WebRequest`` gets the request;
/// - a parameter named as a variable of the rule (by its label, or its name) gets the variable's converted value
///   (`<int:value>` → `value: Int`);
/// - the one other parameter, if any, gets the JSON body decoded into its type; a body that does not decode is a
///   ``BadRequest`` (400) that says why.
public struct WebArguments: Sendable {
    /// The request.
    public let request: WebRequest
    /// The method's description.
    public let method: ServiceMethod

    /// The arguments of a request for a method.
    public init(request: WebRequest, method: ServiceMethod) {
        self.request = request
        self.method = method
    }

    /// The value of the parameter at `index`.
    public func value<T>(_ index: Int, as type: T.Type = T.self) throws -> T {
        if T.self == WebRequest.self { return unsafeBitCast(self.request, to: T.self) }
        let parameter = self.method.parameters[index]
        if let value = self.pathValue(parameter) {
            return try self.decode(value, as: T.self, parameter: parameter, from: "path value")
        }
        guard !self.request.body.isEmpty else {
            throw BadRequest("\(self.method.wireName)() needs a JSON body for '\(parameter.wireName)'")
        }
        return try self.decode(try self.body(), as: T.self, parameter: parameter, from: "body")
    }

    /// The value of the parameter at `index`, or `defaultValue` when the request has none for it.
    public func value<T>(_ index: Int, default defaultValue: @autoclosure () -> T) throws -> T {
        if T.self == WebRequest.self { return unsafeBitCast(self.request, to: T.self) }
        let parameter = self.method.parameters[index]
        if let value = self.pathValue(parameter) {
            return try self.decode(value, as: T.self, parameter: parameter, from: "path value")
        }
        guard !self.request.body.isEmpty else { return defaultValue() }
        return try self.decode(try self.body(), as: T.self, parameter: parameter, from: "body")
    }

    private func pathValue(_ parameter: ServiceMethod.Parameter) -> JSONValue? {
        self.request.pathValues[parameter.label ?? parameter.name] ?? self.request.pathValues[parameter.name]
    }

    private func body() throws -> JSONValue {
        do {
            return try JSONParser.parse(self.request.body)
        } catch {
            throw BadRequest("the body is not JSON: \(error.message)")
        }
    }

    private func decode<T>(
        _ value: JSONValue,
        as type: T.Type,
        parameter: ServiceMethod.Parameter,
        from source: String
    )
        throws -> T
    {
        // The path values' own types, without a dynamic cast.
        switch value {
        case .int(let number) where T.self == Int.self: return unsafeBitCast(number, to: T.self)
        case .string(let text) where T.self == String.self: return unsafeBitCast(text, to: T.self)
        case .double(let number) where T.self == Double.self: return unsafeBitCast(number, to: T.self)
        default: break
        }
        if let value = value as? T { return value }
        guard let decodable = T.self as? any Decodable.Type else {
            throw WebError(
                .route,
                "\(self.method.swiftName): parameter \(parameter.name) of type \(T.self) is not Decodable"
            )
        }
        do {
            return try Self.decode(decodable, from: value) as! T
        } catch let error as JSONValueDecodingError {
            // A path value's text may still make the type (`<int:n>` into a String).
            if source == "path value", case .int(let number) = value, let text = "\(number)" as? T { return text }
            if source == "path value", case .double(let number) = value, let text = "\(number)" as? T { return text }
            let at = error.path.isEmpty ? "" : " at \(error.path)"
            let field = error.path.isEmpty ? nil : error.path
            let prefix = "\(self.method.wireName)() \(source) '\(parameter.wireName)'"
            if error.found == "missing" {
                throw BadRequest("\(prefix) lacks the field '\(error.path)'", field: field)
            }
            if error.expected == "valid", let allowed = SchemaRecorder.allowedValues(of: T.self, at: error.path) {
                let found = value.value(atPath: error.path).map { "\($0)" } ?? error.found
                throw BadRequest(
                    "\(prefix)\(at) must be one of \(allowed.joined(separator: ", ")), not \(found)",
                    field: field
                )
            }
            throw BadRequest("\(prefix)\(at) must be \(error.expected), not \(error.found)", field: field)
        } catch {
            throw BadRequest("\(self.method.wireName)() \(source) '\(parameter.wireName)': \(error)")
        }
    }

    private static func decode<D: Decodable>(_ type: D.Type, from value: JSONValue) throws -> D {
        try JSONValueDecoder().decode(D.self, from: value)
    }
}
