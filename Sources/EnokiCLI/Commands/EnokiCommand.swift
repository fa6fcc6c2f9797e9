//===----------------------------------------------------------------------===//
// This source file is part of Enoki. Licensed under Apache License v2.0.
//===----------------------------------------------------------------------===//

public import ArgumentParser
import EnokiCore
import Logging

/// The one command tree of `enoki` and of every service executable (`enoki-examples`, yours): `run` and
/// `topology` work on the executable's own services; `shell`, `call`, `dispatch`, `request`, `describe`,
/// `services` and `show-config` work on any cluster.
///
/// Every command exits 0 on success, and otherwise non-zero with the reason on standard error.
public struct EnokiCommand: AsyncParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: CommandLine.arguments.first.map { String($0.split(separator: "/").last ?? "enoki") },
        abstract: "Runs Enoki services, and talks to clusters of Enoki and Nameko services.",
        discussion: """
            Examples:

                my-services run --config config.yaml        run this executable's services
                enoki shell --broker amqp://guest:guest@localhost
                enoki call greet_service.greet Matt
                enoki services                              the Enoki services running, and their instances
                enoki describe compute                      what the compute service offers
                my-services topology --json                 what the services would declare on the broker
            """,
        version: EnokiVersion.current,
        subcommands: [
            RunCommand.self, ShellCommand.self, CallCommand.self, DispatchCommand.self, RequestCommand.self,
            DescribeCommand.self, ServicesCommand.self, TopologyCommand.self, ShowConfigCommand.self,
        ]
    )

    /// Creates the command.
    public init() {}

    /// Where the commands say why they are still waiting: each failed attempt to reach the broker, on stderr.
    static let logger = Logger(label: "enoki") { MessageLogHandler(label: $0, level: .warning, showsMetadata: false) }
}
