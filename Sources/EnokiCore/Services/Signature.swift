//===----------------------------------------------------------------------===//
// This source file is part of Enoki. Licensed under Apache License v2.0.
//===----------------------------------------------------------------------===//

/// A method's parameters as a caller sees them on the wire: their Python names, in order, and which have
/// defaults.
///
/// Nameko's `args` and `kwargs` bind to them the way Python binds a call: positional arguments first, then
/// keyword arguments by name, defaults fill the rest. Mistakes get Python's own `TypeError` wording (as
/// `inspect.getcallargs` words it, which Nameko uses), so a Python caller reads the same `IncorrectSignature`
/// it would get from a Python service.
public struct Signature: Sendable, Hashable {
    /// One parameter.
    public struct Parameter: Sendable, Hashable {
        /// The parameter's name on the wire (a Python identifier, such as `value`).
        public var name: String
        /// Whether the parameter may be left out.
        public var hasDefault: Bool
        /// The parameter's type as its method declares it (`Int`, `[String]?`), for descriptions; `nil` when
        /// unknown.
        public var typeName: String?
        /// The default value as its method's source writes it (`"y"`, `10`), for descriptions; `nil` when there is
        /// none or it is unknown.
        public var defaultValue: String?

        /// A parameter.
        ///
        /// - Parameters:
        ///   - name: Its name on the wire.
        ///   - hasDefault: Whether it may be left out.
        ///   - type: Its type as declared, shown in the service's description.
        ///   - defaultValue: Its default value as written, shown in the service's description.
        public init(_ name: String, hasDefault: Bool = false, type: String? = nil, defaultValue: String? = nil) {
            self.name = name
            self.hasDefault = hasDefault || defaultValue != nil
            self.typeName = type
            self.defaultValue = defaultValue
        }
    }

    /// The method's name on the wire.
    public var methodName: String
    /// The parameters in order.
    public var parameters: [Parameter]

    /// A signature.
    public init(_ methodName: String, _ parameters: [Parameter] = []) {
        self.methodName = methodName
        self.parameters = parameters
    }

    /// Binds Nameko's `args` and `kwargs` to the parameters.
    ///
    /// - Returns: One value per parameter, `nil` where the parameter's default applies.
    /// - Throws: ``RemoteError`` `IncorrectSignature` with Python's message when the arguments do not fit.
    public func bind(args: [JSONValue], kwargs: JSONObject) throws(RemoteError) -> BoundArguments {
        var values: [JSONValue?] = Array(repeating: nil, count: self.parameters.count)
        let shared = min(args.count, self.parameters.count)
        for index in 0..<shared {
            values[index] = args[index]
        }
        for (key, value) in kwargs {
            guard let index = self.parameters.firstIndex(where: { $0.name == key }) else {
                throw .incorrectSignature("\(self.methodName)() got an unexpected keyword argument '\(key)'")
            }
            if values[index] != nil {
                throw .incorrectSignature("\(self.methodName)() got multiple values for argument '\(key)'")
            }
            values[index] = value
        }
        if args.count > self.parameters.count {
            throw .incorrectSignature(self.tooManyMessage(given: args.count))
        }
        let missing = self.parameters.enumerated().filter { index, parameter in
            !parameter.hasDefault && values[index] == nil
        }.map(\.element.name)
        if !missing.isEmpty {
            throw .incorrectSignature(self.missingMessage(missing))
        }
        return BoundArguments(signature: self, values: values)
    }

    /// Python counts `self` among the positional arguments, and so does the wording.
    private func tooManyMessage(given: Int) -> String {
        let total = self.parameters.count + 1
        let defaults = self.parameters.filter(\.hasDefault).count
        let required = total - defaults
        let takes: String
        let plural: Bool
        if defaults > 0 {
            takes = "from \(required) to \(total)"
            plural = true
        } else {
            takes = "\(total)"
            plural = total != 1
        }
        let passed = given + 1
        return
            "\(self.methodName)() takes \(takes) positional argument\(plural ? "s" : "") but \(passed) \(passed == 1 ? "was" : "were") given"
    }

    private func missingMessage(_ names: [String]) -> String {
        let quoted = names.map { "'\($0)'" }
        let list: String
        switch quoted.count {
        case 1: list = quoted[0]
        case 2: list = "\(quoted[0]) and \(quoted[1])"
        default:
            list =
                quoted.dropLast(2).joined(separator: ", ")
                + ", \(quoted[quoted.count - 2]) and \(quoted[quoted.count - 1])"
        }
        return
            "\(self.methodName)() missing \(names.count) required positional argument\(names.count == 1 ? "" : "s"): \(list)"
    }
}

/// A call's arguments bound to a method's parameters, ready to decode into the method's Swift types.
public struct BoundArguments: Sendable {
    /// The signature they were bound to.
    public let signature: Signature
    /// One value per parameter; `nil` where the default applies.
    public let values: [JSONValue?]

    /// Arguments bound to a signature.
    public init(signature: Signature, values: [JSONValue?]) {
        self.signature = signature
        self.values = values
    }

    /// Decodes a parameter's value.
    ///
    /// - Throws: ``RemoteError`` `IncorrectSignature` saying which argument has the wrong type
    ///   (`append_identifier() argument 'value' must be str, not int`), or that a parameter without a default got
    ///   no value.
    public func value<T: Decodable>(_ index: Int, as type: T.Type = T.self) throws(RemoteError) -> T {
        guard let value = self.values[index] else {
            throw .incorrectSignature(
                "\(self.signature.methodName)() missing 1 required positional argument: '\(self.signature.parameters[index].name)'"
            )
        }
        return try self.decodeValue(value, index: index)
    }

    /// Decodes a parameter's value, or returns the default when the caller left it out.
    public func value<T: Decodable>(_ index: Int, default defaultValue: @autoclosure () -> T) throws(RemoteError) -> T {
        guard let value = self.values[index] else {
            return defaultValue()
        }
        return try self.decodeValue(value, index: index)
    }

    private func decodeValue<T: Decodable>(_ value: JSONValue, index: Int) throws(RemoteError) -> T {
        do {
            return try JSONValueDecoder().decode(T.self, from: value)
        } catch let error as JSONValueDecodingError {
            let name = self.signature.parameters[index].name
            let at = error.path.isEmpty ? "" : " (at \(error.path))"
            throw .incorrectSignature(
                "\(self.signature.methodName)() argument '\(name)'\(at) must be \(error.expected), not \(error.found)"
            )
        } catch {
            throw .incorrectSignature(
                "\(self.signature.methodName)() argument '\(self.signature.parameters[index].name)': \(error)"
            )
        }
    }
}
