//===----------------------------------------------------------------------===//
// This source file is part of Enoki. Licensed under Apache License v2.0.
//===----------------------------------------------------------------------===//

import Enoki
import Testing

/// The broker's keys of a Nameko config file, read by the AMQP module (no broker needed).
@Suite struct AMQPConfigTests {
    @Test func brokerKeysFromAFile() throws {
        let config = try ConfigLoader.load(
            yaml: """
                AMQP_URI: ${AMQP_URI:amqp://guest:guest@127.0.0.1}
                max_workers: 4
                rpc_exchange: custom-rpc
                HEARTBEAT: 30
                DECLARE_EVENT_EXCHANGES: false
                AUTO_DELETE_EVENT_EXCHANGES: 'yes'
                LOGIN_METHOD: AMQPLAIN
                """,
            environment: [:]
        )
        #expect(config.amqpURI == "amqp://guest:guest@127.0.0.1")
        #expect(config.prefetchCount == 8)
        #expect(config.rpcExchange == "custom-rpc")
        #expect(config.heartbeat == 30)
        #expect(config.declareEventExchanges == false)
        #expect(config.autoDeleteEventExchanges == true)
        let connection = try config.amqpConfiguration()
        #expect(connection.heartbeat == 30)
        #expect(connection.authentication == .amqplain)
    }

    @Test func brokerDefaults() {
        let config = EnokiConfig()
        #expect(config.amqpURI == "pyamqp://guest:guest@localhost")
        #expect(config.rpcExchange == "nameko-rpc")
        #expect(config.serializer == "json")
        #expect(config.heartbeat == 60)
        #expect(config.prefetchCount == 20)
        #expect(config.declareEventExchanges == true)
        #expect(config.autoDeleteEventExchanges == false)
        #expect(EnokiConfig(["PREFETCH_COUNT": 50, "max_workers": 4]).prefetchCount == 50)
    }

    @Test func aSerializerOtherThanJSONIsRefused() throws {
        #expect(try EnokiConfig(["serializer": "json"]).amqpConfiguration().heartbeat == 60)
        let error = #expect(throws: EnokiError.self) { try EnokiConfig(["serializer": "pickle"]).amqpConfiguration() }
        #expect(error?.code == .configuration)
        #expect(error?.message == "serializer pickle is not supported; Enoki speaks json, Nameko's default")
    }
}
