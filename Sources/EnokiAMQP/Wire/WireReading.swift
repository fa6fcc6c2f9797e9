//===----------------------------------------------------------------------===//
// This source file is part of Enoki. Licensed under Apache License v2.0.
//===----------------------------------------------------------------------===//

package import EnokiAMQPProtocol
package import EnokiCore
package import NIOCore

/// How a service and its clients read what arrives, from the parts of a message to bound arguments, payloads and
/// replies, with no broker and no event loop: the delivery path that the fuzz target (`Tests/Fuzz`) drives with
/// arbitrary bytes.
package enum WireReading {
    /// An RPC request's arguments bound to the signature its method has, or the error that answers it, as a
    /// service reads it in the worker (``RPCServer``).
    ///
    /// - Parameters:
    ///   - problem: What was wrong with the message's frames (``EnokiAMQPProtocol/AMQPContent/problem``).
    ///   - signatures: The signature of each method, by its wire name.
    package static func request(
        problem: AMQPProtocolError?,
        contentType: String?,
        body: ByteBuffer,
        methodName: String,
        signatures: (String) -> Signature?
    ) -> Result<BoundArguments, RemoteError> {
        RPCServer.check(
            problem: problem,
            contentType: contentType,
            body: body,
            methodName: methodName,
            signature: signatures(methodName)
        )
    }

    /// The payload an event handler or consumer gets, or why the message cannot be read (``MessageHandler``).
    package static func payload(
        problem: AMQPProtocolError?,
        contentType: String?,
        encoding: String?,
        body: ByteBuffer,
        wantsText: Bool
    ) -> Result<JSONValue, any Error> {
        if let problem {
            return .failure(MessageBody.Unreadable(reason: "Can't read the message: \(problem.message)"))
        }
        return MessageBody.payload(contentType: contentType, encoding: encoding, body: body, wantsText: wantsText)
            .mapError { $0 }
    }

    /// The context data and call-id stack a worker gets from a message's headers.
    package static func context(from headers: FieldTable?) -> (data: JSONObject, parentStack: [String]) {
        ContextHeaders.context(from: headers)
    }
}
