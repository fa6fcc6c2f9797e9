//===----------------------------------------------------------------------===//
// This source file is part of Enoki. Licensed under Apache License v2.0.
//===----------------------------------------------------------------------===//

import EnokiCore
import Synchronization

/// Runs shell lines as `nameko shell` runs them: `n.rpc.service.method(...)` calls the service and the result is
/// printed as Python's `repr`; names keep values (`x = …`), `_` is the last result, and errors print as the
/// last line of a Python traceback, leaving the session as it was.
///
/// `n` has `rpc`, `dispatch_event`, `config` and `disconnect`, as Nameko's; `print`, `dir` and `repr` are there
/// too.
public final class ShellInterpreter: Sendable {
    /// What a line printed.
    public struct Output: Sendable {
        /// What the line wrote: the result's `repr`, or what `print` wrote; `nil` when nothing.
        public var text: String?
        /// The error the line ended with, if any.
        public var error: ShellError?
    }

    private struct State {
        var variables: [String: PythonValue] = [:]
        var services: [String]?
        var methods: [String: [String]] = [:]
    }

    private let backend: any ShellBackend
    private let state = Mutex(State())

    /// The attributes of `n`.
    public static let namespaceAttributes = ["config", "disconnect", "dispatch_event", "rpc"]
    static let builtins = ["dir", "print", "repr"]

    /// An interpreter over a backend.
    public init(backend: any ShellBackend) {
        self.backend = backend
    }

    /// Runs one line.
    public func run(_ line: String) async -> Output {
        var printed: [String] = []
        do {
            switch try ShellParser.parse(line) {
            case .empty:
                return Output()
            case .assignment(let name, let expression):
                let value = try await self.evaluate(expression, printing: &printed)
                self.state.withLock { $0.variables[name] = value }
            case .expression(let expression):
                let value = try await self.evaluate(expression, printing: &printed)
                if case .none = value {
                    break
                }
                self.state.withLock { $0.variables["_"] = value }
                printed.append(PythonRepr.repr(value))
            }
            return Output(text: printed.isEmpty ? nil : printed.joined(separator: "\n"))
        } catch {
            return Output(text: printed.isEmpty ? nil : printed.joined(separator: "\n"), error: Self.shellError(error))
        }
    }

    /// The value a name holds, if any.
    public func variable(_ name: String) -> PythonValue? {
        self.state.withLock { $0.variables[name] }
    }

    /// The error a call's failure prints as.
    static func shellError(_ error: any Error) -> ShellError {
        switch error {
        case let error as ShellError:
            return error
        case let error as RemoteError:
            return ShellError(.remoteError, "\(error.excType) \(error.value)")
        case let error as EnokiError where error.code == .timeout:
            return ShellError(.timeout, error.message)
        case let error as EnokiError where error.code == .unknownService:
            return ShellError(.unknownService, error.message)
        case let error as EnokiError:
            return ShellError(.error, error.description)
        case is CancellationError:
            return ShellError(.keyboardInterrupt, "")
        default:
            return ShellError(.error, "\(error)")
        }
    }

    // MARK: Evaluation

    private func evaluate(_ expression: ShellExpression, printing: inout [String]) async throws -> PythonValue {
        switch expression {
        case .literal(let value):
            return value
        case .name(let name):
            return try self.lookUp(name)
        case .negate(let operand):
            switch try await self.evaluate(operand, printing: &printing) {
            case .int(let value) where value != .min: return .int(-value)
            case .int: return .bigInteger(String(String(Int.min).dropFirst()))
            case .bigInteger(let digits):
                return digits.hasPrefix("-") ? .bigInteger(String(digits.dropFirst())) : .bigInteger("-" + digits)
            case .float(let value): return .float(-value)
            case .bool(let value): return .int(value ? -1 : 0)
            case let other: throw ShellError(.typeError, "bad operand type for unary -: '\(other.typeName)'")
            }
        case .list(let elements):
            var values: [PythonValue] = []
            for element in elements { values.append(try await self.evaluate(element, printing: &printing)) }
            return .list(values)
        case .tuple(let elements):
            var values: [PythonValue] = []
            for element in elements { values.append(try await self.evaluate(element, printing: &printing)) }
            return .tuple(values)
        case .dict(let pairs):
            var values: [(PythonValue, PythonValue)] = []
            for (key, value) in pairs {
                let key = try await self.evaluate(key, printing: &printing)
                if case .list = key { throw ShellError(.typeError, "unhashable type: 'list'") }
                if case .dict = key { throw ShellError(.typeError, "unhashable type: 'dict'") }
                values.append((key, try await self.evaluate(value, printing: &printing)))
            }
            return .dict(pairs: values)
        case .attribute(let base, let name):
            return try self.attribute(try await self.evaluate(base, printing: &printing), name)
        case .index(let base, let index):
            let base = try await self.evaluate(base, printing: &printing)
            return try self.element(of: base, try await self.evaluate(index, printing: &printing))
        case .call(let callee, let arguments):
            let callee = try await self.evaluate(callee, printing: &printing)
            var args: [PythonValue] = []
            var kwargs: [(String, PythonValue)] = []
            for argument in arguments {
                let value = try await self.evaluate(argument.value, printing: &printing)
                if let keyword = argument.keyword {
                    kwargs.append((keyword, value))
                } else {
                    args.append(value)
                }
            }
            return try await self.call(callee, args: args, kwargs: kwargs, printing: &printing)
        }
    }

    private func lookUp(_ name: String) throws(ShellError) -> PythonValue {
        if name == "n" { return .object(.namespace) }
        if let value = self.state.withLock({ $0.variables[name] }) { return value }
        if Self.builtins.contains(name) { return .object(.function(name)) }
        throw ShellError(.nameError, "name '\(name)' is not defined")
    }

    private func attribute(_ base: PythonValue, _ name: String) throws(ShellError) -> PythonValue {
        switch base {
        case .object(.namespace):
            switch name {
            case "rpc": return .object(.rpc)
            case "config":
                // Passwords and secret keys hidden, as `show-config` shows them.
                return PythonValue(json: Secrets.redacting(.object(self.backend.config)))
            case "dispatch_event", "disconnect": return .object(.function("n.\(name)"))
            default: throw ShellError(.attributeError, "module 'n' has no attribute '\(name)'")
            }
        case .object(.rpc):
            return .object(.service(name))
        case .object(.service(let service)):
            return .object(.method(service: service, method: name))
        case .object(.method(let service, let method)) where name == "call_async":
            return .object(.callAsync(service: service, method: method))
        case .object(.reply(let reply)) where name == "result":
            return .object(.replyResult(reply))
        default:
            throw ShellError(.attributeError, "'\(base.typeName)' object has no attribute '\(name)'")
        }
    }

    private func element(of base: PythonValue, _ index: PythonValue) throws(ShellError) -> PythonValue {
        switch (base, index) {
        case (.object(.rpc), .string(let service)):
            return .object(.service(service))
        case (.dict(let entries), _):
            guard let entry = entries.first(where: { $0.key.isSameKey(as: index) }) else {
                throw ShellError(.keyError, PythonRepr.repr(index))
            }
            return entry.value
        case (.list(let elements), .int(let position)), (.tuple(let elements), .int(let position)):
            let resolved = position < 0 ? elements.count + position : position
            guard elements.indices.contains(resolved) else {
                throw ShellError(.indexError, "\(base.typeName) index out of range")
            }
            return elements[resolved]
        case (.string(let text), .int(let position)):
            let characters = Array(text)
            let resolved = position < 0 ? characters.count + position : position
            guard characters.indices.contains(resolved) else {
                throw ShellError(.indexError, "string index out of range")
            }
            return .string(String(characters[resolved]))
        case (.list, _), (.tuple, _), (.string, _):
            throw ShellError(
                .typeError,
                "\(base.typeName) indices must be integers or slices, not \(index.typeName)"
            )
        default:
            throw ShellError(.typeError, "'\(base.typeName)' object is not subscriptable")
        }
    }

    private func call(
        _ callee: PythonValue,
        args: [PythonValue],
        kwargs: [(String, PythonValue)],
        printing: inout [String]
    ) async throws -> PythonValue {
        switch callee {
        case .object(.method(let service, let method)):
            let (json, keywords) = try Self.json(args, kwargs)
            return PythonValue(
                json: try await self.backend.call(service: service, method: method, args: json, kwargs: keywords)
            )
        case .object(.callAsync(let service, let method)):
            let (json, keywords) = try Self.json(args, kwargs)
            return .object(
                .reply(self.backend.callAsync(service: service, method: method, args: json, kwargs: keywords))
            )
        case .object(.replyResult(let reply)):
            try Self.noArguments("result", args, kwargs)
            return PythonValue(json: try await reply.result())
        case .object(.function("n.dispatch_event")):
            let bound = try Self.bind(
                "dispatch_event",
                ["service_name", "event_type", "event_data"],
                args,
                kwargs
            )
            guard case .string(let service) = bound[0], case .string(let eventType) = bound[1] else {
                throw ShellError(.typeError, "dispatch_event() takes the service's name and the event type as str")
            }
            try await self.backend.dispatch(service: service, eventType: eventType, payload: try bound[2].json())
            return .none
        case .object(.function("n.disconnect")):
            try Self.noArguments("disconnect", args, kwargs)
            await self.backend.disconnect()
            return .none
        case .object(.function("print")):
            printing.append(args.map(PythonRepr.str).joined(separator: " "))
            return .none
        case .object(.function("repr")):
            let bound = try Self.bind("repr", ["obj"], args, kwargs)
            return .string(PythonRepr.repr(bound[0]))
        case .object(.function("dir")):
            if args.isEmpty {
                let names = self.state.withLock { Array($0.variables.keys) } + ["n"]
                return .list(names.sorted().map(PythonValue.string))
            }
            if case .object(.namespace) = args[0] {
                return .list(Self.namespaceAttributes.map(PythonValue.string))
            }
            return .list([])
        default:
            throw ShellError(.typeError, "'\(callee.typeName)' object is not callable")
        }
    }

    private static func json(
        _ args: [PythonValue],
        _ kwargs: [(String, PythonValue)]
    ) throws(ShellError) -> ([JSONValue], JSONObject) {
        var json: [JSONValue] = []
        for arg in args { json.append(try arg.json()) }
        var keywords = JSONObject()
        for (name, value) in kwargs { keywords[name] = try value.json() }
        return (json, keywords)
    }

    private static func noArguments(
        _ name: String,
        _ args: [PythonValue],
        _ kwargs: [(String, PythonValue)]
    ) throws(ShellError) {
        if !args.isEmpty || !kwargs.isEmpty {
            throw ShellError(.typeError, "\(name)() takes no arguments (\(args.count + kwargs.count) given)")
        }
    }

    private static func bind(
        _ name: String,
        _ parameters: [String],
        _ args: [PythonValue],
        _ kwargs: [(String, PythonValue)]
    ) throws(ShellError) -> [PythonValue] {
        guard args.count <= parameters.count else {
            throw ShellError(
                .typeError,
                "\(name)() takes \(parameters.count) positional arguments but \(args.count) were given"
            )
        }
        var values: [PythonValue?] = args + Array(repeating: nil, count: parameters.count - args.count)
        for (keyword, value) in kwargs {
            guard let index = parameters.firstIndex(of: keyword) else {
                throw ShellError(.typeError, "\(name)() got an unexpected keyword argument '\(keyword)'")
            }
            guard values[index] == nil else {
                throw ShellError(.typeError, "\(name)() got multiple values for argument '\(keyword)'")
            }
            values[index] = value
        }
        let missing = parameters.indices.filter { values[$0] == nil }.map { "'\(parameters[$0])'" }
        guard missing.isEmpty else {
            throw ShellError(
                .typeError,
                "\(name)() missing \(missing.count) required positional argument\(missing.count == 1 ? "" : "s"): \(missing.joined(separator: " and "))"
            )
        }
        return values.map { $0! }
    }

    // MARK: Completion

    /// The words that complete the dotted name at the end of `text` (the line up to the cursor): `n.` gives `n`'s
    /// attributes, `n.rpc.` the services that answer the discovery broadcast, `n.rpc.service.` the service's RPC
    /// methods (from its discovery call; none for a Python service), a bare word the names in use.
    ///
    /// - Returns: The full words (`n.rpc.compute`), sorted; the caller replaces the partial word with one.
    public func completions(for text: String) async -> [String] {
        let word = String(text.reversed().prefix { $0.isLetter || $0.isNumber || $0 == "_" || $0 == "." }.reversed())
        var parts = word.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
        let partial = parts.removeLast()
        let candidates: [String]
        switch parts.count {
        case 0:
            let variables = self.state.withLock { Array($0.variables.keys) }
            candidates = variables + ["n"] + Self.builtins + ["True", "False", "None"]
        default:
            candidates = await self.attributes(of: parts)
        }
        let head = parts.isEmpty ? "" : parts.joined(separator: ".") + "."
        return Set(candidates.filter { $0.hasPrefix(partial) }).sorted().map { head + $0 }
    }

    private func attributes(of path: [String]) async -> [String] {
        switch path.count {
        case 1 where path[0] == "n":
            return Self.namespaceAttributes
        case 2 where path == ["n", "rpc"]:
            if let known = self.state.withLock({ $0.services }), !known.isEmpty { return known }
            let names = await self.backend.serviceNames()
            self.state.withLock { $0.services = names }
            return names
        case 3 where path[0] == "n" && path[1] == "rpc":
            let service = path[2]
            if let known = self.state.withLock({ $0.methods[service] }) { return known }
            guard let description = await self.backend.describe(service: service) else { return [] }
            let methods = description.rpcMethods
            self.state.withLock { $0.methods[service] = methods }
            return methods
        case 4 where path[0] == "n" && path[1] == "rpc":
            return ["call_async"]
        case 1:
            if case .object(.reply)? = self.variable(path[0]) { return ["result"] }
            return []
        default:
            return []
        }
    }
}
