//===----------------------------------------------------------------------===//
// This source file is part of Enoki. Licensed under Apache License v2.0.
//===----------------------------------------------------------------------===//

public import EnokiCore

/// A value in the shell, as a Python user writes and reads it: the literals Python has (`None`, `True`, integers
/// of any size, floats, strings, lists, tuples, dicts), and the shell's own objects (`n`, `n.rpc`, proxies,
/// pending replies).
public indirect enum PythonValue: Sendable {
    /// `None`.
    case none
    /// `True` or `False`.
    case bool(Bool)
    /// An integer that fits in 64 bits.
    case int(Int)
    /// An integer beyond 64 bits, as its decimal digits with an optional leading `-`.
    case bigInteger(String)
    /// A float.
    case float(Double)
    /// A string.
    case string(String)
    /// A list.
    case list([PythonValue])
    /// A tuple.
    case tuple([PythonValue])
    /// A dict, keys in order, each once.
    case dict([(key: PythonValue, value: PythonValue)])
    /// One of the shell's objects.
    case object(ShellObject)

    /// A dict from pairs, as Python builds one: a key given twice keeps its first position and its last value.
    public static func dict(pairs: [(PythonValue, PythonValue)]) -> PythonValue {
        var entries: [(key: PythonValue, value: PythonValue)] = []
        for (key, value) in pairs {
            if let index = entries.firstIndex(where: { $0.key.isSameKey(as: key) }) {
                entries[index].value = value
            } else {
                entries.append((key, value))
            }
        }
        return .dict(entries)
    }

    /// Whether two dict keys are the same key to Python (`1`, `1.0` and `True` are).
    func isSameKey(as other: PythonValue) -> Bool {
        switch (self.numeric, other.numeric) {
        case (let a?, let b?): return a == b
        case (nil, nil): break
        default: return false
        }
        switch (self, other) {
        case (.none, .none): return true
        case (.bigInteger(let a), .bigInteger(let b)): return a == b
        case (.string(let a), .string(let b)): return a == b
        case (.tuple(let a), .tuple(let b)):
            return a.count == b.count && zip(a, b).allSatisfy { $0.isSameKey(as: $1) }
        default: return false
        }
    }

    private var numeric: Double? {
        switch self {
        case .bool(let value): return value ? 1 : 0
        case .int(let value): return Double(value)
        case .float(let value): return value
        default: return nil
        }
    }

    /// The name of the value's Python type (`str`, `int`, `ServiceProxy`), as Python's error messages use it.
    public var typeName: String {
        switch self {
        case .none: return "NoneType"
        case .bool: return "bool"
        case .int, .bigInteger: return "int"
        case .float: return "float"
        case .string: return "str"
        case .list: return "list"
        case .tuple: return "tuple"
        case .dict: return "dict"
        case .object(let object): return object.typeName
        }
    }

    /// The value as JSON, as Nameko's serializer writes it: tuples become lists, and dict keys become strings as
    /// `json.dumps` makes them (`1` → `"1"`, `True` → `"true"`, `None` → `"null"`).
    ///
    /// - Throws: ``ShellError`` (`TypeError`) for a shell object or a key that JSON cannot hold.
    public func json() throws(ShellError) -> JSONValue {
        switch self {
        case .none: return .null
        case .bool(let value): return .bool(value)
        case .int(let value): return .int(value)
        case .bigInteger(let digits): return .bigInteger(digits)
        case .float(let value): return .double(value)
        case .string(let value): return .string(value)
        case .list(let elements), .tuple(let elements):
            var array: [JSONValue] = []
            for element in elements { array.append(try element.json()) }
            return .array(array)
        case .dict(let entries):
            var object = JSONObject()
            for entry in entries {
                object[try entry.key.jsonKey()] = try entry.value.json()
            }
            return .object(object)
        case .object(let object):
            throw ShellError(.typeError, "Object of type \(object.typeName) is not JSON serializable")
        }
    }

    private func jsonKey() throws(ShellError) -> String {
        switch self {
        case .string(let text): return text
        case .int(let value): return String(value)
        case .bigInteger(let digits): return digits
        case .float(let value): return PythonRepr.float(value)
        case .bool(let value): return value ? "true" : "false"
        case .none: return "null"
        default:
            throw ShellError(.typeError, "keys must be str, int, float, bool or None, not \(self.typeName)")
        }
    }

    /// A JSON value as Python reads it from a reply: objects become dicts, arrays lists.
    public init(json: JSONValue) {
        switch json {
        case .null: self = .none
        case .bool(let value): self = .bool(value)
        case .int(let value): self = .int(value)
        case .bigInteger(let digits): self = .bigInteger(digits)
        case .double(let value): self = .float(value)
        case .string(let value): self = .string(value)
        case .array(let elements): self = .list(elements.map(PythonValue.init(json:)))
        case .object(let object):
            self = .dict(object.map { (key: PythonValue.string($0.key), value: PythonValue(json: $0.value)) })
        }
    }
}

/// The shell's own objects: what `n` and its attributes are.
public enum ShellObject: Sendable {
    /// `n`.
    case namespace
    /// `n.rpc`.
    case rpc
    /// `n.rpc.service`.
    case service(String)
    /// `n.rpc.service.method`.
    case method(service: String, method: String)
    /// `n.rpc.service.method.call_async`.
    case callAsync(service: String, method: String)
    /// What `call_async(...)` returned.
    case reply(ShellReply)
    /// `reply.result`.
    case replyResult(ShellReply)
    /// A built-in function (`n.dispatch_event`, `n.disconnect`, `print`, `dir`).
    case function(String)

    /// The Python type name the object shows.
    public var typeName: String {
        switch self {
        case .namespace: return "module"
        case .rpc: return "ClusterRpcProxy"
        case .service: return "ServiceProxy"
        case .method: return "MethodProxy"
        case .reply: return "RpcReply"
        case .callAsync, .replyResult, .function: return "function"
        }
    }
}

/// A call sent with `call_async`, whose `result()` waits for its reply.
public struct ShellReply: Sendable {
    /// Waits for the reply.
    public let result: @Sendable () async throws -> JSONValue
    /// What the reply is of (`compute.compute`), for its `repr`.
    public let target: String

    /// A pending reply.
    public init(target: String, result: @escaping @Sendable () async throws -> JSONValue) {
        self.target = target
        self.result = result
    }
}
