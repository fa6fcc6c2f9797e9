//===----------------------------------------------------------------------===//
// This source file is part of Enoki. Licensed under Apache License v2.0.
//===----------------------------------------------------------------------===//

import EnokiTestSupport
import EnokiTesting
import Foundation
import Testing

/// The gateway's documentation page, loaded in a real browser (Debian's headless Chromium): what it rendered.
@Suite(.timeLimit(.minutes(3))) struct BrowserTests {
    static var chromium: String {
        ProcessInfo.processInfo.environment["ENOKI_CHROMIUM"] ?? "/usr/bin/chromium"
    }

    /// Runs the browser on a URL with `arguments` and returns what it printed.
    private func chromium(_ arguments: [String], url: String) throws -> String {
        guard FileManager.default.isExecutableFile(atPath: Self.chromium) else {
            throw RawHTTPError(
                description: "no browser at \(Self.chromium); scripts/debian-tool.sh chromium installs one"
            )
        }
        let profile = FileManager.default.temporaryDirectory.appendingPathComponent(
            "enoki-chromium-\(UUID().uuidString)"
        )
        let process = Process()
        process.executableURL = URL(fileURLWithPath: Self.chromium)
        process.arguments =
            [
                "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run",
                "--user-data-dir=\(profile.path)", "--virtual-time-budget=3000",
            ] + arguments + [url]
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        try? FileManager.default.removeItem(at: profile)
        return String(decoding: data, as: UTF8.self)
    }

    @Test func theAPIDocsPageShowsTheRouteItsBodyFieldsAndTheOperations() async throws {
        let vhost = "browser-\(UUID().uuidString.prefix(8))"
        try await VirtualHosts().create(vhost)
        let (services, port) = try await WebProcesses.swift(
            "enoki-examples",
            ["api"],
            config: ["AMQP_URI": "'amqp://guest:guest@127.0.0.1:5672/\(vhost)'"]
        )
        defer { Task { await services.stop() } }
        // The seed's own address for the page, /apidocs/index.html, as Flasgger serves it.
        let url = "http://127.0.0.1:\(port)/apidocs/index.html"
        let dom = try self.chromium(["--dump-dom"], url: url)
        #expect(dom.contains("<html"), "\(dom.prefix(500))")
        for text in [
            "/compute", "POST", "Micro Service Based Compute and Mail API", "Request body (application/json)",
            "<td>operation</td>", "<td>email</td>", "<td>value</td>", "<td>other</td>", "sum, mul, sub, div",
            "<td>integer</td>", "Please wait the calculation, you'll receive an email with results",
        ] {
            #expect(dom.contains(text), "the page lacks \(text)")
        }
        // A screenshot for a person to look at; not in git, not asserted on.
        let screenshot = FileManager.default.temporaryDirectory.appendingPathComponent("enoki-apidocs.png")
        _ = try self.chromium(["--screenshot=\(screenshot.path)", "--window-size=1200,1600"], url: url)
        #expect(FileManager.default.fileExists(atPath: screenshot.path))
        await services.stop()
        try await VirtualHosts().delete(vhost)
    }
}
