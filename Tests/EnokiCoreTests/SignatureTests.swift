//===----------------------------------------------------------------------===//
// This source file is part of Enoki. Licensed under Apache License v2.0.
//===----------------------------------------------------------------------===//

import EnokiCore
import Testing

/// Python's `inspect.getcallargs` messages, as Nameko sends them in `IncorrectSignature` (the method's `self`
/// counts among the positional arguments).
@Suite struct SignatureTests {
    let echo = Signature("echo", [.init("a"), .init("b", hasDefault: true)])

    func message(_ signature: Signature, args: [JSONValue], kwargs: JSONObject = [:]) -> String? {
        do {
            _ = try signature.bind(args: args, kwargs: kwargs)
            return nil
        } catch {
            #expect(error.isIncorrectSignature)
            return error.value
        }
    }

    @Test func bindsLikePython() throws {
        let bound = try self.echo.bind(args: [1], kwargs: ["b": "two"])
        #expect(bound.values == [.int(1), .string("two")])
        let defaulted = try self.echo.bind(args: [], kwargs: ["a": 1])
        #expect(defaulted.values == [.int(1), nil])
        #expect(try defaulted.value(1, default: "d") == "d")
    }

    @Test func missingArguments() {
        #expect(self.message(self.echo, args: []) == "echo() missing 1 required positional argument: 'a'")
        let three = Signature("f", [.init("a"), .init("b"), .init("c")])
        #expect(self.message(three, args: []) == "f() missing 3 required positional arguments: 'a', 'b' and 'c'")
        #expect(self.message(three, args: [1]) == "f() missing 2 required positional arguments: 'b' and 'c'")
    }

    @Test func unexpectedAndDuplicatedKeywords() {
        #expect(self.message(self.echo, args: [1], kwargs: ["c": 3]) == "echo() got an unexpected keyword argument 'c'")
        #expect(self.message(self.echo, args: [1], kwargs: ["a": 3]) == "echo() got multiple values for argument 'a'")
    }

    @Test func tooManyPositionalArguments() {
        #expect(
            self.message(self.echo, args: [1, 2, 3]) == "echo() takes from 2 to 3 positional arguments but 4 were given"
        )
        let none = Signature("greet")
        #expect(self.message(none, args: [1]) == "greet() takes 1 positional argument but 2 were given")
        let one = Signature("append_identifier", [.init("value")])
        #expect(self.message(one, args: [1, 2]) == "append_identifier() takes 2 positional arguments but 3 were given")
    }

    @Test func mistypedArgumentsNameTheParameter() throws {
        let one = Signature("append_identifier", [.init("value")])
        let bound = try one.bind(args: [5], kwargs: [:])
        let error = #expect(throws: RemoteError.self) { try bound.value(0, as: String.self) }
        #expect(error?.value == "append_identifier() argument 'value' must be str, not int")
        #expect(error?.excPath == "nameko.exceptions.IncorrectSignature")
    }
}

@Suite struct RemoteErrorTests {
    @Test func jsonSafeStringifiesAsPythonDoes() {
        let error = RemoteError(
            excType: "Boom",
            excPath: "spec_services.Boom",
            excArgs: ["boom", 42, ["k": [1, .null, true, 1.5]]],
            value: "x"
        )
        #expect(
            JSONWriter.string(error.jsonValue)
                == #"{"exc_type": "Boom", "exc_path": "spec_services.Boom", "exc_args": ["boom", "42", {"k": ["1", "None", "True", "1.5"]}], "value": "x"}"#
        )
    }

    @Test func builtInShapes() {
        #expect(
            JSONWriter.string(RemoteError.methodNotFound("nosuch").jsonValue)
                == #"{"exc_type": "MethodNotFound", "exc_path": "nameko.exceptions.MethodNotFound", "exc_args": ["nosuch"], "value": "nosuch"}"#
        )
        #expect(
            JSONWriter.string(RemoteError.malformedRequest("Message missing `args` or `kwargs`").jsonValue)
                == #"{"exc_type": "MalformedRequest", "exc_path": "nameko.exceptions.MalformedRequest", "exc_args": ["Message missing `args` or `kwargs`"], "value": "Message missing `args` or `kwargs`"}"#
        )
    }

    struct OutOfStock: Error, RemoteErrorConvertible {
        var item: String
        var remoteError: RemoteError { RemoteError(type: "OutOfStock", module: "shop.exceptions", message: self.item) }
    }

    struct PlainError: Error, CustomStringConvertible {
        var description: String { "it broke" }
    }

    @Test func swiftErrorsOnTheWire() {
        #expect(RemoteError.from(OutOfStock(item: "socks")).excPath == "shop.exceptions.OutOfStock")
        let plain = RemoteError.from(PlainError())
        #expect(plain.excType == "PlainError")
        #expect(plain.excPath == "EnokiCoreTests.RemoteErrorTests.PlainError")
        #expect(plain.value == "it broke")
        // Errors of called services pass on as Python would pass them on.
        #expect(RemoteError.from(RemoteError.methodNotFound("x")).excType == "MethodNotFound")
        #expect(
            RemoteError.from(RemoteError(type: "ValueError", module: "builtins", message: "raised here")).excType
                == "ValueError"
        )
        let wrapped = RemoteError.from(
            RemoteError(jsonValue: [
                "exc_type": "ValueError", "exc_path": "builtins.ValueError", "exc_args": ["bad"], "value": "bad",
            ])
        )
        #expect(wrapped.excType == "RemoteError")
        #expect(wrapped.value == "ValueError bad")
    }
}

@Suite struct WorkerContextTests {
    @Test func stackIsCutFromTheOldestEnd() {
        // nameko-wire §3.3, observed with parent_calls_tracked = 3.
        let alpha = WorkerContext(
            serviceName: "alpha",
            methodName: "call_beta",
            parentStack: ["s0", "s1", "s2", "s3", "s4", "s5"],
            parentCallsTracked: 3,
            id: "68a541c0"
        )
        #expect(alpha.callIDStack == ["s3", "s4", "s5", "alpha.call_beta.68a541c0"])
        let beta = WorkerContext(
            serviceName: "beta",
            methodName: "whoami",
            parentStack: alpha.callIDStack,
            parentCallsTracked: 3,
            id: "b1c3e83a"
        )
        #expect(beta.callIDStack == ["s4", "s5", "alpha.call_beta.68a541c0", "beta.whoami.b1c3e83a"])
        #expect(beta.immediateParentCallID == "alpha.call_beta.68a541c0")
        #expect(beta.originCallID == "s4")
    }

    @Test func standaloneContext() {
        let context = WorkerContext.standalone(data: ["language": "en-gb"])
        #expect(context.callIDStack.count == 1)
        #expect(context.callIDStack[0].hasPrefix("standalone_rpc_proxy.call."))
        #expect(context.language == "en-gb")
    }
}
