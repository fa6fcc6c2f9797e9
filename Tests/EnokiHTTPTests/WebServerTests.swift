//===----------------------------------------------------------------------===//
// This source file is part of Enoki. Licensed under Apache License v2.0.
//===----------------------------------------------------------------------===//

import EnokiCore
import EnokiTestSupport
import Foundation
import Testing

/// The HTTP server of a running process (EnokiHTTPTestServices): typed routes, bad input, limits, timeouts, the
/// graceful stop and configuration errors.
@Suite(.serialized, .timeLimit(.minutes(5))) struct WebServerTests {
    @Test func typedRoutesTakeAndGiveJSON() async throws {
        let (process, port) = try await WebProcesses.swift("EnokiHTTPTestServices", ["typed_http_service"])
        do {
            let placed = try await RawHTTP.request(
                port: port,
                "POST",
                "/orders",
                body: Array(#"{"item": "tea", "count": 4}"#.utf8)
            )
            #expect(placed.status == 200)
            #expect(placed.header("Content-Type") == "application/json")
            let receipt = try JSONParser.parse(placed.body)
            #expect(receipt["item"] == "tea" && receipt["count"] == 4 && receipt["total"] == 10.0)
            let missing = try await RawHTTP.request(
                port: port,
                "POST",
                "/orders",
                body: Array(#"{"item": "tea"}"#.utf8)
            )
            #expect(missing.status == 400)
            #expect(missing.text.hasPrefix("Error: BadRequest: "))
            #expect(missing.text.contains("count"))
            let notJSON = try await RawHTTP.request(port: port, "POST", "/orders", body: Array("{".utf8))
            #expect(notJSON.status == 400)
            #expect(notJSON.text.contains("not JSON"))
            let wrongType = try await RawHTTP.request(
                port: port,
                "POST",
                "/orders",
                body: Array(#"{"item": 1, "count": 4}"#.utf8)
            )
            #expect(wrongType.status == 400)
            #expect(wrongType.text.contains("item"))

            let user = try await RawHTTP.request(port: port, "GET", "/users/7/names/ada")
            #expect(user.status == 200)
            #expect(
                try JSONValueDecoder().decode([String: String].self, from: JSONParser.parse(user.body)) == [
                    "id": "7", "name": "ada",
                ]
            )
            #expect(try await RawHTTP.request(port: port, "GET", "/users/0/names/ada").status == 404)
            #expect(try await RawHTTP.request(port: port, "GET", "/as-text/12").text == "text 12")
            #expect(try await RawHTTP.request(port: port, "DELETE", "/nothing").status == 204)
            let echoed = try await RawHTTP.request(port: port, "POST", "/echo", body: [0, 1, 0xFF])
            #expect(echoed.body == [0, 1, 0xFF])
            #expect(echoed.header("Content-Type") == "application/octet-stream")
            let bad = try await RawHTTP.request(port: port, "GET", "/bad-request")
            #expect(bad.status == 400)
            #expect(bad.text == "Error: BadRequest: no good\n")
        } catch {
            Issue.record(error)
        }
        await process.stop()
    }

    @Test func badInputGetsAClearAnswerAndTheServerGoesOn() async throws {
        let (process, port) = try await WebProcesses.swift(
            "EnokiHTTPTestServices",
            ["typed_http_service"],
            config: [
                "WEB_SERVER_MAX_BODY_SIZE": "1024", "WEB_SERVER_HEADER_TIMEOUT": "0.5",
                "WEB_SERVER_BODY_TIMEOUT": "0.5",
            ]
        )
        do {
            // A body over the limit, announced.
            let large = try await RawHTTP.request(
                port: port,
                "POST",
                "/echo",
                body: Array(repeating: 0x61, count: 4096)
            )
            #expect(large.status == 413)
            #expect(large.text.contains("Request Entity Too Large"))
            // A body over the limit, chunked, with no length announced.
            let chunked = try await RawConnection.open(port: port)
            let chunk = String(repeating: "b", count: 800)
            try await chunked.send(
                "POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n320\r\n\(chunk)\r\n320\r\n\(chunk)\r\n0\r\n\r\n"
            )
            #expect(try await chunked.response()?.status == 413)
            await chunked.close()
            // Not HTTP at all, a header line without a colon, an unknown HTTP version: 400, and the connection closes.
            for malformed in [
                "\u{01}\u{02} nonsense\r\n\r\n", "GET /as-text/1 HTTP/1.1\r\nHost: x\r\nBad Header Line\r\n\r\n",
                "GET /as-text/1 HTTP/9.9\r\nHost: x\r\n\r\n",
            ] {
                let connection = try await RawConnection.open(port: port)
                try await connection.send(malformed)
                #expect(try await connection.response()?.status == 400, "\(malformed)")
                #expect(try await connection.waitClosed(timeout: .seconds(5)))
                await connection.close()
            }
            // Headers that never end: cut off after the header timeout.
            let slowHeaders = try await RawConnection.open(port: port)
            try await slowHeaders.send("GET /as-text/1 HTTP/1.1\r\nHost: x\r\n")
            #expect(try await slowHeaders.waitClosed(timeout: .seconds(5)))
            // A body that never ends: cut off after the body timeout.
            let slowBody = try await RawConnection.open(port: port)
            try await slowBody.send("POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\nabc")
            #expect(try await slowBody.waitClosed(timeout: .seconds(5)))
            // A path that does not decode as UTF-8, and a huge path.
            #expect(try await RawHTTP.request(port: port, "GET", "/as-text/%FF%FE").status == 404)
            #expect(
                try await RawHTTP.request(port: port, "GET", "/" + String(repeating: "a", count: 5000)).status == 404
            )
            // Everyone else is still served.
            #expect(try await RawHTTP.request(port: port, "GET", "/as-text/5").text == "text 5")
            #expect(process.isRunning)
        } catch {
            Issue.record(error)
        }
        await process.stop()
    }

    @Test func aStopLetsRequestsInFlightFinish() async throws {
        let (process, port) = try await WebProcesses.swift("EnokiHTTPTestServices", ["typed_http_service"])
        let slow = try await RawConnection.open(port: port)
        try await slow.send("GET /slow/1500 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        try await Task.sleep(for: .milliseconds(300))
        process.signal(SIGTERM)
        let answer = try await slow.response(timeout: .seconds(10))
        #expect(answer?.status == 200)
        #expect(answer?.text == "slept 1500")
        #expect(try await process.waitForExit(timeout: .seconds(10)) == 0)
        await #expect(throws: (any Error).self) { try await RawConnection.open(port: port) }
        await process.stop()
    }

    @Test func aBadAddressIsNamekosConfigurationError() async throws {
        for (address, shown) in [("'localhost:port'", "localhost:port"), ("':8000'", ":8000")] {
            let process = try Subprocess(
                name: "bad-address",
                executable: TestBinaries.path("EnokiHTTPTestServices"),
                arguments: [
                    "run", "typed_http_service", "--config", try WebProcesses.config(["WEB_SERVER_ADDRESS": address]),
                ]
            )
            let status = try await process.waitForExit(timeout: .seconds(30))
            #expect(status != 0)
            #expect(
                process.log.contains("Misconfigured bind address `\(shown)`. Should be `[address:]port`"),
                "\(process.log)"
            )
            await process.stop()
        }
    }

    @Test func aPortInUseStopsTheStartWithAClearError() async throws {
        let (first, port) = try await WebProcesses.swift("EnokiHTTPTestServices", ["typed_http_service"])
        let second = try Subprocess(
            name: "port-in-use",
            executable: TestBinaries.path("EnokiHTTPTestServices"),
            arguments: [
                "run", "typed_http_service", "--config",
                try WebProcesses.config(["WEB_SERVER_ADDRESS": "'127.0.0.1:\(port)'"]),
            ]
        )
        #expect(try await second.waitForExit(timeout: .seconds(30)) != 0)
        #expect(second.log.contains("could not listen on 127.0.0.1:\(port)"), "\(second.log)")
        await second.stop()
        await first.stop()
    }

    @Test func twoRoutesForOnePathAndMethodStopTheStart() async throws {
        let process = try Subprocess(
            name: "duplicate",
            executable: TestBinaries.path("EnokiHTTPTestServices"),
            arguments: [
                "run", "typed_http_service", "typed_http_service_twin", "--config", try WebProcesses.config([:]),
            ]
        )
        #expect(try await process.waitForExit(timeout: .seconds(30)) != 0)
        #expect(process.log.contains("/orders is declared twice for POST"), "\(process.log)")
        await process.stop()
    }
}
