//===----------------------------------------------------------------------===//
// This source file is part of Enoki. Licensed under Apache License v2.0.
//===----------------------------------------------------------------------===//

public import ArgumentParser
import EnokiCore

/// `show-config --config FILE [--show-secrets]`: prints the effective configuration, with environment variables
/// substituted, as YAML (Nameko's `nameko show-config`), with its secrets hidden.
///
/// Passwords in URIs are shown as `**` (`amqp://guest:**@host`), and so are the values of keys that name a secret
/// (`Secrets.isSecretKey(_:)`: `SMTP_PASSWORD`, `api_token`, …), unless `--show-secrets` is given.
public struct ShowConfigCommand: AsyncParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "show-config",
        abstract: "Prints the effective config, with environment variables substituted, as YAML.",
        discussion: """
                enoki show-config --config config.yaml
                AMQP_HOST=rabbit enoki show-config --config config.yaml --show-secrets

            Passwords in URIs and the values of keys that name a secret (PASSWORD, TOKEN, SECRET, KEY, …) are shown
            as ** unless --show-secrets is given.
            """
    )

    /// The YAML config file.
    @Option(name: .long, help: "The YAML config file.")
    public var config: String = "config.yaml"

    /// Whether secrets are shown as they are.
    @Flag(name: .long, help: "Show passwords and other secrets as they are.")
    public var showSecrets = false

    /// Creates the command with its defaults.
    public init() {}

    /// Prints the configuration.
    public func run() async throws {
        let config = try ConfigLoader.load(path: self.config)
        let values: JSONValue = .object(config.values)
        print(YAMLWriter.write(self.showSecrets ? values : Secrets.redacting(values)), terminator: "")
    }
}
