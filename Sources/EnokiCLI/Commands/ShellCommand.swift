//===----------------------------------------------------------------------===//
// This source file is part of Enoki. Licensed under Apache License v2.0.
//===----------------------------------------------------------------------===//

import ArgumentParser
import EnokiAMQP
import EnokiAMQPClient
import EnokiCore

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// `shell [--broker URI] [--config FILE]`: Nameko's `nameko shell`, with `n.rpc`, `n.dispatch_event`, `n.config`
/// and `n.disconnect()`.
struct ShellCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "shell",
        abstract: "An interactive shell with n.rpc, as nameko shell has; lines piped in run one by one.",
        discussion: """
            At a terminal: line editing, history (~/.enoki_history), Tab completion of n., n.rpc. and the methods
            of Enoki services, Ctrl-C to cancel a call, Ctrl-D to leave.

                >>> n.rpc.greet_service.greet('Matt')
                'Hello, Matt!'
                >>> x = n.rpc.compute.compute.call_async('sum', 30, 10, email="name@email.com")
                >>> x.result()
                40

            Piped, it prints each result and stops at the first error with exit code 1:

                echo "n.rpc.greet_service.greet('Matt')" | enoki shell
            """
    )

    @OptionGroup var cluster: ClusterOptions

    @Option(help: "Seconds a call waits for its reply (0: for ever, as Nameko's shell).")
    var timeout: Double = 30

    func run() async throws {
        let config = try self.cluster.load()
        var banner = "Enoki \(EnokiVersion.current) shell on Linux\nBroker: "
        banner += (try? config.amqpConfiguration().redactedURL) ?? "(none)"
        if self.cluster.config != nil {
            banner += " (from --config)"
        }
        let backend = ClusterShellBackend(
            config: config,
            timeout: self.timeout > 0 ? .milliseconds(Int64(self.timeout * 1000)) : nil,
            logger: EnokiCommand.logger
        )
        let interpreter = ShellInterpreter(backend: backend)
        let status = await ShellSession.run(
            interpreter: interpreter,
            banner: banner,
            history: ShellHistory(path: ShellHistory.defaultPath)
        )
        await backend.disconnect()
        if status != 0 {
            throw ExitCode(status)
        }
    }
}
