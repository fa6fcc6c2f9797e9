//===----------------------------------------------------------------------===//
// This source file is part of Enoki. Licensed under Apache License v2.0.
//===----------------------------------------------------------------------===//

import ArgumentParser
import EnokiAMQP
import EnokiCore

/// `topology [SERVICE ...] [--config FILE] [--json]`: what the executable's services would declare on the broker
/// with a config, printed without connecting to one.
struct TopologyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "topology",
        abstract: "Prints the exchanges, queues and bindings the services would declare, without connecting.",
        discussion: """
                my-services topology --config config.yaml
                my-services topology compute --json

            Names made anew at each start (broadcast handlers' queues, reply queues) show <random> for that part.
            """
    )

    @Argument(help: "The services, by name; all of them when none is given.")
    var services: [String] = []

    @Flag(help: "Print the topology as JSON.")
    var json = false

    @OptionGroup var cluster: ClusterOptions

    func run() async throws {
        let known = ServiceCommandLine.services
        guard !known.isEmpty else { throw ServiceCommandLine.noServices("topology") }
        let chosen = try RunCommand.choose(self.services, from: known)
        let config = try self.cluster.load()
        let topologies = try ServiceTopology.of(chosen, config: config)
        if self.json {
            print(JSONWriter.string(Self.json(topologies)))
        } else {
            print(Self.text(topologies))
        }
    }

    /// `[{"service": name, "exchanges": […], "queues": […]}, …]`.
    static func json(_ topologies: [(service: String, topology: AMQPTopology)]) -> JSONValue {
        .array(
            topologies.map { entry in
                var object: JSONObject = ["service": .string(entry.service)]
                if case .object(let parts) = entry.topology.json {
                    for (key, value) in parts { object[key] = value }
                }
                return .object(object)
            }
        )
    }

    static func text(_ topologies: [(service: String, topology: AMQPTopology)]) -> String {
        topologies.map { entry in
            "service \(entry.service)\n"
                + entry.topology.text.split(separator: "\n").map { "  " + $0 }.joined(
                    separator: "\n"
                )
        }.joined(separator: "\n\n")
    }
}
