//===----------------------------------------------------------------------===//
// This source file is part of Enoki. Licensed under Apache License v2.0.
//===----------------------------------------------------------------------===//

import ArgumentParser
import Enoki
import Foundation
import Testing

@testable import EnokiCLI

/// A service with one entrypoint of each AMQP kind and two dependencies, for what `describe` and `topology`
/// print of it.
@Service("orders")
struct OrdersService {
    @RPCProxy("stock") var stock: ServiceProxy
    @Dependency(EventDispatcher()) var dispatch: EventDispatch

    @RPC func place(_ item: String, quantity: Int = 1, note: String? = nil) -> String { item }

    @EventHandler("payments", "paid", handlerType: .singleton)
    func paid(_ payload: JSONValue) {}

    @Timer(interval: 2.5)
    func sweep() {}
}

/// The command tree, in process: help, versions, error lines, and what `describe` and `topology` print.
@Suite struct CommandTreeTests {
    /// The subcommands of `enoki`, by name.
    static let subcommands = EnokiCommand.configuration.subcommands

    @Test(arguments: Self.subcommands.map { $0.configuration.commandName ?? "" })
    func everyCommandsHelpHasAnExample(_ name: String) throws {
        let command = try #require(Self.subcommands.first { $0.configuration.commandName == name })
        let help = EnokiCommand.helpMessage(for: command)
        let examples = help.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }.filter {
            $0.hasPrefix("enoki \(name)") || $0.hasPrefix("my-services \(name)")
                || $0.contains("| enoki \(name)")
        }
        #expect(!examples.isEmpty, "no example in the help of \(name):\n\(help)")
        #expect(help.contains("--version"))
    }

    @Test(arguments: [[], ["describe"], ["topology"], ["shell"]])
    func versionIsTheFrameworksVersion(_ path: [String]) {
        do {
            _ = try EnokiCommand.parseAsRoot(path + ["--version"])
            Issue.record("--version parsed as a command")
        } catch {
            #expect(EnokiCommand.message(for: error) == EnokiVersion.current)
            #expect(EnokiCommand.exitCode(for: error) == .success)
        }
    }

    @Test func aFailedCommandSaysErrorOnce() {
        let failure = ShellError(.error, "py_echo answers, but not the discovery call")
        #expect(EnokiCommand.fullMessage(for: failure) == "Error: py_echo answers, but not the discovery call")
        #expect(EnokiCommand.exitCode(for: failure) != .success)
        // The shell prints the same error with its kind, as a traceback's last line.
        #expect(failure.description == "Error: py_echo answers, but not the discovery call")
        let unknown = ShellError(.unknownService, "no_such")
        #expect(EnokiCommand.fullMessage(for: unknown) == "Error: UnknownService: no_such")
    }

    @Test func describePrintsEachEntrypointAsAPersonReadsIt() throws {
        let description = try ServiceDeclaration<OrdersService>.make().description
        // What a caller of the discovery call receives, read back: the round trip loses nothing.
        #expect(try ServiceDescription(json: description.json) == description)
        #expect(
            DescribeCommand.text(description)
                == """
                service orders
                  rpc place(item: String, quantity: Int = 1, note: String? = nil)
                  event_handler paid  payments.paid, singleton
                  timer sweep  every 2.5 s
                  dependencies: stock, dispatch
                """
        )
    }

    @Test func topologyNeedsNoBrokerAndHonoursTheConfig() throws {
        let config = EnokiConfig(["AMQP_URI": "amqp://guest:secret@nowhere:1/", "rpc_exchange": "my-rpc"])
        let topologies = try ServiceTopology.of([OrdersService.self], config: config)
        let text = TopologyCommand.text(topologies)
        #expect(text.hasPrefix("service orders\n"))
        #expect(text.contains("  exchange my-rpc  topic, durable\n"))
        #expect(text.contains("  exchange payments.events  topic, durable\n"))
        #expect(text.contains("  exchange orders.events  topic, durable\n"))
        #expect(text.contains("  queue rpc-orders  durable\n    bound to my-rpc with orders.*\n"))
        #expect(text.contains("  queue evt-payments-paid  durable\n    bound to payments.events with paid\n"))
        #expect(text.contains("  queue rpc.reply-orders-<random>  durable, x-expires=300000\n"))
        #expect(!text.contains("secret"))

        let json = TopologyCommand.json(topologies)
        let queues = json.arrayValue?.first?["queues"]?.arrayValue ?? []
        let singleton = queues.first { $0["name"]?.stringValue == "evt-payments-paid" }
        #expect(singleton?["durable"]?.boolValue == true)
        #expect(singleton?["exclusive"]?.boolValue == false)
        #expect(singleton?["bindings"]?.arrayValue?.first?["exchange"]?.stringValue == "payments.events")
        #expect(singleton?["bindings"]?.arrayValue?.first?["routing_key"]?.stringValue == "paid")
    }
}
