//===----------------------------------------------------------------------===//
// This source file is part of Enoki. Licensed under Apache License v2.0.
//===----------------------------------------------------------------------===//

import NIOCore
import NIOPosix
import Synchronization

/// A response as a client reads it off the wire.
struct HTTPAnswer: CustomStringConvertible {
    var status: Int
    var headers: [(name: String, value: String)]
    var body: [UInt8]

    var text: String { String(decoding: self.body, as: UTF8.self) }

    func header(_ name: String) -> String? {
        self.headers.first { $0.name.lowercased() == name.lowercased() }?.value
    }

    /// The methods of an `Allow` header, as a set (Python's order is a set's).
    var allowed: Set<String> {
        Set((self.header("Allow") ?? "").split(separator: ",").map { String($0).trimmingCharacters() })
    }

    var description: String { "\(self.status) \(self.headers) \(self.text)" }

    /// Parses the first response in `bytes`.
    static func parse(_ bytes: [UInt8], head: Bool = false) -> HTTPAnswer? {
        let separator: [UInt8] = Array("\r\n\r\n".utf8)
        guard let end = bytes.firstRange(of: separator) else { return nil }
        let headText = String(decoding: bytes[..<end.lowerBound], as: UTF8.self)
        var lines = headText.components(separatedBy: "\r\n")
        let statusLine = lines.removeFirst().split(separator: " ")
        guard statusLine.count >= 2, let status = Int(statusLine[1]) else { return nil }
        let headers = lines.compactMap { line -> (String, String)? in
            guard let colon = line.firstIndex(of: ":") else { return nil }
            return (String(line[..<colon]), String(line[line.index(after: colon)...]).trimmingCharacters())
        }
        var body = Array(bytes[end.upperBound...])
        if head {
            body = []
        } else if let length = headers.first(where: { $0.0.lowercased() == "content-length" }).flatMap({ Int($0.1) }) {
            body = Array(body.prefix(length))
        }
        return HTTPAnswer(status: status, headers: headers, body: body)
    }
}

extension String {
    func trimmingCharacters() -> String {
        var text = Substring(self)
        while text.first == " " { text = text.dropFirst() }
        while text.last == " " { text = text.dropLast() }
        return String(text)
    }

    func components(separatedBy separator: String) -> [String] {
        self.split(separator: separator, omittingEmptySubsequences: false).map(String.init)
    }
}

/// A TCP connection that sends raw bytes, so that tests send what no well-behaved client would.
final class RawConnection: Sendable {
    private final class Collector: ChannelInboundHandler, Sendable {
        typealias InboundIn = ByteBuffer
        let received = Mutex<[UInt8]>([])
        let closed = Atomic<Bool>(false)

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            let buffer = self.unwrapInboundIn(data)
            self.received.withLock { $0 += buffer.readableBytesView }
        }

        func channelInactive(context: ChannelHandlerContext) {
            self.closed.store(true, ordering: .releasing)
        }
    }

    private let channel: any Channel
    private let collector: Collector

    private init(channel: any Channel, collector: Collector) {
        self.channel = channel
        self.collector = collector
    }

    static func open(port: Int) async throws -> RawConnection {
        let collector = Collector()
        let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture { try channel.pipeline.syncOperations.addHandler(collector) }
            }
            .connect(host: "127.0.0.1", port: port).get()
        return RawConnection(channel: channel, collector: collector)
    }

    func send(_ text: String) async throws {
        try await self.send(Array(text.utf8))
    }

    func send(_ bytes: [UInt8]) async throws {
        try await self.channel.writeAndFlush(ByteBuffer(bytes: bytes))
    }

    var received: [UInt8] { self.collector.received.withLock { $0 } }
    var isClosed: Bool { self.collector.closed.load(ordering: .acquiring) }

    /// Waits until the server closes the connection; `false` when it has not within `timeout`.
    func waitClosed(timeout: Duration) async throws -> Bool {
        let deadline = ContinuousClock.now + timeout
        while !self.isClosed, ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(20))
        }
        return self.isClosed
    }

    /// Waits until a whole response has come.
    func response(timeout: Duration = .seconds(10), head: Bool = false) async throws -> HTTPAnswer? {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            let bytes = self.received
            if let answer = HTTPAnswer.parse(bytes, head: head) {
                let length = answer.header("Content-Length").flatMap(Int.init) ?? 0
                if head || answer.body.count >= length { return answer }
            }
            // Read again once closed: the last bytes may have come after the read above.
            if self.isClosed { return HTTPAnswer.parse(self.received, head: head) }
            try await Task.sleep(for: .milliseconds(10))
        }
        return nil
    }

    func close() async {
        try? await self.channel.close()
    }
}

/// One request on a connection of its own.
enum RawHTTP {
    static func request(
        port: Int,
        _ method: String,
        _ path: String,
        headers: [(String, String)] = [],
        body: [UInt8] = []
    ) async throws -> HTTPAnswer {
        var text = "\(method) \(path) HTTP/1.1\r\nHost: 127.0.0.1:\(port)\r\nConnection: close\r\n"
        for (name, value) in headers { text += "\(name): \(value)\r\n" }
        if !body.isEmpty || method == "POST" || method == "PUT" { text += "Content-Length: \(body.count)\r\n" }
        text += "\r\n"
        let connection = try await RawConnection.open(port: port)
        try await connection.send(Array(text.utf8) + body)
        let answer = try await connection.response(head: method == "HEAD")
        await connection.close()
        guard let answer else {
            throw RawHTTPError(description: "no response to \(method) \(path) on port \(port)")
        }
        return answer
    }
}

struct RawHTTPError: Error, CustomStringConvertible {
    var description: String
}
