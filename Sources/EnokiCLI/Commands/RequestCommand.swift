//===----------------------------------------------------------------------===//
// This source file is part of Enoki. Licensed under Apache License v2.0.
//===----------------------------------------------------------------------===//

import ArgumentParser
import EnokiAMQP
import EnokiCore

/// `request QUEUE BODY`: RabbitMQ's RPC pattern, not Nameko's: sends to a queue and prints the reply.
struct RequestCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "request",
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
        let answer = try await CommandDeadline.within(timeout, grace: 1, config: config) {
            let client = try QueueRPCClient(
                config: config,
                defaultTimeout: .milliseconds(Int64(timeout * 1000)),
                logger: EnokiCommand.logger
            )
            do {
                let answer =
                    json
                    ? JSONWriter.string(try await client.call(queue, json: CallCommand.parseArgument(body)))
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
