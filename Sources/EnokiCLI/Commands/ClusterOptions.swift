//===----------------------------------------------------------------------===//
// This source file is part of Enoki. Licensed under Apache License v2.0.
//===----------------------------------------------------------------------===//

public import ArgumentParser
import EnokiAMQP
public import EnokiCore

/// The options that say where the broker and the configuration are.
public struct ClusterOptions: ParsableArguments {
    /// A YAML configuration file with Nameko's keys.
    @Option(name: .long, help: "A YAML config file with Nameko's keys (AMQP_URI, max_workers, …).")
    public var config: String?

    /// The broker, used when there is no config file.
    @Option(name: .long, help: "The broker's URI, used when there is no --config.")
    public var broker: String = "pyamqp://guest:guest@localhost"

    /// The default options.
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
