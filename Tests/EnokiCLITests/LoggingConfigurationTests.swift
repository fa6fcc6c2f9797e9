//===----------------------------------------------------------------------===//
// This source file is part of Enoki. Licensed under Apache License v2.0.
//===----------------------------------------------------------------------===//

import EnokiCore
import EnokiTesting
import Foundation
import Logging
import Testing

@testable import EnokiCLI

/// `LOGGING` as dictConfig's common cases, and the JSON format, without a broker.
@Suite struct LoggingConfigurationTests {
    @Test func aLoggersLevelIsTheNearestConfiguredOnItsDottedPath() throws {
        let config: EnokiConfig = [
            "LOGGING": [
                "version": 1,
                "root": ["level": "WARNING", "handlers": ["console"]],
                "loggers": [
                    "orders": ["level": "DEBUG"],
                    "orders.noisy": ["level": "ERROR"],
                    "orders.inherits": ["level": "NOTSET"],
                    "numbers": ["level": 40],
                ],
                "handlers": ["console": ["class": "logging.StreamHandler"]],
            ]
        ]
        let logging = try LoggingConfiguration(config: config)
        #expect(logging.level(for: "enoki") == .warning)
        #expect(logging.level(for: "orders") == .debug)
        #expect(logging.level(for: "orders.audit.db") == .debug)
        #expect(logging.level(for: "orders.noisy") == .error)
        #expect(logging.level(for: "orders.noisy.deeper") == .error)
        #expect(logging.level(for: "orders.inherits") == .debug)
        #expect(logging.level(for: "ordersx") == .warning, "a prefix that is not a dotted parent")
        #expect(logging.level(for: "numbers") == .error)
        #expect(logging.format == .text)
    }

    @Test func theShortFormsAndTheDefaults() throws {
        #expect(try LoggingConfiguration(config: EnokiConfig()) == LoggingConfiguration())
        #expect(try LoggingConfiguration(config: ["LOGGING": ["level": "debug"]]).rootLevel == .debug)
        #expect(try LoggingConfiguration(config: ["LOG_FORMAT": "JSON"]).format == .json)
    }

    @Test func whatPythonWouldRefuseIsRefusedSayingWhere() {
        #expect {
            try LoggingConfiguration(config: ["LOGGING": ["loggers": ["orders": ["level": "LOUD"]]]])
        } throws: { "\($0)".contains("orders") && "\($0)".contains("LOUD") }
        #expect(throws: ShellError.self) { try LoggingConfiguration(config: ["LOG_FORMAT": "xml"]) }
        #expect(throws: ShellError.self) { try LoggingConfiguration(config: ["LOGGING": "DEBUG"]) }
    }

    @Test func aJSONLineHasTheMessageLevelLoggerTimeAndMetadata() throws {
        let event = LogEvent(
            level: .warning,
            message: "a \"quoted\" line",
            metadata: nil,
            source: "test",
            file: #fileID,
            function: #function,
            line: #line
        )
        let line = MessageLogHandler.json(
            event: event,
            label: "orders",
            metadata: ["service": "orders", "call_id": "orders.place.1", "message": "not this"],
            now: 1_796_000_000.25
        )
        let parsed = try JSONParser.parse(line)
        #expect(parsed["message"] == "a \"quoted\" line")
        #expect(parsed["level"] == "warning")
        #expect(parsed["logger"] == "orders")
        #expect(parsed["service"] == "orders")
        #expect(parsed["call_id"] == "orders.place.1")
        #expect(parsed["time"] == "2026-11-30T00:53:20.250Z")
        #expect(!line.contains("\n"))
    }

    @Test func aServiceProcessLogsJSONAtTheLevelsTheConfigSets() async throws {
        try await TestCluster.withVirtualHost { _, uri in
            let file = FileManager.default.temporaryDirectory.appendingPathComponent(
                "enoki-log-\(UUID().uuidString).yaml"
            )
            try """
            AMQP_URI: '\(uri)'
            LOG_FORMAT: json
            LOGGING:
              version: 1
              root:
                level: ERROR
              loggers:
                enoki:
                  level: DEBUG
            """.write(to: file, atomically: true, encoding: .utf8)
            defer { try? FileManager.default.removeItem(at: file) }
            let (process, log) = try CommandLineTests.start(
                "enoki-examples",
                ["run", "service_y", "--config", file.path]
            )
            let output = try await CommandLineTests.waitFor("services started", in: log)
            kill(process.processIdentifier, SIGTERM)
            #expect(try await CommandLineTests.waitForExit(process) == 0)
            let lines = output.split(separator: "\n").filter { !$0.isEmpty }
            let parsed = try lines.map { try JSONParser.parse(String($0)) }
            #expect(parsed.allSatisfy { $0["logger"] != nil && $0["time"] != nil && $0["level"] != nil })
            // The enoki logger at DEBUG: the container's own debug line, with its service.
            let setup = try #require(parsed.first { $0["message"] == "setting up container" }, "\(output)")
            #expect(setup["level"] == "debug")
            #expect(setup["service"] == "service_y")
            #expect(parsed.contains { $0["message"]?.stringValue?.hasPrefix("services started") == true })
        }
    }
}
