//===----------------------------------------------------------------------===//
// This source file is part of Enoki. Licensed under Apache License v2.0.
//===----------------------------------------------------------------------===//

import ArgumentParser
import Enoki
import FoundationEssentials
import Logging
import Synchronization

/// `enoki`: talks to a running cluster of Enoki and Nameko services.
@main
struct EnokiTool: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "enoki",
        abstract: "Calls services, dispatches events and shows config, for clusters of Enoki and Nameko services.",
        subcommands: [Call.self, Dispatch.self, Request.self, ShowConfigCommand.self]
    )

    /// Where the commands say why they are still waiting: each failed attempt to reach the broker, on stderr.
    static let logger = Logger(label: "enoki") { MessageLogHandler(label: $0, level: .warning, showsMetadata: false) }

    /// Runs `body`, and fails after `seconds` when it has not finished: the broker may be down, and the clients
    /// wait for it, saying so on stderr at each attempt. The command ends then, without waiting for `body`.
    ///
    /// - Parameter grace: Added to the wait, so that a call's own timeout (which names the call) comes first.
    static func within<Result: Sendable>(
        _ seconds: Double,
        grace: Double = 0,
        config: EnokiConfig,
        _ body: @escaping @Sendable () async throws -> Result
    ) async throws -> Result {
        let broker = (try? config.amqpConfiguration().redactedURL) ?? "the broker"
        let timeout = EnokiError(.timeout, "nothing done within \(seconds) seconds: is \(broker) up?")
        return try await withCheckedThrowingContinuation { continuation in
            let pending = Mutex(true)
            let finish = { @Sendable (result: Swift.Result<Result, any Error>) in
                let first = pending.withLock { pending in
                    defer { pending = false }
                    return pending
                }
                if first {
                    continuation.resume(with: result)
                }
            }
            Task {
                do {
                    finish(.success(try await body()))
                } catch {
                    finish(.failure(error))
                }
            }
            Task {
                try? await Task.sleep(for: .milliseconds(Int64((seconds + grace) * 1000)))
                finish(.failure(timeout))
            }
        }
    }
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
            let timeout = self.timeout
            let result = try await EnokiTool.within(timeout, grace: 1, config: config) { [data, keywords] in
                try await ClusterRPCClient.withClient(
                    config: config,
                    contextData: data,
                    defaultTimeout: .milliseconds(Int64(timeout * 1000)),
                    logger: EnokiTool.logger
                ) { rpc in
                    try await rpc.service(service).call(method, args: args, kwargs: keywords)
                }
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

        @Option(help: "Seconds to wait for the broker's confirm.")
        var timeout: Double = 30

        @OptionGroup var cluster: ClusterOptions

        func run() async throws {
            let config = try self.cluster.load()
            let (service, eventType, payload) = (self.service, self.eventType, Call.parseArgument(self.payload))
            try await EnokiTool.within(self.timeout, config: config) {
                let events = try ClusterEventDispatcher(config: config, logger: EnokiTool.logger)
                do {
                    try await events.dispatch(service, eventType, json: payload)
                    await events.close()
                } catch {
                    await events.close()
                    throw error
                }
            }
            print("dispatched \(service).\(eventType)")
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
            let config = try self.cluster.load()
            let (queue, body, json, timeout) = (self.queue, self.body, self.json, self.timeout)
            let answer = try await EnokiTool.within(timeout, grace: 1, config: config) {
                let client = try QueueRPCClient(
                    config: config,
                    defaultTimeout: .milliseconds(Int64(timeout * 1000)),
                    logger: EnokiTool.logger
                )
                do {
                    let answer =
                        json
                        ? JSONWriter.string(try await client.call(queue, json: Call.parseArgument(body)))
                        : try await client.call(queue, body)
                    await client.close()
                    return answer
                } catch {
                    await client.close()
                    throw error
                }
            }
            print(answer)
        }
    }
}
