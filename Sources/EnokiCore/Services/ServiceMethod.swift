//===----------------------------------------------------------------------===//
// This source file is part of Enoki. Licensed under Apache License v2.0.
//===----------------------------------------------------------------------===//

/// What the `@Service` macro knows of a method that an entrypoint attribute marks: its names, its parameters with
/// their Swift types, and its result type.
///
/// An entrypoint module's declaration method receives it (`service.http("GET", "/get/<int:value>", method: …)`)
/// to check the method against what the entrypoint passes (a route's path values, a request) and to describe it
/// (an OpenAPI document).
public struct ServiceMethod: Sendable {
    /// One parameter of the method.
    public struct Parameter: Sendable {
        /// The argument label, `nil` for `_`.
        public var label: String?
        /// The parameter's name inside the method.
        public var name: String
        /// The name on the wire: the label (or the name) in snake case.
        public var wireName: String
        /// The parameter's Swift type.
        public var type: any Any.Type
        /// Whether the parameter has a default value.
        public var hasDefault: Bool
        /// The default value as the source writes it, when known.
        public var defaultValue: String?
        /// The type as the source writes it (`[String]?`), when known.
        public var typeName: String?

        /// A parameter.
        public init(
            label: String?,
            name: String,
            wireName: String,
            type: any Any.Type,
            hasDefault: Bool = false,
            typeName: String? = nil,
            defaultValue: String? = nil
        ) {
            self.label = label
            self.name = name
            self.wireName = wireName
            self.type = type
            self.hasDefault = hasDefault || defaultValue != nil
            self.typeName = typeName
            self.defaultValue = defaultValue
        }
    }

    /// The method's Swift name (`getMethod`).
    public var swiftName: String
    /// The method's name on the wire (`get_method`).
    public var wireName: String
    /// Its parameters, in order.
    public var parameters: [Parameter]
    /// Its result type (`Void` when it returns nothing).
    public var resultType: any Any.Type
    /// Its documentation comment, without the `///` (what an API document shows of it).
    public var documentation: String?

    /// A method.
    public init(
        swiftName: String,
        wireName: String,
        parameters: [Parameter] = [],
        resultType: any Any.Type = Void.self,
        documentation: String? = nil
    ) {
        self.swiftName = swiftName
        self.wireName = wireName
        self.parameters = parameters
        self.resultType = resultType
        self.documentation = documentation
    }

    /// The method's signature on the wire, for binding Python-style arguments.
    public var signature: Signature {
        Signature(
            self.wireName,
            self.parameters.map {
                .init(
                    $0.wireName,
                    hasDefault: $0.hasDefault,
                    type: $0.typeName ?? String(describing: $0.type),
                    defaultValue: $0.defaultValue
                )
            }
        )
    }
}
