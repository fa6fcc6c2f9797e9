//===----------------------------------------------------------------------===//
// This source file is part of Enoki. Licensed under Apache License v2.0.
//===----------------------------------------------------------------------===//

import DequeModule
import EnokiAMQPClient
import EnokiBenchSupport
import Foundation
import NIOCore
import Synchronization

/// One-way publish-to-consume throughput, as `oneway` of the rabbitmq-c tools measures it: a consumer on its
/// own connection acks every message; the publisher sends N messages as fast as it can, with no confirms
/// (`-c 0`), each confirm awaited (`-c 1`), or at most `-C` unconfirmed at a time (`-c 2`).
enum OneWay {
    static func run(_ options: BenchOptions, onEventLoop: Bool) async throws {
        let count = options.int("n", 200_000)
        let size = options.int("s", 16)
        let mode = options.int("m", 1)
        let confirms = options.int("c", 0)
        let window = options.int("C", 1000)
        let prefetch = options.int("f", 1000)
        let queueName = options.string("q", "bench-oneway")
        let configuration = try benchConfiguration()

        let consumerConnection = try await AMQPConnection.connect(configuration: configuration)
        let publisherConnection = try await AMQPConnection.connect(configuration: configuration)
        let setup = try await consumerConnection.openChannel()
        try await setup.declareQueue(queueName, durable: true)
        try await setup.purgeQueue(queueName)

        let consumerChannel = try await consumerConnection.openChannel()
        try await consumerChannel.qos(prefetchCount: UInt16(prefetch))
        let consumer = try await consumerChannel.consume(queue: queueName)

        let clock = ContinuousClock()
        let started = Mutex<ContinuousClock.Instant?>(nil)
        let consuming = Task(executorPreference: onEventLoop ? consumerConnection.executor : nil) {
            var received = 0
            var first: ContinuousClock.Instant?
            for try await delivery in consumer {
                if first == nil { first = clock.now }
                received += 1
                try delivery.ack()
                if received == count { break }
            }
            return (first ?? clock.now, clock.now)
        }

        let channel = try await publisherConnection.openChannel()
        if confirms > 0 {
            try await channel.enablePublisherConfirms()
        }
        var body = ByteBuffer()
        body.writeRepeatingByte(UInt8(ascii: "x"), count: size)
        let payload = body
        let properties = BasicProperties(deliveryMode: UInt8(mode))
        let publishStart = clock.now
        started.withLock { $0 = publishStart }
        let publishing = Task(executorPreference: onEventLoop ? publisherConnection.executor : nil) {
            var inFlight = Deque<PublishConfirmation>()
            var nacks = 0
            for _ in 0..<count {
                let confirmation = try await channel.publish(payload, routingKey: queueName, properties: properties)
                switch confirms {
                case 1:
                    if case .nacked = try await confirmation.outcome() { nacks += 1 }
                case 2:
                    inFlight.append(confirmation)
                    while inFlight.count >= window || (inFlight.first?.isResolved ?? false) {
                        if case .nacked = try await inFlight.removeFirst().outcome() { nacks += 1 }
                    }
                default:
                    // Yield now and then, so that the event loop can write what was published.
                    break
                }
            }
            while let confirmation = inFlight.popFirst() {
                if case .nacked = try await confirmation.outcome() { nacks += 1 }
            }
            return (clock.now, nacks)
        }
        let (publishEnd, nacks) = try await publishing.value
        let (firstConsumed, lastConsumed) = try await consuming.value
        let total = nanoseconds(lastConsumed - publishStart) / 1e9
        print(
            String(
                format:
                    "RESULT bench=enoki_oneway size=%d mode=%d confirms=%d window=%d prefetch=%d | rate=%.1f pub_rate=%.1f consume_rate=%.1f n=%d secs=%.3f nacks=%d",
                size,
                mode,
                confirms,
                confirms == 2 ? window : 0,
                prefetch,
                Double(count) / total,
                Double(count) / (nanoseconds(publishEnd - publishStart) / 1e9),
                Double(count) / (nanoseconds(lastConsumed - firstConsumed) / 1e9),
                count,
                total,
                nacks
            )
        )
        await publisherConnection.close()
        await consumerConnection.close()
    }
}
