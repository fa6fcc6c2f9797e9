//===----------------------------------------------------------------------===//
// This source file is part of Enoki. Licensed under Apache License v2.0.
//===----------------------------------------------------------------------===//

public import Foundation

/// The error type of the command-line module: a failure in a shell line or a command, printed as the last line
/// of a Python traceback is (`NameError: name 'x' is not defined`, `RemoteError: ZeroDivisionError division by
/// zero`), so that a Python user reads what `nameko shell` would show.
public struct ShellError: Error, Sendable, CustomStringConvertible {
    /// The Python exception's name the error is shown as.
    public struct Kind: Hashable, Sendable, CustomStringConvertible {
        /// The name, as printed before the colon.
        public let name: String

        private init(_ name: String) { self.name = name }

        /// A line that does not parse.
        public static let syntaxError = Kind("SyntaxError")
        /// A name that is not defined.
        public static let nameError = Kind("NameError")
        /// An attribute that an object does not have.
        public static let attributeError = Kind("AttributeError")
        /// An operation on a value of the wrong type, or a call with the wrong arguments.
        public static let typeError = Kind("TypeError")
        /// A key that is not there.
        public static let keyError = Kind("KeyError")
        /// An index out of range.
        public static let indexError = Kind("IndexError")
        /// An error the service sent back.
        public static let remoteError = Kind("RemoteError")
        /// A call that got no reply in time.
        public static let timeout = Kind("RpcTimeout")
        /// No service of that name answers.
        public static let unknownService = Kind("UnknownService")
        /// Ctrl-C during a call.
        public static let keyboardInterrupt = Kind("KeyboardInterrupt")
        /// The broker or the command failed (a connection refused, a bad option).
        public static let error = Kind("Error")

        public var description: String { self.name }
    }

    /// How the error is shown.
    public var kind: Kind
    /// What happened.
    public var message: String

    /// An error.
    public init(_ kind: Kind, _ message: String) {
        self.kind = kind
        self.message = message
    }

    /// The line the shell prints: `Kind: message`, or `Kind` alone when there is no message.
    public var description: String {
        self.message.isEmpty ? self.kind.name : "\(self.kind.name): \(self.message)"
    }
}

extension ShellError: LocalizedError {
    /// What a command prints after its own `Error: ` prefix: the message alone for ``Kind/error``, so that a
    /// failed command reads `Error: …` once, and `Kind: message` otherwise.
    public var errorDescription: String? {
        self.kind == .error ? self.message : self.description
    }
}
