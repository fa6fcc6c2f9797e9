//===----------------------------------------------------------------------===//
// This source file is part of Enoki. Licensed under Apache License v2.0.
//===----------------------------------------------------------------------===//

// A libFuzzer target for the delivery path, from bytes to bound arguments: frame decoding, content assembly,
// properties, headers to context, JSON parsing, argument binding, typed decoding and encoding again. Any input
// may fail; none may trap, hang or run out of memory.
//
//     scripts/fuzz.sh [SECONDS]                  builds it with -sanitize=fuzzer and runs it (60 seconds)
//     EnokiDeliveryFuzzer replay FILE|DIR ...  runs inputs through the same path (the regression corpus)
//
// The first byte of an input picks how the rest is read: 0, a stream of frames as the broker sends them; 1, a
// property list (a two-byte length and that many bytes) and a body, delivered in well-formed frames; anything
// else, a request body with well-formed properties.

import EnokiAMQP
import EnokiAMQPProtocol
import EnokiCore
import FoundationEssentials
import NIOCore

/// The methods a request may be for, with the typed parameters their bodies are bound to.
let signatures: [String: Signature] = [
    "number": Signature("number", [.init("value"), .init("other", hasDefault: true)]),
    "real": Signature("real", [.init("value")]),
    "decimal": Signature("decimal", [.init("value")]),
    "date": Signature("date", [.init("value")]),
    "record": Signature("record", [.init("value"), .init("more", hasDefault: true)]),
    "text": Signature("text", [.init("value")]),
]

struct Record: Codable {
    var number: Int?
    var real: Double?
    var decimal: Decimal?
    var date: Date?
    var uuid: UUID?
    var data: Data?
    var tags: [String: Int]?
    var nested: [Record]?
}

/// Binds and decodes a request's arguments as the typed methods would, and encodes what decoded again.
func bindAndDecode(_ arguments: BoundArguments) {
    func roundTrip<T: Codable>(_ type: T.Type, _ index: Int) {
        guard index < arguments.values.count, let value = try? arguments.value(index, as: T.self) else { return }
        if let encoded = try? JSONValueEncoder().encode(value) {
            _ = JSONWriter.bytes(encoded)
        }
    }
    switch arguments.signature.methodName {
    case "number":
        roundTrip(Int.self, 0)
        roundTrip(Int8.self, 0)
        roundTrip(UInt64.self, 1)
    case "real":
        roundTrip(Double.self, 0)
        roundTrip(Float.self, 0)
    case "decimal":
        roundTrip(Decimal.self, 0)
    case "date":
        roundTrip(Date.self, 0)
    case "record":
        roundTrip(Record.self, 0)
        roundTrip([String: Record].self, 1)
    default:
        roundTrip(String.self, 0)
        roundTrip(JSONValue.self, 0)
    }
}

/// What a service and a client do with one whole message.
func read(_ content: AMQPContent) {
    let properties = content.properties
    let (data, stack) = WireReading.context(from: properties.headers)
    _ = ContextHeaders.headers(data: data, callIDStack: stack)
    var routingKey = ""
    if case .basicDeliver(let deliver) = content.method { routingKey = deliver.routingKey }
    let method = routingKey.split(separator: ".").last.map(String.init) ?? routingKey
    if case .success(let arguments) = WireReading.request(
        problem: content.problem,
        contentType: properties.contentType,
        body: content.body,
        methodName: method,
        signatures: { signatures[$0] }
    ) {
        bindAndDecode(arguments)
    }
    for wantsText in [false, true] {
        if case .success(let payload) = WireReading.payload(
            problem: content.problem,
            contentType: properties.contentType,
            encoding: properties.contentEncoding,
            body: content.body,
            wantsText: wantsText
        ) {
            _ = JSONWriter.bytes(payload)
        }
    }
    _ = try? RPCMessage.parseReply(content.body)
}

/// Decodes a stream of frames and reads every message it assembles, as a connection does.
func readFrames(_ bytes: ByteBuffer) {
    var buffer = bytes
    let decoder = AMQPFrameDecoder(maximumFrameSize: 131_072)
    var assemblers: [UInt16: AMQPContentAssembler] = [:]
    while true {
        let frame: AMQPFrame
        do {
            guard let next = try decoder.decodeFrame(buffer: &buffer) else { return }
            frame = next
        } catch {
            return  // the connection closes
        }
        var assembler = assemblers[frame.channelID] ?? AMQPContentAssembler(maximumBodySize: 1 << 20)
        do {
            switch frame.payload {
            case .method(let method) where method.hasContent:
                try assembler.methodReceived(method, problem: frame.problem)
            case .header(let header):
                if let content = try assembler.headerReceived(header, problem: frame.problem) { read(content) }
            case .body(let chunk):
                if let content = try assembler.bodyReceived(chunk) { read(content) }
            case .method, .heartbeat:
                break
            }
        } catch {
            return  // the connection closes
        }
        assemblers[frame.channelID] = assembler
    }
}

/// Well-formed frames around a property list and a body.
func frames(properties: ByteBuffer, body: ByteBuffer, routingKey: String) -> ByteBuffer {
    var out = ByteBuffer()
    try! AMQPFrameEncoder.encodeMethod(
        .basicDeliver(.init(consumerTag: "ctag", deliveryTag: 1, exchange: "nameko-rpc", routingKey: routingKey)),
        channelID: 1,
        into: &out
    )
    AMQPFrameEncoder.encodeRawContentHeader(
        bodySize: UInt64(body.readableBytes),
        properties: properties,
        channelID: 1,
        into: &out
    )
    var body = body
    while body.readableBytes > 0 {
        let chunk = body.readSlice(length: min(body.readableBytes, 131_064))!
        AMQPFrameEncoder.encodeRawFrame(type: .body, channelID: 1, payload: chunk, into: &out)
    }
    return out
}

/// Runs one input through the delivery path.
func fuzzOne(_ input: UnsafeRawBufferPointer) {
    guard let mode = input.first else { return }
    let rest = ByteBuffer(bytes: input.dropFirst())
    let methods = Array(signatures.keys).sorted()
    switch mode {
    case 0:
        readFrames(rest)
    case 1:
        var rest = rest
        guard let length = rest.readInteger(as: UInt16.self), let method = rest.readInteger(as: UInt8.self),
            let properties = rest.readSlice(length: min(Int(length), rest.readableBytes))
        else { return }
        readFrames(
            frames(properties: properties, body: rest, routingKey: "svc." + methods[Int(method) % methods.count])
        )
    default:
        var properties = ByteBuffer()
        try! BasicProperties(contentType: "application/json", correlationID: "c", replyTo: "r").encode(
            into: &properties
        )
        readFrames(frames(properties: properties, body: rest, routingKey: "svc." + methods[Int(mode) % methods.count]))
    }
}

/// libFuzzer's entry point for one input.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzerTestOneInput(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    fuzzOne(UnsafeRawBufferPointer(start: data, count: size))
    return 0
}

#if ENOKI_FUZZ
// The package builds executables with their entry point renamed (EnokiDeliveryFuzzer_main): the fuzz build gives
// that entry point to libFuzzer's driver.
@_silgen_name("LLVMFuzzerRunDriver")
func runFuzzerDriver(
    _ argc: UnsafeMutablePointer<CInt>,
    _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>,
    _ callback: @convention(c) (UnsafePointer<UInt8>?, Int) -> CInt
) -> CInt

@_cdecl("EnokiDeliveryFuzzer_main")
func fuzzerMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    var argc = argc
    var argv = argv
    return runFuzzerDriver(&argc, &argv) { data, size in
        guard let data else { return 0 }
        fuzzOne(UnsafeRawBufferPointer(start: data, count: size))
        return 0
    }
}
#endif
