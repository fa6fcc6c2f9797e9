//===----------------------------------------------------------------------===//
// This source file is part of Enoki. Licensed under Apache License v2.0.
//===----------------------------------------------------------------------===//

import EnokiTestSupport
import Testing

/// nameko-wire §16 case 30: the seed's HTTP services and §9's observed routes answer the same under Enoki and under
/// Python Nameko 2.14.1, run side by side: status, content type, `Location`, `Allow` (as a set: Python's order is a
/// set's) and body.
///
/// Each Python service runs in a `nameko run` of its own: Nameko gives every container a server of its own, and
/// several on one port share it at random (eventlet binds with `SO_REUSEPORT`), where Enoki serves every service
/// of a process from one server.
@Suite(.serialized, .timeLimit(.minutes(5))) struct SeedParityTests {
    struct Case: Sendable {
        var service: String
        var method: String
        var path: String
        var body: String = ""
    }

    static let cases: [Case] = [
        Case(service: "HttpService", method: "GET", path: "/get/42"),
        Case(service: "HttpService", method: "GET", path: "/get/abc"),
        Case(service: "HttpService", method: "HEAD", path: "/get/42"),
        Case(service: "HttpService", method: "POST", path: "/post", body: "post body"),
        Case(service: "HttpService", method: "POST", path: "/post", body: "ünïcode ✓"),
        Case(service: "HttpService", method: "GET", path: "/post"),
        Case(service: "HttpService", method: "GET", path: "/multi"),
        Case(service: "HttpService", method: "PUT", path: "/multi", body: "x"),
        Case(service: "HttpService", method: "POST", path: "/multi", body: "x"),
        Case(service: "HttpService", method: "DELETE", path: "/multi"),
        Case(service: "HttpService", method: "HEAD", path: "/multi"),
        Case(service: "HttpService", method: "PATCH", path: "/multi"),
        Case(service: "HttpService", method: "OPTIONS", path: "/multi"),
        Case(service: "HttpService", method: "GET", path: "/nowhere"),
        Case(service: "AdvancedService", method: "GET", path: "/privileged"),
        Case(service: "AdvancedService", method: "GET", path: "/headers"),
        Case(service: "AdvancedService", method: "GET", path: "/custom"),
        Case(service: "AdvancedService", method: "POST", path: "/custom"),
        Case(service: "ExceptionsService", method: "GET", path: "/custom_exception"),
        Case(service: "ObservedService", method: "GET", path: "/hello/5"),
        Case(service: "ObservedService", method: "GET", path: "/hello/abc"),
        Case(service: "ObservedService", method: "POST", path: "/hello/5"),
        Case(service: "ObservedService", method: "HEAD", path: "/hello/5"),
        Case(service: "ObservedService", method: "GET", path: "/tuple"),
        Case(service: "ObservedService", method: "OPTIONS", path: "/tuple"),
        Case(service: "ObservedService", method: "GET", path: "/two"),
        Case(service: "ObservedService", method: "GET", path: "/boom"),
        Case(service: "ObservedService", method: "GET", path: "/expected"),
        Case(service: "ObservedService", method: "GET", path: "/slash"),
        Case(service: "ObservedService", method: "GET", path: "/slash?a=1"),
        Case(service: "ObservedService", method: "GET", path: "/slash/"),
        Case(service: "ObservedService", method: "GET", path: "/files/a/b.txt"),
        Case(service: "ObservedService", method: "GET", path: "/files/"),
        Case(service: "ObservedService", method: "GET", path: "/items/12345678-1234-1234-1234-1234567890AB"),
        Case(service: "ObservedService", method: "GET", path: "/items/not-a-uuid"),
        Case(service: "ObservedService", method: "GET", path: "/pages/help"),
        Case(service: "ObservedService", method: "GET", path: "/pages/other"),
        Case(service: "ObservedService", method: "GET", path: "/ranged/3"),
        Case(service: "ObservedService", method: "GET", path: "/ranged/0"),
        Case(service: "ObservedService", method: "GET", path: "/ranged/10"),
        Case(service: "ObservedService", method: "GET", path: "/ratio/2.5"),
        Case(service: "ObservedService", method: "GET", path: "/ratio/2"),
        Case(service: "ObservedService", method: "GET", path: "//hello//7"),
        Case(service: "ObservedService", method: "GET", path: "/hello/%35"),
    ]

    @Test func theSeedsRoutesAnswerAsUnderNameko() async throws {
        let (examples, examplesPort) = try await WebProcesses.swift(
            "enoki-examples",
            ["http_service", "advanced_http_service", "http_exceptions_service"]
        )
        let (observed, observedPort) = try await WebProcesses.swift("EnokiHTTPTestServices", ["observed_http_service"])
        var python: [String: (Subprocess, Int)] = [:]
        do {
            for name in ["HttpService", "AdvancedService", "ExceptionsService", "ObservedService"] {
                python[name] = try await WebProcesses.nameko(name)
            }
            for testCase in Self.cases {
                let swiftPort = testCase.service == "ObservedService" ? observedPort : examplesPort
                let pythonPort = python[testCase.service]!.1
                let body = Array(testCase.body.utf8)
                let enoki = try await RawHTTP.request(port: swiftPort, testCase.method, testCase.path, body: body)
                let nameko = try await RawHTTP.request(port: pythonPort, testCase.method, testCase.path, body: body)
                let what = "\(testCase.method) \(testCase.path)"
                #expect(enoki.status == nameko.status, "\(what): \(enoki) / \(nameko)")
                #expect(enoki.header("Content-Type") == nameko.header("Content-Type"), "\(what)")
                #expect(enoki.allowed == nameko.allowed, "\(what)")
                #expect(enoki.header("X-Spec") == nameko.header("X-Spec"), "\(what)")
                // A redirect names the server's own address: compare what follows it.
                #expect(
                    enoki.header("Location")?.replacingAll("\(swiftPort)", "PORT")
                        == nameko.header("Location")?.replacingAll("\(pythonPort)", "PORT"),
                    "\(what)"
                )
                #expect(
                    enoki.text.replacingAll("\(swiftPort)", "PORT")
                        == nameko.text.replacingAll("\(pythonPort)", "PORT"),
                    "\(what)"
                )
                if testCase.method == "HEAD" {
                    #expect(enoki.header("Content-Length") == nameko.header("Content-Length"), "\(what)")
                }
            }
        } catch {
            Issue.record(error)
        }
        for (process, _) in python.values { await process.stop() }
        await examples.stop()
        await observed.stop()
    }
}

extension String {
    func replacingAll(_ target: String, _ replacement: String) -> String {
        self.split(separator: target, omittingEmptySubsequences: false).joined(separator: replacement)
    }
}
