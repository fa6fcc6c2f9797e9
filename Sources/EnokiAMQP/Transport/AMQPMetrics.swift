//===----------------------------------------------------------------------===//
// This source file is part of Enoki. Licensed under Apache License v2.0.
//===----------------------------------------------------------------------===//

import CoreMetrics
public import EnokiCore

extension ServiceMetrics.Name {
    /// Counter: RPC calls a service's workers made, by `service`, `target_service`, `target_method` and `outcome`
    /// (`success`; `error`, the method raised; `refused`, no such service; `failed`, no reply: a timeout or the
    /// broker).
    public static let rpcClientCalls = "enoki_rpc_client_calls_total"
    /// Timer: how long those calls took, by `service`, `target_service` and `target_method`.
    public static let rpcClientDuration = "enoki_rpc_client_duration_seconds"
    /// Counter: events a service's workers dispatched, by `service`, `event_type` and `outcome` (`success`,
    /// `failed`).
    public static let eventsDispatched = "enoki_events_dispatched_total"
    /// Timer: how long a dispatch took until the broker confirmed it, by `service` and `event_type`.
    public static let eventDispatchDuration = "enoki_event_dispatch_duration_seconds"
    /// Counter: messages a service's workers published, by `service`, `exchange` (empty for the default
    /// exchange) and `outcome` (`success`, `failed`).
    public static let messagesPublished = "enoki_messages_published_total"
    /// Timer: how long a publish took until the broker confirmed it, by `service` and `exchange`.
    public static let publishDuration = "enoki_publish_duration_seconds"
    /// Counter: deliveries the broker marked as redelivered, by `service` and `entrypoint`.
    public static let redeliveries = "enoki_redeliveries_total"
    /// Counter: messages rejected without requeueing because they could not be read (dead-lettered where the
    /// queue has a dead-letter exchange), by `service`, `entrypoint` and `reason` (`unreadable`, `no_reply_to`).
    public static let messagesDropped = "enoki_messages_dropped_total"
    /// Counter: connections to the broker opened again after one was lost, by `connection` (`consumer`,
    /// `publisher`); not labelled with a service, since a runner's services share their connections.
    public static let reconnections = "enoki_amqp_reconnections_total"
}

/// The counters an AMQP entrypoint keeps besides its worker counts: redeliveries and messages it dropped.
struct DeliveryMetrics: Sendable {
    let redeliveries: Counter
    let unreadable: Counter
    let noReplyTo: Counter

    init(_ metrics: ServiceMetrics, entrypoint: String) {
        self.redeliveries = metrics.counter(ServiceMetrics.Name.redeliveries, [("entrypoint", entrypoint)])
        self.unreadable = metrics.counter(
            ServiceMetrics.Name.messagesDropped,
            [("entrypoint", entrypoint), ("reason", "unreadable")]
        )
        self.noReplyTo = metrics.counter(
            ServiceMetrics.Name.messagesDropped,
            [("entrypoint", entrypoint), ("reason", "no_reply_to")]
        )
    }

    /// Counts the delivery when the broker has delivered it before.
    func received(_ redelivered: Bool) {
        if redelivered { self.redeliveries.increment() }
    }

    /// Counts a message dropped because it could not be read.
    func droppedUnreadable() { self.unreadable.increment() }

    /// Counts an RPC request dropped because it had no `reply_to`.
    func droppedWithoutReplyTo() { self.noReplyTo.increment() }
}

extension ServiceMetrics {
    /// Runs an outgoing operation, and counts it under `counter` by how it ended and records its duration under
    /// `duration`.
    ///
    /// The outcome is `success` when it returned, `error` when a remote method raised, `refused` when no service
    /// listens, and `failed` otherwise (a timeout, the broker, a cancellation).
    func measure<T>(
        _ counter: String,
        duration: String,
        labels: [(String, String)],
        _ operation: () async throws -> T
    ) async throws -> T {
        let started = ContinuousClock.now
        let outcome: String
        defer {
            self.recordOperation(
                counter,
                duration: duration,
                labels: labels,
                outcome: outcome,
                elapsed: ContinuousClock.now - started
            )
        }
        do {
            let value = try await operation()
            outcome = "success"
            return value
        } catch let error as RemoteError {
            outcome = "error"
            throw error
        } catch let error as EnokiError where error.code == .unknownService {
            outcome = "refused"
            throw error
        } catch {
            outcome = "failed"
            throw error
        }
    }
}
