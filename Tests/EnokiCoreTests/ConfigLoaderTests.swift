//===----------------------------------------------------------------------===//
// This source file is part of Enoki. Licensed under Apache License v2.0.
//===----------------------------------------------------------------------===//

import EnokiCore
import Testing

/// The substitution rules observed with `nameko show-config` (nameko-wire §10.2).
@Suite struct ConfigLoaderTests {
    static let environment = [
        "NKS_SET": "hello", "NKS_PORT": "1234", "NKS_YAMLY": "[a, b]", "NKS_NUM": "007", "NKS_EMPTY": "",
        "NKS_X": "${NKS_SET}",
    ]

    func load(_ line: String) throws -> JSONValue? {
        try ConfigLoader.load(yaml: "x: " + line, environment: Self.environment)["x"]
    }

    @Test(arguments: [
        ("${NKS_UNSET:fallback}", JSONValue.string("fallback")),
        ("${NKS_SET:fallback}", .string("hello")),
        ("${NKS_UNSET:8000}", .int(8000)),
        ("${NKS_UNSET:true}", .bool(true)),
        ("${NKS_UNSET}", .null),
        ("${NKS_UNSET:}", .null),
        ("${NKS_HOST:localhost}:${NKS_PORT:5672}", .string("localhost:1234")),
        ("${NKS_UNSET:amqp://guest:guest@localhost:5672/}", .string("amqp://guest:guest@localhost:5672/")),
        ("prefix-${NKS_SET}-suffix", .string("prefix-hello-suffix")),
        (#""${NKS_SET:fallback}""#, .string("${NKS_SET:fallback}")),
        ("'${NKS_SET:fallback}'", .string("${NKS_SET:fallback}")),
        (#"!env_var "${NKS_SET:fallback}""#, .string("hello")),
        (#"!raw_env_var "${NKS_UNSET:8000}""#, .string("8000")),
        ("${NKS_UNSET:[1, 2]}", .array([1, 2])),
        ("${NKS_YAMLY}", .array(["a", "b"])),
        ("${NKS_NUM}", .int(7)),
        ("${NKS_EMPTY:default}", .null),
        ("!env_var ${NKS_UNSET:yes}", .bool(true)),
        ("!raw_env_var ${NKS_UNSET:yes}", .string("yes")),
        ("${NKS_UNSET:a:b}", .string("a:b")),
        ("${NKS_UNSET:1.5}", .double(1.5)),
        ("${ NKS_SET}", .string("${ NKS_SET}")),
        ("$NKS_SET", .string("$NKS_SET")),
        ("${NKS_X}", .string("hello")),
        ("!raw_env_var ${NKS_X}", .string("${NKS_SET}")),
        // Python needs the `regex` module for nested defaults; Enoki expands them always.
        ("${NKS_UNSET:${NKS_UNSET2:inner}}", .string("inner")),
        ("${NKS_UNSET:${NKS_SET:inner}}", .string("hello")),
        ("${NKS_UNSET:pre-${NKS_SET}-post}", .string("pre-hello-post")),
    ])
    func substitution(line: String, expected: JSONValue) throws {
        #expect(try self.load(line) == expected)
    }

    @Test func namekoKeysAndTypedAccess() throws {
        let config = try ConfigLoader.load(
            yaml: """
                AMQP_URI: ${AMQP_URI:amqp://guest:guest@127.0.0.1}
                max_workers: 4
                parent_calls_tracked: 3
                rpc_exchange: custom-rpc
                HEARTBEAT: 30
                WEB_SERVER_ADDRESS: '0.0.0.0:8000'
                LOGGING:
                  version: 1
                  root:
                    level: DEBUG
                shop:
                  currency: EUR
                  limits: [1, 2, 3]
                """,
            environment: [:]
        )
        #expect(config.maxWorkers == 4)
        #expect(config["rpc_exchange"] == "custom-rpc")
        #expect(config.parentCallsTracked == 3)
        #expect(config.logging?["root"]?["level"] == "DEBUG")
        struct Shop: Decodable, Equatable {
            var currency: String
            var limits: [Int]
        }
        #expect(try config.value("shop", as: Shop.self) == Shop(currency: "EUR", limits: [1, 2, 3]))
        #expect(try config.value("missing", as: Int.self) == nil)
        let error = #expect(throws: EnokiError.self) { try config.value("shop", as: Int.self) }
        #expect(error?.message == "config key shop must be int, not dict")
    }

    @Test func defaults() {
        let config = EnokiConfig()
        #expect(config.maxWorkers == 10)
        #expect(config.parentCallsTracked == 10)
        #expect(EnokiConfig(["max_workers": 0]).maxWorkers == 10)
        #expect(EnokiConfig(["max_workers": .null]).maxWorkers == 10)
    }

    @Test func badFilesAreClearErrors() {
        #expect(throws: EnokiError.self) { try ConfigLoader.load(yaml: "a: [1, 2", environment: [:]) }
        #expect(throws: EnokiError.self) { try ConfigLoader.load(yaml: "- just\n- a list", environment: [:]) }
        #expect(throws: EnokiError.self) { try ConfigLoader.load(path: "/nonexistent/config.yaml") }
    }

    @Test func showConfigPrintsSortedBlockYAML() throws {
        let config = try ConfigLoader.load(yaml: "b: [1, x]\na: {z: true, y: '8000'}\nc: null\n", environment: [:])
        #expect(YAMLWriter.write(.object(config.values)) == "a:\n  y: '8000'\n  z: true\nb:\n- 1\n- x\nc: null\n")
    }
}
