//===----------------------------------------------------------------------===//
// This source file is part of Enoki. Licensed under Apache License v2.0.
//===----------------------------------------------------------------------===//

import EnokiCore
import EnokiTestSupport
import EnokiTesting
import Foundation
import Testing

/// `enoki services`, `enoki describe` and `enoki-examples topology`, checked against what the services really
/// answer and declare on the broker (`rabbitmqctl list_queues`, `list_bindings`, `list_exchanges`).
@Suite(.timeLimit(.minutes(4))) struct DiscoveryAndTopologyTests {
    /// Runs one of the built executables to its end.
    static func command(_ executable: String, _ arguments: [String]) async throws -> ChildProcess.Outcome {
        try await ChildProcess.run([TestBinaries.path(executable)] + arguments)
    }

    /// The rows of a `rabbitmqctl list_… -p VHOST COLUMN …` listing, split at tabs, without its header lines.
    static func rows(_ arguments: [String]) async throws -> [[String]] {
        let columns = Array(arguments.dropFirst(3))
        let listing = try await Broker.ctl(arguments)
        return listing.split(separator: "\n").map {
            $0.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
        }.filter { $0.count == columns.count && $0 != columns }
    }

    /// Whether a name the topology prints (`<random>` for the part made anew at each start) matches a real one.
    static func matches(_ predicted: String, _ actual: String) -> Bool {
        guard let random = predicted.range(of: "<random>") else { return predicted == actual }
        let prefix = predicted[..<random.lowerBound]
        let suffix = predicted[random.upperBound...]
        return actual.hasPrefix(prefix) && actual.hasSuffix(suffix) && actual.count > prefix.count + suffix.count
    }

    @Test func theTopologyIsWhatTheServicesDeclare() async throws {
        // Every seed service that speaks AMQP: RPC, events of the three handler types, a timer, a raw consumer,
        // RPC proxies, dispatchers and mail.
        let names = [
            "greet_service", "serviceA", "serviceB", "service_x", "service_y", "service_a", "service_b", "listener",
            "service", "rpc_server", "mail", "compute",
        ]
        let printed = try await Self.command("enoki-examples", ["topology", "--json"] + names)
        #expect(printed.status == 0, "\(printed.errors)")
        guard case .array(let services) = try JSONParser.parse(printed.output) else {
            Issue.record("topology --json printed no array: \(printed.output)")
            return
        }
        #expect(services.map { $0["service"]?.stringValue ?? "" } == names)

        try await withPeers { peers, vhost, uri in
            _ = try await peers.examples(uri: uri, names: names)
            let queues = try await Self.rows(
                ["list_queues", "-p", vhost, "name", "durable", "auto_delete", "exclusive", "arguments"]
            )
            let bindings = try await Self.rows(
                ["list_bindings", "-p", vhost, "source_name", "destination_name", "routing_key"]
            ).filter { !$0[0].isEmpty }  // the default exchange's bindings are implicit
            let exchanges = try await Self.rows(
                ["list_exchanges", "-p", vhost, "name", "type", "durable", "auto_delete"]
            ).filter { !$0[0].isEmpty && !$0[0].hasPrefix("amq.") }

            var predictedQueues: [JSONValue] = []
            var predictedExchanges: [String: JSONValue] = [:]
            for service in services {
                predictedQueues += service["queues"]?.arrayValue ?? []
                for exchange in service["exchanges"]?.arrayValue ?? [] {
                    predictedExchanges[exchange["name"]?.stringValue ?? ""] = exchange
                }
            }

            // Each exchange predicted is there, of its type and durability; no other one is.
            for (name, predicted) in predictedExchanges {
                let row = exchanges.first { $0[0] == name }
                #expect(row != nil, "exchange \(name) was predicted but not declared")
                guard let row else { continue }
                #expect(row[1] == predicted["type"]?.stringValue, "exchange \(name): \(row)")
                #expect(row[2] == String(predicted["durable"]?.boolValue ?? false), "exchange \(name): \(row)")
                #expect(row[3] == String(predicted["auto_delete"]?.boolValue ?? false), "exchange \(name): \(row)")
            }
            #expect(Set(exchanges.map { $0[0] }) == Set(predictedExchanges.keys))

            // Each queue predicted is there once, with its flags, arguments and bindings; no other one is.
            var matched: Set<String> = []
            for predicted in predictedQueues {
                let name = predicted["name"]?.stringValue ?? ""
                let candidates = queues.filter { Self.matches(name, $0[0]) && !matched.contains($0[0]) }
                #expect(candidates.count >= 1, "queue \(name) was predicted but not declared")
                guard let row = candidates.first else { continue }
                matched.insert(row[0])
                let exclusive = predicted["exclusive"]?.boolValue ?? false
                // RabbitMQ reports an exclusive queue as not durable, whatever its declaration said.
                let durable = (predicted["durable"]?.boolValue ?? false) && !exclusive
                #expect(row[1] == String(durable), "queue \(name): \(row)")
                #expect(row[2] == String(predicted["auto_delete"]?.boolValue ?? false), "queue \(name): \(row)")
                #expect(row[3] == String(exclusive), "queue \(name): \(row)")
                if let expires = predicted["arguments"]?["x-expires"]?.intValue {
                    #expect(row[4] == "[{\"x-expires\",\(expires)}]", "queue \(name): \(row)")
                } else {
                    #expect(row[4] == "[]", "queue \(name): \(row)")
                }
                let declared = bindings.filter { $0[1] == row[0] }
                let expected = predicted["bindings"]?.arrayValue ?? []
                #expect(declared.count == expected.count, "queue \(name): bound \(declared), predicted \(expected)")
                for binding in expected {
                    let exchange = binding["exchange"]?.stringValue ?? ""
                    let key = binding["routing_key"]?.stringValue ?? ""
                    #expect(
                        declared.contains { $0[0] == exchange && Self.matches(key, $0[2]) },
                        "queue \(name): no binding from \(exchange) with \(key) in \(declared)"
                    )
                }
            }
            #expect(matched.count >= names.count, "only \(matched.count) queues for \(names.count) services")
            #expect(Set(queues.map { $0[0] }) == matched, "declared but not predicted: \(queues.map { $0[0] })")
        }
    }

    @Test func topologyWithoutABrokerAsText() async throws {
        // No broker at this address: the topology needs none.
        let printed = try await Self.command(
            "enoki-examples",
            ["topology", "compute", "listener", "--broker", "amqp://guest:secret@127.0.0.1:1/"]
        )
        #expect(printed.status == 0, "\(printed.errors)")
        let compute = printed.output.components(separatedBy: "\n\n")[0]
        #expect(compute.hasPrefix("service compute\n  exchange nameko-rpc  topic, durable\n"))
        #expect(compute.contains("  queue rpc-compute  durable\n    bound to nameko-rpc with compute.*\n"))
        #expect(compute.contains("  queue rpc.reply-compute-<random>  durable, x-expires=300000\n"))
        #expect(printed.output.contains("  queue evt-monitor-ping--listener.ping-<random>  durable, exclusive"))
        #expect(printed.output.contains("    bound to monitor.events with ping"))
        #expect(!printed.output.contains("secret"))

        let unknown = try await Self.command("enoki-examples", ["topology", "nosuch"])
        #expect(unknown.status != 0)
        #expect(unknown.errors.contains("nosuch"))
        let none = try await Self.command("enoki", ["topology"])
        #expect(none.status != 0)
        #expect(none.errors.hasPrefix("Error: this executable has no services"), "\(none.errors)")
    }

    @Test func servicesAndDescribeAnswerFromTheRunningInstances() async throws {
        try await withPeers { peers, _, uri in
            _ = try await peers.examples(
                uri: uri,
                names: ["greet_service", "compute", "mail", "listener", "service", "rpc_server", "http_service"],
                config: ["WEB_SERVER_ADDRESS": "'127.0.0.1:0'"]
            )
            _ = try await peers.swift(uri: uri, names: ["swift_echo"])
            _ = try await peers.swift(uri: uri, names: ["swift_echo"])
            _ = try await peers.python(uri: uri)

            // Every Enoki service, with its instances; the Python ones answer no discovery call.
            let services = try await Self.command("enoki", ["services", "--broker", uri])
            #expect(services.status == 0, "\(services.errors)")
            let lines = services.output.split(separator: "\n").map {
                $0.split(separator: " ", omittingEmptySubsequences: true).joined(separator: " ")
            }
            #expect(
                lines == [
                    "compute 1 instance", "greet_service 1 instance", "http_service 1 instance",
                    "listener 1 instance", "mail 1 instance", "rpc_server 1 instance", "service 1 instance",
                    "swift_echo 2 instances",
                ]
            )

            // What each kind of entrypoint offers, as a person reads it.
            let compute = try await Self.command("enoki", ["describe", "compute", "--broker", uri])
            #expect(compute.status == 0, "\(compute.errors)")
            #expect(
                compute.output
                    == """
                    service compute
                      rpc compute(operation: JSONValue, value: JSONValue, other: JSONValue, email: JSONValue)
                      dependencies: mail

                    """
            )
            let described = try await [
                "listener": Self.command("enoki", ["describe", "listener", "--broker", uri]).output,
                "service": Self.command("enoki", ["describe", "service", "--broker", uri]).output,
                "rpc_server": Self.command("enoki", ["describe", "rpc_server", "--broker", uri]).output,
                "http_service": Self.command("enoki", ["describe", "http_service", "--broker", uri]).output,
                "swift_echo": Self.command("enoki", ["describe", "swift_echo", "--broker", uri]).output,
            ]
            #expect(described["listener"] == "service listener\n  event_handler ping  monitor.ping, broadcast\n")
            #expect(described["service"] == "service service\n  timer ping  every 1.0 s\n")
            #expect(described["rpc_server"] == "service rpc_server\n  consume on_request  queue rpc_queue\n")
            #expect(
                described["http_service"]?.contains(
                    "  http GET /get/<int:value> → get_method(request: WebRequest, value: Int)\n"
                ) == true,
                "\(described["http_service"] ?? "")"
            )
            // A default shows as Swift writes it.
            #expect(described["swift_echo"]?.contains("echo(") == true, "\(described["swift_echo"] ?? "")")

            // JSON for machines, the same as a Python caller of the discovery call gets.
            let json = try await Self.command("enoki", ["describe", "compute", "--json", "--broker", uri])
            let parsed = try JSONParser.parse(json.output)
            #expect(parsed["service"]?.stringValue == "compute")
            let parameters = parsed["entrypoints"]?.arrayValue?.first?["parameters"]?.arrayValue?.compactMap {
                $0["name"]?.stringValue
            }
            #expect(parameters == ["operation", "value", "other", "email"])
            // The running instance's health comes with it.
            #expect(parsed["health"]?["ready"] == true, "\(parsed)")
            #expect(parsed["health"]?["checks"]?["compute"]?["detail"] == "consuming")
            let fromPython = try await PythonPeer.call(uri: uri, service: "compute", method: "__enoki_describe__")
            #expect(fromPython.pythonResult == parsed)

            // Failures: one line on stderr, and a non-zero exit.
            let unknown = try await Self.command("enoki", ["describe", "nosuch", "--timeout", "2", "--broker", uri])
            #expect(unknown.status != 0)
            #expect(unknown.errors.hasPrefix("Error: Unknown service `nosuch`"), "\(unknown.errors)")
            let python = try await Self.command("enoki", ["describe", "py_echo", "--broker", uri])
            #expect(python.status != 0)
            #expect(
                python.errors == "Error: py_echo answers, but not the discovery call: it is not an Enoki service"
                    + " (a Python Nameko one?)\n",
                "\(python.errors)"
            )
        }
    }
}
