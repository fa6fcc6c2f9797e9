//===----------------------------------------------------------------------===//
// This source file is part of Enoki. Licensed under Apache License v2.0.
//===----------------------------------------------------------------------===//

public import EnokiAMQPClient
public import EnokiCore
public import NIOCore

/// Nameko's event messages (nameko-wire §6.1): the payload as plain JSON, to `{service}.events` with the event
/// type as routing key.
public enum EventMessage {
    /// An event's body: the payload as JSON, with no wrapper.
    public static func body(_ payload: JSONValue) -> ByteBuffer {
        MessageBody.json(payload)
    }

    /// An event's properties: content type and encoding, the context headers, persistent, priority 0 (property
    /// flags `0xf800`: no correlation id and no reply-to).
    public static func properties(headers: FieldTable) -> BasicProperties {
        BasicProperties(
            contentType: RPCMessage.contentType,
            contentEncoding: RPCMessage.contentEncoding,
            headers: headers,
            deliveryMode: 2,
            priority: 0
        )
    }
}
