//===----------------------------------------------------------------------===//
// This source file is part of Enoki. Licensed under Apache License v2.0.
//===----------------------------------------------------------------------===//

import EnokiAMQPClient
public import EnokiCore
import NIOCore

/// Finds the Enoki services running on a cluster: it broadcasts the discovery call on
/// ``DiscoveryEntrypoint/exchange`` and gathers the answers of every instance for a while (`enoki services`).
///
/// Python Nameko services do not answer (they lack the discovery call); a shell still calls them by name.
public enum ServiceDirectory {
    /// The Enoki services that answered, each with the number of instances that did, by name.
    public struct Listing: Sendable {
        /// One service.
        public struct Entry: Sendable {
            /// What the service offers (as its first instance to answer said).
            public var description: ServiceDescription
            /// How many instances answered.
            public var instances: Int
        }

        /// The services, by name.
        public var services: [Entry]
    }

    /// Broadcasts the discovery call and gathers the answers that arrive within `wait`.
    ///
    /// - Parameters:
    ///   - config: Where the broker is (`AMQP_URI`, `rpc_exchange`).
    ///   - wait: How long to gather answers.
    /// - Throws: `AMQPError` when the broker cannot be reached.
    public static func list(config: EnokiConfig, wait: Duration = .seconds(1)) async throws -> Listing {
        let connection = try await AMQPConnection.connect(
            configuration: try config.amqpConfiguration(connectionName: "enoki services")
        )
        do {
            let answers = try await self.gather(on: connection, config: config, wait: wait)
            await connection.close()
            var order: [String] = []
            var entries: [String: Listing.Entry] = [:]
            for answer in answers {
                if entries[answer.service] == nil {
                    order.append(answer.service)
                    entries[answer.service] = Listing.Entry(description: answer, instances: 0)
                }
                entries[answer.service]?.instances += 1
            }
            return Listing(services: order.sorted().compactMap { entries[$0] })
        } catch {
            await connection.close()
            throw error
        }
    }

    private static func gather(
        on connection: AMQPConnection,
        config: EnokiConfig,
        wait: Duration
    ) async throws -> [ServiceDescription] {
        let channel = try await connection.openChannel()
        let exchange = config.rpcExchange
        try await channel.declareExchange(exchange, type: .topic, durable: true)
        try await DiscoveryEntrypoint.exchange.declare(on: channel)
        let queue = try await channel.declareQueue("", exclusive: true).name
        try await channel.bindQueue(queue, exchange: exchange, routingKey: queue)
        let consumer = try await channel.consume(queue: queue, noAck: true)
        var properties = BasicProperties()
        properties.contentType = RPCMessage.contentType
        properties.replyTo = queue
        properties.correlationID = RandomUUID.make()
        try await channel.publish(
            RPCMessage.requestBody(args: [], kwargs: [:]),
            exchange: DiscoveryEntrypoint.exchange.name,
            routingKey: "",
            properties: properties
        )
        return await withTaskGroup(of: [ServiceDescription].self) { group in
            group.addTask {
                var answers: [ServiceDescription] = []
                do {
                    for try await delivery in consumer {
                        guard case .success(let value)? = try? RPCMessage.parseReply(delivery.body),
                            let description = try? ServiceDescription(json: value)
                        else { continue }
                        answers.append(description)
                    }
                } catch {
                    // The channel went away: keep what came.
                }
                return answers
            }
            try? await Task.sleep(for: wait)
            // Cancelling the consumer ends its sequence, and the gathering task returns what came.
            try? await consumer.cancel()
            group.cancelAll()
            return await group.next() ?? []
        }
    }
}
