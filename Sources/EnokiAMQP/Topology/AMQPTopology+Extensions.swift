//===----------------------------------------------------------------------===//
// This source file is part of Enoki. Licensed under Apache License v2.0.
//===----------------------------------------------------------------------===//

import EnokiAMQPClient
public import EnokiCore

// What each of Enoki's own AMQP extensions declares; their setups declare the same specs.

extension RPCEntrypoint: AMQPTopologyDeclaring {
    /// The RPC exchange and the queue `rpc-{service}` bound with `{service}.*`.
    public func topology(service: String, config: EnokiConfig) throws -> AMQPTopology {
        var topology = AMQPTopology()
        topology.add(RPCServer.queue(service: service, config: config))
        return topology
    }
}

extension DiscoveryEntrypoint: AMQPTopologyDeclaring {
    /// The RPC queue (for the discovery call), and an exclusive queue per instance on `enoki.discovery`.
    public func topology(service: String, config: EnokiConfig) throws -> AMQPTopology {
        var topology = AMQPTopology()
        topology.add(RPCServer.queue(service: service, config: config))
        topology.add(Self.broadcastQueue(service: service, identifier: AMQPTopology.random))
        return topology
    }
}

extension EventHandlerEntrypoint: AMQPTopologyDeclaring {
    /// The source's events exchange and the handler's queue. The method's name is part of the queue's: the
    /// topology of a handler declared outside a service declaration uses `handler`.
    public func topology(service: String, config: EnokiConfig) throws -> AMQPTopology {
        try self.topology(service: service, method: "handler", config: config)
    }

    /// The source's events exchange and the handler's queue, for the method `method`.
    public func topology(service: String, method: String, config: EnokiConfig) throws -> AMQPTopology {
        var topology = AMQPTopology()
        topology.add(
            try EventHandlerQueue.queue(
                source: self.sourceService,
                eventType: self.eventType,
                service: service,
                method: method,
                handlerType: self.handlerType,
                reliableDelivery: self.reliableDelivery,
                broadcastIdentifier: AMQPTopology.random,
                config: config
            )
        )
        return topology
    }
}

extension ConsumeEntrypoint: AMQPTopologyDeclaring {
    /// The consumer's queue and the exchange it is bound to.
    public func topology(service: String, config: EnokiConfig) throws -> AMQPTopology {
        var topology = AMQPTopology()
        topology.add(self.queue)
        return topology
    }
}

extension RPCProxy: AMQPTopologyDeclaring {
    /// The container's reply queue, `rpc.reply-{service}-{random}`, on the RPC exchange (one per container, for
    /// all its proxies).
    public func topology(service: String, config: EnokiConfig) throws -> AMQPTopology {
        var topology = AMQPTopology()
        topology.add(
            ReplyListener.queue(
                name: "rpc.reply-\(service)-\(AMQPTopology.random)",
                routingKey: AMQPTopology.random,
                config: config
            )
        )
        return topology
    }
}

extension EventDispatcher: AMQPTopologyDeclaring {
    /// The service's events exchange, unless `DECLARE_EVENT_EXCHANGES` is false.
    public func topology(service: String, config: EnokiConfig) throws -> AMQPTopology {
        var topology = AMQPTopology()
        if config.declareEventExchanges {
            topology.add(EventHandlerQueue.exchange(of: service, config: config))
        }
        return topology
    }
}

extension Publisher: AMQPTopologyDeclaring {
    /// The publisher's exchange and the queues it declares.
    public func topology(service: String, config: EnokiConfig) throws -> AMQPTopology {
        var topology = AMQPTopology()
        if let exchange = self.exchange {
            topology.add(exchange)
        }
        for queue in self.queues { topology.add(queue) }
        return topology
    }
}
