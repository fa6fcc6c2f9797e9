//===----------------------------------------------------------------------===//
// This source file is part of Enoki. Licensed under Apache License v2.0.
//===----------------------------------------------------------------------===//

#if !ENOKI_FUZZ
import EnokiAMQPProtocol
import FoundationEssentials
import NIOCore

#if canImport(Glibc)
import Glibc
#endif

/// Without libFuzzer (a plain build), the target replays inputs: each file named, or every file of each folder
/// named, through the same delivery path. A trap ends the process, which is how a test sees it.
@main
struct Replay {
    static func main() throws {
        var arguments = CommandLine.arguments.dropFirst()
        if arguments.first == "seeds", arguments.count == 2 {
            try writeSeeds(to: arguments.last!)
            return
        }
        guard arguments.first == "replay" else {
            print("usage: EnokiDeliveryFuzzer replay FILE|DIR ...   (build with scripts/fuzz.sh to fuzz)")
            print("       EnokiDeliveryFuzzer seeds DIR             (writes the seed inputs)")
            exit(2)
        }
        arguments.removeFirst()
        var count = 0
        for path in arguments {
            var isDirectory = false
            let files: [String]
            if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), isDirectory {
                files = try FileManager.default.contentsOfDirectory(atPath: path).sorted().map { path + "/" + $0 }
            } else {
                files = [path]
            }
            for file in files {
                let data = try Data(contentsOf: URL(fileURLWithPath: file))
                data.withUnsafeBytes { fuzzOne($0) }
                count += 1
            }
        }
        print("replayed \(count) inputs")
    }

    /// Writes seed inputs of each mode: request bodies for each method, property lists with every kind of header,
    /// and a whole frame stream.
    static func writeSeeds(to folder: String) throws {
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        var seeds: [(String, [UInt8])] = []
        let methods = Array(signatures.keys).sorted()
        let record =
            #"{"number": 1, "real": 2.5, "decimal": {"__type__": "decimal", "__value__": "1.25"}, "date": {"__type__": "datetime", "__value__": "2024-01-02T03:04:05.123456+01:00"}, "uuid": "3e1e5e3a5a0e4a1b9c3d2b1f0c9e8d7a", "data": {"__type__": "bytes", "__value__": "hi"}, "tags": {"a": 1, "b": 2}, "nested": [{"number": -9223372036854775808}]}"#
        let bodies = [
            #"{"args": [1], "kwargs": {}}"#,
            #"{"args": [], "kwargs": {"value": 1e300, "other": 18446744073709551615}}"#,
            #"{"args": [NaN, Infinity], "kwargs": {}}"#,
            #"{"args": ["2024-02-29T23:59:59"], "kwargs": {}}"#,
            #"{"args": ["# + record + #", {"k": "# + record + #"}], "kwargs": {}}"#,
            #"{"args": ["hell\u00f8 \ud83d\ude00 \"quoted\""], "kwargs": {}}"#,
        ]
        for (index, body) in bodies.enumerated() {
            for methodIndex in methods.indices where methodIndex % 2 == index % 2 {
                seeds.append(("body-\(index)-\(methodIndex)", [UInt8(2 + methodIndex)] + Array(body.utf8)))
            }
        }
        let headers: FieldTable = [
            "nameko.call_id_stack": ["a.b.1", "c.d.2"], "nameko.language": "en", "int": .int64(.min),
            "time": .timestamp(.max), "decimal": .decimal(AMQPDecimal(scale: 3, value: -5)),
            "nested": .table(["deeper": .array([.double(2.5), .bytes([0, 255]), .table(["x": .void])])]),
            "float": .float(1.5), "bool": true, "u32": .uint32(.max),
        ]
        var properties = ByteBuffer()
        try BasicProperties(
            contentType: "application/json",
            contentEncoding: "utf-8",
            headers: headers,
            deliveryMode: 2,
            priority: 0,
            correlationID: "c-1",
            replyTo: "r",
            messageID: "m",
            timestamp: 1,
            type: "t",
            appID: "a"
        ).encode(into: &properties)
        let propertyBytes = Array(properties.readableBytesView)
        for (index, body) in bodies.enumerated() {
            var seed: [UInt8] = [1]
            seed += withUnsafeBytes(of: UInt16(propertyBytes.count).bigEndian, Array.init)
            seed.append(UInt8(index))
            seed += propertyBytes + Array(body.utf8)
            seeds.append(("properties-\(index)", seed))
        }
        var stream = frames(properties: properties, body: ByteBuffer(string: bodies[4]), routingKey: "svc.record")
        try AMQPFrameEncoder.encode(.heartbeat, into: &stream)
        try AMQPFrameEncoder.encodeContent(
            .basicReturn(.init(replyCode: 312, replyText: "NO_ROUTE", exchange: "x", routingKey: "svc.text")),
            properties: BasicProperties(contentType: "text/plain"),
            body: ByteBuffer(string: "hello"),
            channelID: 2,
            frameMax: 4096,
            into: &stream
        )
        seeds.append(("frames-0", [0] + Array(stream.readableBytesView)))
        for (name, bytes) in seeds {
            try Data(bytes).write(to: URL(fileURLWithPath: folder + "/seed-" + name))
        }
        print("wrote \(seeds.count) seeds")
    }
}
#endif
