//===----------------------------------------------------------------------===//
// This source file is part of Enoki. Licensed under Apache License v2.0.
//===----------------------------------------------------------------------===//

import ArgumentParser
import EnokiAMQP
import EnokiCore

/// `services [--json] [--wait SECONDS]`: the Enoki services running on the cluster, with the number of instances
/// of each that answered the discovery broadcast.
struct ServicesCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "services",
        abstract: "Lists the Enoki services running on the cluster and how many instances of each answer.",
        discussion: """
                enoki services
                enoki services --json --wait 2

            Python Nameko services do not answer the discovery broadcast and are not listed.
            """
    )

    @Flag(help: "Print the list as JSON.")
    var json = false

    @Option(help: "Seconds to gather answers.")
    var wait: Double = 1

    @OptionGroup var cluster: ClusterOptions

    func run() async throws {
        let config = try self.cluster.load()
        let wait = self.wait
        let listing = try await CommandDeadline.within(wait + 10, config: config) {
            try await ServiceDirectory.list(config: config, wait: .milliseconds(Int64(wait * 1000)))
        }
        if self.json {
            let services = listing.services.map { entry -> JSONValue in
                .object([
                    "service": .string(entry.description.service),
                    "instances": .int(entry.instances),
                    "rpc_methods": .array(entry.description.rpcMethods.map(JSONValue.string)),
                ])
            }
            print(JSONWriter.string(.array(services)))
            return
        }
        if listing.services.isEmpty {
            print("no Enoki service answered within \(wait) s")
            return
        }
        let width = listing.services.map(\.description.service.count).max() ?? 0
        for entry in listing.services {
            let name = entry.description.service
            let padding = String(repeating: " ", count: width - name.count)
            print("\(name)\(padding)  \(entry.instances) instance\(entry.instances == 1 ? "" : "s")")
        }
    }
}
