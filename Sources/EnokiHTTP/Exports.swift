//===----------------------------------------------------------------------===//
// This source file is part of Enoki. Licensed under Apache License v2.0.
//===----------------------------------------------------------------------===//

@_exported public import EnokiCore

/// Marks a method of a `@Service` as an HTTP route (Nameko's `@http`): `@HTTP("GET", "/get/<int:value>")`.
///
/// - Parameters:
///   - methods: The HTTP methods, comma-separated with no spaces (`"GET,PUT,POST,DELETE"`).
///   - rule: A werkzeug rule.
///   - expectedErrors: Errors answered with 400 rather than 500 (Nameko's `expected_exceptions`).
///   - sensitiveArguments: Path variables logs and spans never show (Nameko's `sensitive_arguments`).
@attached(peer)
public macro HTTP(
    _ methods: String,
    _ rule: String,
    expectedErrors: [any Error.Type] = [],
    sensitiveArguments: SensitiveArguments = .none
) = #externalMacro(module: "EnokiMacrosPlugin", type: "MarkerMacro")
