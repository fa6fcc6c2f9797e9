//===----------------------------------------------------------------------===//
// This source file is part of Enoki. Licensed under Apache License v2.0.
//===----------------------------------------------------------------------===//

import ArgumentParser
import Enoki
import FoundationEssentials

/// `enoki`: talks to a running cluster of Enoki and Nameko services.
@main
struct EnokiTool: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "enoki",
        abstract: "Calls services, dispatches events and shows config, for clusters of Enoki and Nameko services.",
        subcommands: [Call.self, Dispatch.self, Request.self, ShowConfig.self]
    )
}

extension EnokiTool {
    struct Call: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Calls a method once and prints its result as JSON.",
            discussion: """
                Arguments are JSON values; one that is not valid JSON is taken as a string:

                    enoki call service_x.remote_method hellø
                    enoki call service_y.append_identifier '"x"' --kwargs '{"suffix": "z"}'
                """
        )

        @Argument(help: "The method, as service.method.")
        var target: String

        @Argument(help: "Positional arguments, as JSON (or bare strings).")
        var arguments: [String] = []

        @Option(help: "Keyword arguments, as a JSON object.")
        var kwargs: String?

        @Option(name: .customLong("context"), help: "Context data sent with the call, as key=value (repeatable).")
        var context: [String] = []

        @Option(help: "Seconds to wait for the reply.")
        var timeout: Double = 30

        @OptionGroup var cluster: ClusterOptions

        func run() async throws {
            guard let dot = self.target.firstIndex(of: "."), dot != self.target.startIndex else {
                throw ValidationError("the target must be service.method, not '\(self.target)'")
            }
            let service = String(self.target[..<dot])
            let method = String(self.target[self.target.index(after: dot)...])
            let args = self.arguments.map(Self.parseArgument)
            var keywords = JSONObject()
            if let kwargs = self.kwargs {
                guard case .object(let object) = try JSONParser.parse(kwargs) else {
                    throw ValidationError("--kwargs must be a JSON object")
                }
                keywords = object
            }
            var data = JSONObject()
            for pair in self.context {
                let parts = pair.split(separator: "=", maxSplits: 1).map(String.init)
                guard parts.count == 2 else { throw ValidationError("--context takes key=value, not '\(pair)'") }
                data[parts[0]] = Self.parseArgument(parts[1])
            }
            let config = try self.cluster.load()
            let result = try await ClusterRPCClient.withClient(
                config: config,
                contextData: data,
                defaultTimeout: .milliseconds(Int64(self.timeout * 1000))
            ) { rpc in
                try await rpc.service(service).call(method, args: args, kwargs: keywords)
            }
            print(JSONWriter.string(result))
        }

        static func parseArgument(_ text: String) -> JSONValue {
            (try? JSONParser.parse(text)) ?? .string(text)
        }
    }

    struct Dispatch: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Dispatches an event in the name of a service, as Nameko's shell does with n.dispatch_event.",
            discussion: """
                The payload is a JSON value; one that is not valid JSON is taken as a string:

                    enoki dispatch monitor ping '{"from": "shell"}'

                As Nameko's standalone dispatcher, it does not declare the service's events exchange: the event
                fails to go out when no service has ever dispatched or handled events of that service.
                """
        )

        @Argument(help: "The service the event comes from.")
        var service: String

        @Argument(help: "The event type.")
        var eventType: String

        @Argument(help: "The payload, as JSON (or a bare string).")
        var payload: String = "null"

        @OptionGroup var cluster: ClusterOptions

        func run() async throws {
            let events = try ClusterEventDispatcher(config: try self.cluster.load())
            do {
                try await events.dispatch(self.service, self.eventType, json: Call.parseArgument(self.payload))
                await events.close()
            } catch {
                await events.close()
                throw error
            }
            print("dispatched \(self.service).\(self.eventType)")
        }
    }

    struct Request: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Sends a message to a queue and prints the reply (RabbitMQ's RPC pattern, not Nameko's).",
            discussion: """
                The body goes to the queue through the default exchange, with reply_to naming an exclusive
                callback queue and a fresh correlation_id, as the pattern's clients send it:

                    enoki request rpc_queue 'Hello RPC!'
                """
        )

        @Argument(help: "The queue the server consumes.")
        var queue: String

        @Argument(help: "The body, sent as raw text.")
        var body: String

        @Flag(help: "Send the body as JSON (application/json) and print the reply as JSON.")
        var json = false

        @Option(help: "Seconds to wait for the reply.")
        var timeout: Double = 30

        @OptionGroup var cluster: ClusterOptions

        func run() async throws {
            let client = try QueueRPCClient(
                config: try self.cluster.load(),
                defaultTimeout: .milliseconds(Int64(self.timeout * 1000))
            )
            do {
                if self.json {
                    let reply = try await client.call(self.queue, json: Call.parseArgument(self.body))
                    print(JSONWriter.string(reply))
                } else {
                    print(try await client.call(self.queue, self.body))
                }
                await client.close()
            } catch {
                await client.close()
                throw error
            }
        }
    }

    struct ShowConfig: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "show-config",
            abstract: "Prints the effective config, with environment variables substituted, as YAML."
        )

        @Option(help: "The YAML config file.")
        var config: String = "config.yaml"

        func run() async throws {
            let config = try ConfigLoader.load(path: self.config)
            print(YAMLWriter.write(.object(config.values)), terminator: "")
        }
    }
}
