//===----------------------------------------------------------------------===//
// This source file is part of Enoki. Licensed under Apache License v2.0.
//===----------------------------------------------------------------------===//

/// How an event reaches the instances of the services that handle it (Nameko's `handler_type`).
public struct EventHandlerType: Sendable, Hashable, CustomStringConvertible {
    enum Kind: Hashable {
        case servicePool
        case singleton
        case broadcast(identifier: String?)
    }

    let kind: Kind

    /// One instance of each listening service gets the event (the default): instances of a service share one
    /// queue, `evt-{source}-{event}--{service}.{method}`.
    public static let servicePool = EventHandlerType(kind: .servicePool)

    /// Exactly one listener gets the event, across every service that has a singleton handler for it: they all
    /// share the queue `evt-{source}-{event}`.
    public static let singleton = EventHandlerType(kind: .singleton)

    /// Every running instance gets the event: each has its own queue, named with a random identifier made at start
    /// (`evt-{source}-{event}--{service}.{method}-{identifier}`), exclusive and deleted with its connection.
    /// Events that arrive while an instance is down are lost to it, so a broadcast handler must be declared with
    /// `reliableDelivery: false`, as in Nameko; for reliable broadcast, use ``broadcast(identifier:)``.
    public static let broadcast = EventHandlerType(kind: .broadcast(identifier: nil))

    /// Every running instance gets the event, each instance naming its queue with a stable identifier of its own
    /// (a host name, say, and never one shared by two running instances). With reliable delivery the queue is
    /// durable and outlives the instance, so events that arrive while it is down wait for it.
    public static func broadcast(identifier: String) -> EventHandlerType {
        EventHandlerType(kind: .broadcast(identifier: identifier))
    }

    /// Nameko's name for the type: `service_pool`, `singleton` or `broadcast`.
    public var description: String {
        switch self.kind {
        case .servicePool: return "service_pool"
        case .singleton: return "singleton"
        case .broadcast: return "broadcast"
        }
    }
}
