//===----------------------------------------------------------------------===//
// This source file is part of Enoki. Licensed under Apache License v2.0.
//===----------------------------------------------------------------------===//

import ArgumentParser
import EnokiAMQP
import EnokiCore

/// `dispatch SERVICE EVENT_TYPE [PAYLOAD]`: dispatches an event in the name of a service.
struct DispatchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "dispatch",
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
        let (service, eventType, payload) = (self.service, self.eventType, CallCommand.parseArgument(self.payload))
        try await CommandDeadline.within(self.timeout, config: config) {
            let events = try ClusterEventDispatcher(config: config, logger: EnokiCommand.logger)
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
