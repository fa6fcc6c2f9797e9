//===----------------------------------------------------------------------===//
// This source file is part of Enoki. Licensed under Apache License v2.0.
//===----------------------------------------------------------------------===//

public import ArgumentParser
import EnokiAMQP
public import EnokiCore
import Logging
import ServiceLifecycle
import UnixSignals

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The command line of a service executable: its `main` hands its service types over and gets
/// `run [SERVICE ...] [--config FILE] [--broker URI]` and `show-config [--config FILE]`.
///
/// ```swift
/// @main
/// struct Main {
///     static func main() async {
///         await ServiceCommandLine.main(services: [GreetService.self, ServiceA.self, ServiceB.self])
///     }
/// }
/// ```
public enum ServiceCommandLine {
    nonisolated(unsafe) static var services: [any ServiceDefinition.Type] = []

    /// Parses the command line and runs the command.
    public static func main(services: [any ServiceDefinition.Type], arguments: [String]? = nil) async {
        self.services = services
        await ServiceCommand.main(arguments)
    }
}

/// The options that say where the broker and the configuration are.
public struct ClusterOptions: ParsableArguments {
    /// A YAML configuration file with Nameko's keys.
    @Option(name: .long, help: "A YAML config file with Nameko's keys (AMQP_URI, max_workers, …).")
    public var config: String?

    /// The broker, used when there is no config file.
    @Option(name: .long, help: "The broker's URI, used when there is no --config.")
    public var broker: String = "pyamqp://guest:guest@localhost"

    public init() {}

    /// The effective configuration: the file's (where `--broker` is ignored, as in Nameko), or `AMQP_URI` from
    /// `--broker`.
    public func load() throws -> EnokiConfig {
        if let path = self.config {
            return try ConfigLoader.load(path: path)
        }
        return EnokiConfig(amqpURI: self.broker)
    }
}

struct ServiceCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: CommandLine.arguments.first.map { String($0.split(separator: "/").last ?? "enoki") },
        abstract: "Runs Enoki services.",
        subcommands: [Run.self, ShowConfigCommand.self],
        defaultSubcommand: Run.self
    )
}

extension ServiceCommand {
    struct Run: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Runs services until SIGTERM or SIGINT (a second signal kills them)."
        )

        @Argument(help: "The services to run, by name; all of them when none is given.")
        var services: [String] = []

        @OptionGroup var cluster: ClusterOptions

        func run() async throws {
            let known = ServiceCommandLine.services
            var chosen: [any ServiceDefinition.Type] = []
            let names = known.map(serviceName(of:))
            for name in self.services {
                guard let index = names.firstIndex(of: name) else {
                    throw ValidationError(
                        "no service named '\(name)'; this executable has: \(names.joined(separator: ", "))"
                    )
                }
                chosen.append(known[index])
            }
            if chosen.isEmpty {
                chosen = known
            }
            let config = try self.cluster.load()
            let logger = Self.makeLogger(config)
            if self.cluster.config != nil, CommandLine.arguments.contains("--broker") {
                logger.warning("--broker is ignored: the broker comes from AMQP_URI in the config file")
            }
            let runner = try ServiceRunner(services: chosen, config: config, logger: logger)
            try await Self.run(runner, logger: logger)
        }

        /// Runs until SIGTERM or SIGINT (a graceful stop, which kills after `GRACEFUL_STOP_TIMEOUT`), and kills on a
        /// second signal of either kind, as `nameko run` does on a second SIGINT.
        static func run(_ runner: ServiceRunner, logger: Logger) async throws {
            var groupLogger = logger
            groupLogger.logLevel = .warning
            let group = ServiceGroup(
                configuration: .init(services: [.init(service: runner)], logger: groupLogger)
            )
            // Trap the signals before anything starts: a SIGTERM during start-up (while waiting for the broker, say)
            // is a graceful stop too, not the default action that ends the process at once.
            let signals = await UnixSignalsSequence(trapping: .sigterm, .sigint)
            try await withThrowingTaskGroup(of: Void.self) { tasks in
                tasks.addTask {
                    try await group.run()
                }
                tasks.addTask {
                    var received = 0
                    for await _ in signals {
                        received += 1
                        if received >= 2 {
                            // A second signal (SIGINT or SIGTERM) kills: cancel the group; the runner kills its
                            // containers.
                            logger.warning("second signal: killing the services")
                            throw CancellationError()
                        }
                        await group.triggerGracefulShutdown()
                    }
                }
                // The group ends after a graceful stop; then stop listening for signals.
                do {
                    try await tasks.next()
                } catch is CancellationError {
                    // Killed by a second Ctrl-C: the runner has killed its containers; exit quietly, as Nameko does.
                }
                tasks.cancelAll()
            }
        }

        static func makeLogger(_ config: EnokiConfig) -> Logger {
            var level = Logger.Level.info
            if let root = config.logging?["root"]?["level"]?.stringValue ?? config.logging?["level"]?.stringValue {
                switch root.uppercased() {
                case "DEBUG": level = .debug
                case "WARNING", "WARN": level = .warning
                case "ERROR": level = .error
                case "CRITICAL": level = .critical
                default: level = .info
                }
            }
            return Logger(label: "enoki") { label in MessageLogHandler(label: label, level: level) }
        }
    }
}

/// The name of a service type.
public func serviceName(of type: any ServiceDefinition.Type) -> String {
    func open<S: ServiceDefinition>(_ type: S.Type) -> String { S.serviceName }
    return open(type)
}
