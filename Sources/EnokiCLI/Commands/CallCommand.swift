//===----------------------------------------------------------------------===//
// This source file is part of Enoki. Licensed under Apache License v2.0.
//===----------------------------------------------------------------------===//

import ArgumentParser
import EnokiAMQP
import EnokiCore

/// `call SERVICE.METHOD [ARG ...]`: calls a method once and prints its result as JSON.
struct CallCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "call",
        abstract: "Calls a method once and prints its result as JSON.",
        discussion: """
            Arguments are JSON values; one that is not valid JSON is taken as a string:

                enoki call service_x.remote_method hellø
                enoki call service_y.append_identifier '"x"' --kwargs '{"suffix": "z"}'
            """
    )

    @Argument(help: "The method, as service.method.")
    var target: String

    @Argument(help: "Positional arguments, as JSON (or bare strings).")
    var arguments: [String] = []

    @Option(help: "Keyword arguments, as a JSON object.")
    var kwargs: String?

    @Option(name: .customLong("context"), help: "Context data sent with the call, as key=value (repeatable).")
    var context: [String] = []

    @Option(help: "Seconds to wait for the reply.")
    var timeout: Double = 30

    @OptionGroup var cluster: ClusterOptions

    func run() async throws {
        guard let dot = self.target.firstIndex(of: "."), dot != self.target.startIndex else {
            throw ValidationError("the target must be service.method, not '\(self.target)'")
        }
        let service = String(self.target[..<dot])
        let method = String(self.target[self.target.index(after: dot)...])
        let args = self.arguments.map(Self.parseArgument)
        var keywords = JSONObject()
        if let kwargs = self.kwargs {
            guard case .object(let object) = try JSONParser.parse(kwargs) else {
                throw ValidationError("--kwargs must be a JSON object")
            }
            keywords = object
        }
        var data = JSONObject()
        for pair in self.context {
            let parts = pair.split(separator: "=", maxSplits: 1).map(String.init)
            guard parts.count == 2 else { throw ValidationError("--context takes key=value, not '\(pair)'") }
            data[parts[0]] = Self.parseArgument(parts[1])
        }
        let config = try self.cluster.load()
        let timeout = self.timeout
        let result = try await CommandDeadline.within(timeout, grace: 1, config: config) { [data, keywords] in
            try await ClusterRPCClient.withClient(
                config: config,
                contextData: data,
                defaultTimeout: .milliseconds(Int64(timeout * 1000)),
                logger: EnokiCommand.logger
            ) { rpc in
                try await rpc.service(service).call(method, args: args, kwargs: keywords)
            }
        }
        print(JSONWriter.string(result))
    }

    static func parseArgument(_ text: String) -> JSONValue {
        (try? JSONParser.parse(text)) ?? .string(text)
    }
}
