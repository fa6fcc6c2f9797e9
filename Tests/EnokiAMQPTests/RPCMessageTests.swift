//===----------------------------------------------------------------------===//
// This source file is part of Enoki. Licensed under Apache License v2.0.
//===----------------------------------------------------------------------===//

import Enoki
import EnokiTestSupport
import NIOCore
import Testing

/// The bodies of RPC messages, byte for byte as Nameko's kombu JSON writes them (nameko-wire §4.2, §4.5).
@Suite struct RPCMessageTests {
    func text(_ buffer: ByteBuffer) -> String {
        String(buffer: buffer)
    }

    @Test func requestBodyHasArgsThenKwargs() {
        let body = RPCMessage.requestBody(args: [1, "tw\"o", nil], kwargs: ["b": ["c": 2.5]])
        #expect(text(body) == #"{"args": [1, "tw\"o", null], "kwargs": {"b": {"c": 2.5}}}"#)
        #expect(text(RPCMessage.requestBody(args: [], kwargs: [:])) == #"{"args": [], "kwargs": {}}"#)
    }

    @Test func replyBodiesCarryResultOrError() throws {
        #expect(text(RPCMessage.replyBody(result: ["x", "é\n"])) == #"{"result": ["x", "é\n"], "error": null}"#)
        let error = RemoteError(type: "ValueError", module: "builtins", message: "bad")
        let body = RPCMessage.replyBody(error: error)
        #expect(text(body).hasPrefix(#"{"result": null, "error": {"#))
        guard case .failure(let parsed) = try RPCMessage.parseReply(body) else {
            Issue.record("an error reply read as a result")
            return
        }
        #expect(parsed.excType == "ValueError")
        #expect(parsed.value == "bad")
    }

    /// Found by the delivery fuzzer: a timestamp header beyond Int64 trapped when it became context data.
    @Test func headersOfEveryExtremeBecomeContextWithoutTrapping() {
        var headers = RawTable.extremes
        headers.merge(RawTable.nonFinite)
        let (data, stack) = ContextHeaders.context(from: headers)
        #expect(data["timestamp.max"] == .bigInteger("18446744073709551615"))
        #expect(data["uint32.max"] == .int(4_294_967_295))
        #expect(data["float.nan"]?.doubleValue?.isNaN == true)
        #expect(stack.count == 3)
        // And passed on: the next hop's headers hold them again.
        let again = ContextHeaders.headers(data: data, callIDStack: stack)
        #expect(again["nameko.timestamp.max"] == .string("18446744073709551615"))
    }
}
