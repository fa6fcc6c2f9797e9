//===----------------------------------------------------------------------===//
// This source file is part of Enoki. Licensed under Apache License v2.0.
//===----------------------------------------------------------------------===//

public import EnokiCore

/// What a service declares on the broker: the topology of its entrypoints and dependencies
/// (``AMQPTopologyDeclaring``), from its declaration, without connecting.
public enum ServiceTopology {
    /// The topology of one service type with a config.
    public static func of<S: ServiceDefinition>(_ type: S.Type, config: EnokiConfig) throws -> AMQPTopology {
        let declaration = try ServiceDeclaration<S>.make()
        var topology = AMQPTopology()
        for (method, entrypoint) in declaration.declaredEntrypoints {
            if let handler = entrypoint as? EventHandlerEntrypoint {
                topology.merge(try handler.topology(service: S.serviceName, method: method, config: config))
            } else if let declaring = entrypoint as? any AMQPTopologyDeclaring {
                topology.merge(try declaring.topology(service: S.serviceName, config: config))
            }
        }
        for (_, provider) in declaration.dependencyProviders {
            if let declaring = provider as? any AMQPTopologyDeclaring {
                topology.merge(try declaring.topology(service: S.serviceName, config: config))
            }
        }
        return topology
    }

    /// The topology of each service type, by service name, in order.
    public static func of(
        _ types: [any ServiceDefinition.Type],
        config: EnokiConfig
    ) throws -> [(service: String, topology: AMQPTopology)] {
        func one<S: ServiceDefinition>(_ type: S.Type) throws -> (String, AMQPTopology) {
            (S.serviceName, try self.of(type, config: config))
        }
        return try types.map { try one($0) }
    }
}
