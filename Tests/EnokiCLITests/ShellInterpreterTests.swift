//===----------------------------------------------------------------------===//
// This source file is part of Enoki. Licensed under Apache License v2.0.
//===----------------------------------------------------------------------===//

import EnokiCLI
import EnokiCore
import Foundation
import Synchronization
import Testing

/// A cluster that answers as the seeds' services do, for the interpreter's tests: `greet_service.greet()`,
/// `compute.compute(operation, value, other, email)`, `echo.echo(...)` (returns what it got), `slow.wait()` (never
/// answers), and `python_service`, which has no discovery call.
final class SeedBackend: ShellBackend {
    struct Call: Equatable {
        var service: String
        var method: String
        var args: [JSONValue]
        var kwargs: JSONObject
    }

    let config: JSONObject = ["AMQP_URI": "amqp://guest:secret@127.0.0.1:5672/", "RATE": 3]
    private let log = Mutex<(calls: [Call], events: [String], disconnects: Int, describes: Int)>(([], [], 0, 0))

    var calls: [Call] { self.log.withLock { $0.calls } }
    var events: [String] { self.log.withLock { $0.events } }
    var disconnects: Int { self.log.withLock { $0.disconnects } }
    var describes: Int { self.log.withLock { $0.describes } }

    func call(service: String, method: String, args: [JSONValue], kwargs: JSONObject) async throws -> JSONValue {
        self.log.withLock { $0.calls.append(Call(service: service, method: method, args: args, kwargs: kwargs)) }
        switch (service, method) {
        case ("greet_service", "greet"):
            return "Hello !"
        case ("compute", "compute"):
            guard args.count == 4, case .string(let operation) = args[0], case .int(let a) = args[1],
                case .int(let b) = args[2]
            else {
                throw RemoteError(type: "TypeError", module: "builtins", message: "compute() takes 4 arguments")
            }
            switch operation {
            case "sum": return .int(a + b)
            case "mul": return .int(a * b)
            case "div" where b == 0:
                throw RemoteError(type: "ZeroDivisionError", module: "builtins", message: "division by zero")
            case "div": return .double(Double(a) / Double(b))
            default: throw RemoteError(type: "ValueError", module: "builtins", message: "unknown operation")
            }
        case ("echo", "echo"):
            return ["args": .array(args), "kwargs": .object(kwargs)]
        case ("slow", "wait"):
            try await Task.sleep(for: .seconds(3600))
            return nil
        case ("python_service", _):
            return .string(method)
        default:
            throw EnokiError(.unknownService, "Cannot connect to service \(service)")
        }
    }

    func callAsync(service: String, method: String, args: [JSONValue], kwargs: JSONObject) -> ShellReply {
        ShellReply(target: "\(service).\(method)") {
            try await self.call(service: service, method: method, args: args, kwargs: kwargs)
        }
    }

    func dispatch(service: String, eventType: String, payload: JSONValue) async throws {
        self.log.withLock { $0.events.append("\(service) \(eventType) \(JSONWriter.string(payload))") }
    }

    func serviceNames() async -> [String] { ["compute", "echo", "greet_service"] }

    func describe(service: String) async -> ServiceDescription? {
        self.log.withLock { $0.describes += 1 }
        switch service {
        case "compute":
            return ServiceDescription(
                service: "compute",
                entrypoints: [
                    EntrypointDescription(kind: "rpc", method: "compute"),
                    EntrypointDescription(kind: "rpc", method: "count"),
                    EntrypointDescription(kind: "event_handler", method: "on_event"),
                ]
            )
        case "greet_service":
            return ServiceDescription(service: "greet_service", entrypoints: [.init(kind: "rpc", method: "greet")])
        default:
            return nil
        }
    }

    func disconnect() async {
        self.log.withLock { $0.disconnects += 1 }
    }
}

@Suite struct ShellInterpreterTests {
    /// What a session prints for each line: the result, or the error line.
    static func session(_ lines: [String], backend: SeedBackend = SeedBackend()) async -> [String] {
        let shell = ShellInterpreter(backend: backend)
        var printed: [String] = []
        for line in lines {
            let output = await shell.run(line)
            if let text = output.text { printed.append(text) }
            if let error = output.error { printed.append(error.description) }
        }
        return printed
    }

    @Test func theSeedsTranscriptsReadTheSame() async {
        let printed = await Self.session([
            "n.rpc.greet_service.greet()",
            "n.rpc.compute.compute('sum', 30, 10, \"name@email.com\")",
            "n.rpc.compute.compute('div', 30, 10, 'name@email.com')",
            "n.rpc.compute.compute('div', 1, 0, 'name@email.com')",
        ])
        #expect(
            printed == [
                "'Hello !'", "40", "3.0", "RemoteError: ZeroDivisionError division by zero",
            ]
        )
    }

    @Test func argumentsAreWrittenAsPythonWritesThem() async throws {
        let backend = SeedBackend()
        let printed = await Self.session(
            [
                #"n.rpc.echo.echo('it\'s', "tab\there", r'\n', '\u00e9\x41', 123456789012345678901234567890, -7, 0x1f, 1_000, 2.5, 1e3, .5)"#,
                "n.rpc.echo.echo(True, False, None, [1, [2, 3]], (1,), (), {'a': {'b': [None]}}, {1: 2})",
                "n.rpc.echo.echo('x', user_id=7, tags=['a', 'b'])",
                "n.rpc[\"echo\"].echo(-1.5, 'a' 'b')",
            ],
            backend: backend
        )
        #expect(printed.count == 4)
        let calls = backend.calls
        try #require(calls.count == 4)
        #expect(
            calls[0].args == [
                "it's", "tab\there", "\\n", "éA", .bigInteger("123456789012345678901234567890"), -7, 31, 1000, 2.5,
                1000.0, 0.5,
            ]
        )
        #expect(
            calls[1].args == [
                true, false, nil, [1, [2, 3]], [1], [], ["a": ["b": [nil]]], ["1": 2],
            ]
        )
        #expect(calls[2].args == ["x"] && calls[2].kwargs == ["user_id": 7, "tags": ["a", "b"]])
        #expect(calls[3].service == "echo" && calls[3].args == [-1.5, "ab"])
        #expect(printed[2] == "{'args': ['x'], 'kwargs': {'user_id': 7, 'tags': ['a', 'b']}}")
    }

    @Test func resultsPrintAsPythonsRepr() async {
        let printed = await Self.session([
            "'Hello !'", "\"it's\"", "'say \"hi\"'", "'both \\' and \"'", "'tab\\tnew\\nline\\x00\\x7f'", "'é 🍄'",
            "1.0", "0.1", "1e16", "1e-5", "123456.789", "-0.0", "3.0e300", "[]", "()", "(1,)", "(1, 'a')", "{}",
            "{'value': 42, 'ok': True, 'none': None}", "[1.5, [None, False]]", "None", "-(-3)",
        ])
        #expect(
            printed == [
                "'Hello !'", "\"it's\"", "'say \"hi\"'", "'both \\' and \"'", "'tab\\tnew\\nline\\x00\\x7f'",
                "'é 🍄'", "1.0", "0.1", "1e+16", "1e-05", "123456.789", "-0.0", "3e+300", "[]", "()", "(1,)",
                "(1, 'a')", "{}", "{'value': 42, 'ok': True, 'none': None}", "[1.5, [None, False]]", "3",
            ]
        )
    }

    @Test func namesKeepValuesAndUnderscoreIsTheLastResult() async {
        let printed = await Self.session([
            "x = n.rpc.compute.compute('sum', 1, 2, 'a@b')",
            "x",
            "n.rpc.compute.compute('mul', x, 5, 'a@b')",
            "_",
            "y = [x, _]",
            "y[1]",
            "y[-1]",
            "{'k': y}['k'][0]",
            "'text'[1]",
        ])
        // An assignment prints nothing.
        #expect(printed == ["3", "15", "15", "15", "15", "3", "'e'"])
    }

    @Test func callAsyncReturnsAReplyWhoseResultWaits() async {
        let backend = SeedBackend()
        let printed = await Self.session(
            [
                "r = n.rpc.compute.compute.call_async('sum', 5, 7, 'a@b')",
                "r.result()",
                "n.rpc.compute.compute.call_async('div', 1, 0, 'a@b').result()",
                "r.result(1)",
            ],
            backend: backend
        )
        #expect(
            printed == [
                "12", "RemoteError: ZeroDivisionError division by zero",
                "TypeError: result() takes no arguments (1 given)",
            ]
        )
    }

    @Test func dispatchEventConfigAndDisconnect() async {
        let backend = SeedBackend()
        let printed = await Self.session(
            [
                "n.dispatch_event('payments', 'payment_received', {'amount': 10})",
                "n.dispatch_event(service_name='x', event_type='y', event_data=None)",
                "n.dispatch_event('x')",
                "n.dispatch_event(1, 'y', None)",
                "n.config['RATE']",
                "n.config['AMQP_URI']",
                "n.disconnect()",
                "dir(n)",
            ],
            backend: backend
        )
        #expect(
            printed == [
                "TypeError: dispatch_event() missing 2 required positional arguments: 'event_type' and 'event_data'",
                "TypeError: dispatch_event() takes the service's name and the event type as str",
                "3", "'amqp://guest:**@127.0.0.1:5672/'", "['config', 'disconnect', 'dispatch_event', 'rpc']",
            ]
        )
        #expect(backend.events == [#"payments payment_received {"amount": 10}"#, "x y null"])
        #expect(backend.disconnects == 1)
    }

    @Test(
        arguments: [
            ("n.rpc.compute.compute('sum', 1", "SyntaxError: '(' was never closed"),
            ("n.rpc.compute.compute('sum', 1))", "SyntaxError: unmatched ')'"),
            ("'abc", "SyntaxError: unterminated string literal"),
            ("m.rpc.x()", "NameError: name 'm' is not defined"),
            ("n.rcp", "AttributeError: module 'n' has no attribute 'rcp'"),
            ("n.rpc.compute.compute(1, x=1, 2)", "SyntaxError: positional argument follows keyword argument"),
            ("n.rpc.nobody.method()", "UnknownService: Cannot connect to service nobody"),
            ("n.rpc.compute.compute('sum', 1, 2)", "RemoteError: TypeError compute() takes 4 arguments"),
            ("n.rpc.compute.compute(object=n)", "TypeError: Object of type module is not JSON serializable"),
            ("[1][5]", "IndexError: list index out of range"),
            ("{'a': 1}['b']", "KeyError: 'b'"),
            ("{[1]: 2}", "TypeError: unhashable type: 'list'"),
            ("3()", "TypeError: 'int' object is not callable"),
            ("import os", "SyntaxError: 'import' is not supported in the shell: write calls and literals"),
        ]
    )
    func aMistakePrintsOneLineAndTheSessionGoesOn(line: String, error: String) async {
        let printed = await Self.session([line, "n.rpc.greet_service.greet()"])
        #expect(printed == [error, "'Hello !'"])
    }

    @Test func printAndReprWriteAsPythonDoes() async {
        let printed = await Self.session(["print('a', 1, None, [\"b\"])", "repr('x')", "print(repr(2.0))"])
        #expect(printed == ["a 1 None ['b']", "\"'x'\"", "2.0"])
    }

    @Test func completionComesFromTheDiscoveryCall() async {
        let backend = SeedBackend()
        let shell = ShellInterpreter(backend: backend)
        #expect(await shell.completions(for: "n.") == ["n.config", "n.disconnect", "n.dispatch_event", "n.rpc"])
        #expect(await shell.completions(for: "n.d") == ["n.disconnect", "n.dispatch_event"])
        #expect(await shell.completions(for: "x = n.rpc.") == ["n.rpc.compute", "n.rpc.echo", "n.rpc.greet_service"])
        #expect(await shell.completions(for: "n.rpc.g") == ["n.rpc.greet_service"])
        // Event handlers are not RPC methods: only `compute` and `count` complete.
        #expect(
            await shell.completions(for: "print(n.rpc.compute.co") == ["n.rpc.compute.compute", "n.rpc.compute.count"]
        )
        #expect(await shell.completions(for: "n.rpc.compute.") == ["n.rpc.compute.compute", "n.rpc.compute.count"])
        #expect(backend.describes == 1, "a service's description is asked for once a session")
        // A service without the discovery call (a Python one) completes nothing, and still answers.
        #expect(await shell.completions(for: "n.rpc.python_service.") == [])
        #expect(await shell.run("n.rpc.python_service.anything()").text == "'anything'")
        #expect(await shell.completions(for: "n.rpc.compute.compute.") == ["n.rpc.compute.compute.call_async"])
        _ = await shell.run("reply = n.rpc.compute.compute.call_async('sum', 1, 2, 'a')")
        #expect(await shell.completions(for: "rep") == ["reply", "repr"])
        #expect(await shell.completions(for: "reply.") == ["reply.result"])
    }

    @Test func aCancelledCallIsAKeyboardInterruptAndTheSessionGoesOn() async throws {
        let shell = ShellInterpreter(backend: SeedBackend())
        let call = Task { await shell.run("n.rpc.slow.wait()") }
        try await Task.sleep(for: .milliseconds(100))
        call.cancel()
        #expect(await call.value.error?.description == "KeyboardInterrupt")
        #expect(await shell.run("n.rpc.greet_service.greet()").text == "'Hello !'")
    }
}

@Suite struct ShellHistoryTests {
    @Test func historyIsKeptBoundedAndReadBack() throws {
        let path = "/tmp/enoki-history-\(UInt64.random(in: 0...UInt64.max))"
        defer { unlink(path) }
        var history = ShellHistory(path: path, limit: 3)
        for line in ["a", "b", "b", "  ", "c", "d"] { history.add(line) }
        #expect(history.entries == ["b", "c", "d"])
        #expect(ShellHistory(path: path, limit: 3).entries == ["b", "c", "d"])
        #expect(ShellHistory(path: path, limit: 2).entries == ["c", "d"])
        #expect(ShellHistory(path: "/nonexistent/dir/history").entries == [])
    }
}
