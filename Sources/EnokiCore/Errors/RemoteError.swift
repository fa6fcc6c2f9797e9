//===----------------------------------------------------------------------===//
// This source file is part of Enoki. Licensed under Apache License v2.0.
//===----------------------------------------------------------------------===//

/// An error as it crosses the wire, in Nameko's shape: `exc_type`, `exc_path`, `exc_args` and `value`.
///
/// A method that throws sends its error to the caller in this shape; a caller that gets an error reply throws
/// it as a `RemoteError` with all four fields. Python callers rebuild `MethodNotFound`, `IncorrectSignature`
/// and `MalformedRequest` from the `exc_path` of those errors, and raise `RemoteError("{exc_type} {value}")` for
/// any other.
public struct RemoteError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The class name, such as `ValueError` or `MethodNotFound`.
    public var excType: String
    /// The module path and class name, such as `nameko.exceptions.MethodNotFound`.
    public var excPath: String
    /// The exception's arguments, made JSON-safe as Nameko does (non-string scalars become strings).
    public var excArgs: [JSONValue]
    /// The exception's text (`str(exc)` in Python).
    public var value: String
    /// Whether the error came in a reply from another service (rather than being raised here). A worker passes
    /// such errors on as Python does (see ``from(_:)``). Not part of equality.
    public var isFromReply: Bool = false

    /// Creates a remote error from its four fields.
    public init(excType: String, excPath: String, excArgs: [JSONValue], value: String) {
        self.excType = excType
        self.excPath = excPath
        self.excArgs = excArgs
        self.value = value
    }

    /// An error of type `excType` defined in `module`, with one message: `exc_args` is `[message]` and `value` is
    /// the message, as Python has it for `raise SomeError("message")`.
    public init(type excType: String, module: String, message: String) {
        self.init(excType: excType, excPath: "\(module).\(excType)", excArgs: [.string(message)], value: message)
    }

    public var description: String { "\(self.excType) \(self.value)" }

    public static func == (lhs: RemoteError, rhs: RemoteError) -> Bool {
        lhs.excType == rhs.excType && lhs.excPath == rhs.excPath && lhs.excArgs == rhs.excArgs && lhs.value == rhs.value
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(self.excType)
        hasher.combine(self.excPath)
        hasher.combine(self.excArgs)
        hasher.combine(self.value)
    }

    /// The error as its JSON object: `{"exc_type", "exc_path", "exc_args", "value"}`, in that order.
    public var jsonValue: JSONValue {
        .object(
            JSONObject([
                ("exc_type", .string(self.excType)),
                ("exc_path", .string(self.excPath)),
                ("exc_args", .array(self.excArgs.map(Self.jsonSafe))),
                ("value", .string(self.value)),
            ])
        )
    }

    /// Reads the error object of a reply; fields that are missing or of the wrong type are left empty.
    public init(jsonValue: JSONValue) {
        let object = jsonValue.objectValue ?? JSONObject()
        self.excType = object["exc_type"]?.stringValue ?? "RemoteError"
        self.excPath = object["exc_path"]?.stringValue ?? ""
        self.excArgs = object["exc_args"]?.arrayValue ?? []
        self.value = object["value"]?.stringValue ?? (object["value"].map { "\($0)" } ?? "")
        self.isFromReply = true
    }

    /// Nameko's `safe_for_serialization`: strings stay; lists and dicts are handled element by element (keys
    /// too); anything else is written as text (`42` becomes `"42"`, `None` becomes `"None"`).
    public static func jsonSafe(_ value: JSONValue) -> JSONValue {
        switch value {
        case .string: return value
        case .array(let elements): return .array(elements.map(self.jsonSafe))
        case .object(let object):
            return .object(JSONObject(object.members.map { (self.pythonString($0.key), self.jsonSafe($0.value)) }))
        case .null: return .string("None")
        case .bool(let flag): return .string(flag ? "True" : "False")
        case .int(let number): return .string(String(number))
        case .bigInteger(let digits): return .string(digits)
        case .double(let number): return .string(self.pythonFloat(number))
        }
    }

    private static func pythonString(_ key: String) -> String { key }

    private static func pythonFloat(_ number: Double) -> String {
        if number.isNaN { return "nan" }
        if number.isInfinite { return number > 0 ? "inf" : "-inf" }
        return JSONWriter.format(number)
    }
}

extension RemoteError {
    /// The `exc_path` values a Python caller rebuilds into its own exception classes.
    public enum KnownPath {
        /// `nameko.exceptions.MethodNotFound`.
        public static let methodNotFound = "nameko.exceptions.MethodNotFound"
        /// `nameko.exceptions.IncorrectSignature`.
        public static let incorrectSignature = "nameko.exceptions.IncorrectSignature"
        /// `nameko.exceptions.MalformedRequest`.
        public static let malformedRequest = "nameko.exceptions.MalformedRequest"
        /// `nameko.exceptions.UnserializableValueError`.
        public static let unserializableValue = "nameko.exceptions.UnserializableValueError"
        /// `nameko.exceptions.RemoteError`.
        public static let remoteError = "nameko.exceptions.RemoteError"
        /// The paths Python's `deserialize` rebuilds as the class itself.
        public static let registered: Set<String> = [methodNotFound, incorrectSignature, malformedRequest]
    }

    /// The remote method does not exist: `MethodNotFound(name)`.
    public static func methodNotFound(_ name: String) -> RemoteError {
        RemoteError(type: "MethodNotFound", module: "nameko.exceptions", message: name)
    }

    /// The arguments do not fit the method: `IncorrectSignature(message)`, with Python's wording.
    public static func incorrectSignature(_ message: String) -> RemoteError {
        RemoteError(type: "IncorrectSignature", module: "nameko.exceptions", message: message)
    }

    /// The request is not a Nameko request: `MalformedRequest(message)`.
    public static func malformedRequest(_ message: String) -> RemoteError {
        RemoteError(type: "MalformedRequest", module: "nameko.exceptions", message: message)
    }

    /// The result cannot be written as JSON: `UnserializableValueError`, with no arguments.
    public static func unserializableValue(_ description: String) -> RemoteError {
        RemoteError(
            excType: "UnserializableValueError",
            excPath: KnownPath.unserializableValue,
            excArgs: [],
            value: "Unserializable value: `\(description)`"
        )
    }

    /// Whether this is `MethodNotFound`.
    public var isMethodNotFound: Bool { self.excPath == KnownPath.methodNotFound }
    /// Whether this is `IncorrectSignature`.
    public var isIncorrectSignature: Bool { self.excPath == KnownPath.incorrectSignature }
    /// Whether this is `MalformedRequest`.
    public var isMalformedRequest: Bool { self.excPath == KnownPath.malformedRequest }
}

/// An error that chooses how it crosses the wire.
///
/// ```swift
/// struct OutOfStock: Error, RemoteErrorConvertible {
///     var item: String
///     var remoteError: RemoteError { RemoteError(type: "OutOfStock", module: "shop.exceptions", message: item) }
/// }
/// ```
public protocol RemoteErrorConvertible: Error {
    /// The error's wire form.
    var remoteError: RemoteError { get }
}

extension RemoteError {
    /// The wire form of any error a worker threw.
    ///
    /// A ``RemoteErrorConvertible`` error gives its own; so does a ``RemoteError`` raised here. A ``RemoteError``
    /// from a call the worker made passes on unchanged when Python rebuilds it as its own class
    /// (`MethodNotFound`, …), and is wrapped as Nameko's `RemoteError` otherwise, as a Python service does with the
    /// errors of the services it calls. Any other
    /// Swift error is sent with its type name, its module-qualified type as `exc_path`, and its description.
    public static func from(_ error: any Error) -> RemoteError {
        if let convertible = error as? any RemoteErrorConvertible {
            return convertible.remoteError
        }
        if let remote = error as? RemoteError {
            if !remote.isFromReply || KnownPath.registered.contains(remote.excPath)
                || remote.excPath == KnownPath.remoteError
            {
                return remote
            }
            let message = "\(remote.excType) \(remote.value)"
            return RemoteError(type: "RemoteError", module: "nameko.exceptions", message: message)
        }
        let type = Swift.type(of: error)
        let name = String(describing: type)
        let path = String(reflecting: type)
        let text = String(describing: error)
        return RemoteError(excType: name, excPath: path, excArgs: [.string(text)], value: text)
    }
}
