//===----------------------------------------------------------------------===//
// This source file is part of Enoki. Licensed under Apache License v2.0.
//===----------------------------------------------------------------------===//

import ArgumentParser
import EnokiAMQP
import EnokiCore

/// `describe SERVICE [--json]`: asks a running service what it offers (its discovery call).
struct DescribeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "describe",
        abstract:
            "Prints what a running Enoki service offers: its RPC methods, event handlers, timers, consumers, routes.",
        discussion: """
                enoki describe compute
                enoki describe compute --json

            The JSON is the service's answer as it came, with its health (live, ready, and each check) under
            "health". A Python Nameko service does not answer the discovery call: the command says so.
            """
    )

    @Argument(help: "The service's name.")
    var service: String

    @Flag(help: "Print the description as JSON.")
    var json = false

    @Option(help: "Seconds to wait for the answer.")
    var timeout: Double = 10

    @OptionGroup var cluster: ClusterOptions

    func run() async throws {
        let config = try self.cluster.load()
        let (service, timeout) = (self.service, self.timeout)
        let value: JSONValue
        do {
            value = try await CommandDeadline.within(timeout, grace: 1, config: config) {
                try await ClusterRPCClient.withClient(
                    config: config,
                    defaultTimeout: .milliseconds(Int64(timeout * 1000)),
                    logger: EnokiCommand.logger
                ) { rpc in
                    try await rpc.service(service).call(ServiceDescription.discoveryMethod)
                }
            }
        } catch let error as RemoteError where error.excType == "MethodNotFound" {
            throw ShellError(
                .error,
                "\(service) answers, but not the discovery call: it is not an Enoki service (a Python Nameko one?)"
            )
        }
        let description = try ServiceDescription(json: value)
        if self.json {
            // As the service answered, its health included: what a Python caller of the discovery call gets.
            print(JSONWriter.string(value))
        } else {
            print(Self.text(description))
        }
    }

    /// The description as lines a person reads.
    static func text(_ description: ServiceDescription) -> String {
        var lines = ["service \(description.service)"]
        for entrypoint in description.entrypoints {
            lines.append("  " + self.line(entrypoint))
        }
        if !description.dependencies.isEmpty {
            lines.append("  dependencies: " + description.dependencies.joined(separator: ", "))
        }
        return lines.joined(separator: "\n")
    }

    static func line(_ entrypoint: EntrypointDescription) -> String {
        let details = entrypoint.details
        switch entrypoint.kind {
        case "rpc":
            return "rpc \(entrypoint.method)(\(self.parameters(details["parameters"])))"
        case "http":
            let methods = details["http_methods"]?.arrayValue?.compactMap(\.stringValue).joined(separator: ",") ?? ""
            return
                "http \(methods) \(details["url"]?.stringValue ?? "") → \(entrypoint.method)(\(self.parameters(details["parameters"])))"
        case "event_handler":
            let source = details["source_service"]?.stringValue ?? "?"
            let type = details["event_type"]?.stringValue ?? "?"
            let handler = details["handler_type"]?.stringValue ?? "?"
            return "event_handler \(entrypoint.method)  \(source).\(type), \(handler)"
        case "timer":
            return "timer \(entrypoint.method)  every \(details["interval"].map(JSONWriter.string) ?? "?") s"
        case "consume":
            return "consume \(entrypoint.method)  queue \(details["queue"]?.stringValue ?? "?")"
        default:
            let rest = details.map { "\($0.key)=\(JSONWriter.string($0.value))" }.joined(separator: ", ")
            return "\(entrypoint.kind) \(entrypoint.method)" + (rest.isEmpty ? "" : "  \(rest)")
        }
    }

    static func parameters(_ value: JSONValue?) -> String {
        (value?.arrayValue ?? []).map { parameter in
            var text = parameter["name"]?.stringValue ?? "?"
            if let type = parameter["type"]?.stringValue { text += ": \(type)" }
            if let value = parameter["default"] {
                text += " = " + (value.stringValue ?? "…")
            }
            return text
        }.joined(separator: ", ")
    }
}
