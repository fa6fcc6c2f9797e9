//===----------------------------------------------------------------------===//
// This source file is part of Enoki. Licensed under Apache License v2.0.
//===----------------------------------------------------------------------===//

import ArgumentParser
public import EnokiCore

#if canImport(Glibc)
@preconcurrency import Glibc
#elseif canImport(Musl)
@preconcurrency import Musl
#elseif canImport(Darwin)
@preconcurrency import Darwin
#endif

/// The command line of a service executable: its `main` hands its service types over and gets the whole
/// ``EnokiCommand`` tree, where `run [SERVICE ...]` and `topology` work on those services.
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
    nonisolated(unsafe) static var exporters: [any TelemetryExporter.Type] = []

    /// Parses the command line and runs the command.
    ///
    /// - Parameters:
    ///   - services: The executable's services; none for the `enoki` tool.
    ///   - exporters: Telemetry backends the config may turn on (``TelemetryExporter``).
    ///   - arguments: The arguments; by default the process's.
    ///
    /// Standard output is line-buffered whatever it is connected to, so that a `print` in a service reaches a log
    /// file or a pipe when it is printed, as it does at a terminal, rather than when the process ends.
    public static func main(
        services: [any ServiceDefinition.Type],
        exporters: [any TelemetryExporter.Type] = [],
        arguments: [String]? = nil
    ) async {
        setvbuf(stdout, nil, _IOLBF, 0)
        self.services = services
        self.exporters = exporters
        await EnokiCommand.main(arguments)
    }

    /// The error of `run` and `topology` in an executable that has no services.
    static func noServices(_ command: String) -> ShellError {
        ShellError(
            .error,
            "this executable has no services: '\(command)' belongs to a service executable, whose main calls ServiceCommandLine.main(services:)"
        )
    }
}

/// The name of a service type.
public func serviceName(of type: any ServiceDefinition.Type) -> String {
    func open<S: ServiceDefinition>(_ type: S.Type) -> String { S.serviceName }
    return open(type)
}
