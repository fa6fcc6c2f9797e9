//===----------------------------------------------------------------------===//
// This source file is part of Enoki. Licensed under Apache License v2.0.
//===----------------------------------------------------------------------===//

import EnokiAMQPClient
import EnokiCore
import NIOCore

/// A request whose answer comes back as a reply matched by correlation id: Nameko's RPC calls, and RabbitMQ's
/// own RPC pattern.
///
/// The request is mandatory and published with confirms, but a call does not wait for the confirm: a reply proves
/// the request was routed. The confirm settles the call only when it says the request went nowhere: returned (no
/// queue takes it), refused, or lost with its connection. A request whose connection went before the broker
/// confirmed it may or may not have arrived, so it is published again on a new connection, as Nameko's publishers
/// retry (``AMQPTransport/shouldRetry(_:after:)``), unless its reply came meanwhile. A service that gets it twice
/// answers twice; the caller takes the first answer and drops the second.
struct RPCRequest: Sendable {
    var body: ByteBuffer
    var exchange: String
    var routingKey: String
    var properties: BasicProperties
    /// What the request is for.
    var target: Target
    /// The caller's deadline, sent with the request (``WireDeadline``); `nil` when the call has no timeout.
    var deadline: WireDeadline? = nil

    /// What a request is for, as errors name it.
    enum Target: Sendable, CustomStringConvertible {
        /// A service's method (Nameko's RPC), named `service.method`.
        case method(service: String, method: String)
        /// A queue (RabbitMQ's RPC pattern), named `'queue'`.
        case queue(String)

        var description: String {
            switch self {
            case .method(let service, let method): "\(service).\(method)"
            case .queue(let queue): "'\(queue)'"
            }
        }

        /// The error when no queue takes the request.
        var unroutable: EnokiError {
            switch self {
            case .method(let service, _): EnokiError.unknownService(service)
            case .queue(let queue): EnokiError(.unknownService, "no queue '\(queue)' on the broker")
            }
        }
    }

    /// Publishes the request; the confirm settles `slot` only when the request went nowhere.
    ///
    /// - Throws: The transport's error when the request could not be handed to a connection at all.
    func send(on transport: AMQPTransport, settling slot: ReplySlot, attempt: Int = 0) async throws {
        var properties = self.properties
        if let deadline = self.deadline {
            // Counted from now: a request sent again after a lost connection has less time left.
            properties.expiration = deadline.expiration()
        }
        let confirmation = try await transport.publish(
            OutgoingMessage(
                body: self.body,
                exchange: self.exchange,
                routingKey: self.routingKey,
                mandatory: true,
                properties: properties
            ),
            attempt: attempt
        )
        confirmation.whenConfirmed { result in
            switch result {
            case .success(.acked), .success(.unconfirmed):
                return
            case .success(.returned):
                slot.complete(.failure(self.target.unroutable))
            case .success(.nacked):
                slot.complete(.failure(EnokiError(.transport, "the broker refused the request to \(self.target)")))
            case .failure(let error):
                guard AMQPTransport.shouldRetry(error, after: attempt), !slot.isSettled else {
                    slot.complete(.failure(self.lost(error)))
                    return
                }
                // On the event loop, in the confirm's callback: the next attempt waits for a new channel, in a task
                // of the transport's.
                let spawned = transport.spawn {
                    do {
                        try await self.send(on: transport, settling: slot, attempt: attempt + 1)
                    } catch {
                        slot.complete(.failure(self.lost(error)))
                    }
                }
                if !spawned { slot.complete(.failure(self.lost(error))) }
            }
        }
    }

    private func lost(_ error: any Error) -> EnokiError {
        EnokiError(.transport, "the request to \(self.target) was lost", underlying: error)
    }
}
