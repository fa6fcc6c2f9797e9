//===----------------------------------------------------------------------===//
// This source file is part of Enoki. Licensed under Apache License v2.0.
//===----------------------------------------------------------------------===//

import EnokiAMQPProtocol
import NIOCore
import Testing

@testable import EnokiAMQPClient

@Suite struct ConnectionStateMachineTests {
    static let settings = ConnectionStateMachine.Settings(
        username: "guest",
        password: "secret",
        virtualHost: "/",
        mechanism: .plain,
        heartbeat: 60,
        frameMax: 131_072,
        channelMax: 2047,
        clientProperties: ["product": "Enoki"]
    )

    static let start = AMQPMethod.Connection.Start(
        versionMajor: 0,
        versionMinor: 9,
        serverProperties: ["product": "RabbitMQ"],
        mechanisms: "AMQPLAIN PLAIN",
        locales: "en_US"
    )

    func handshake(_ machine: inout ConnectionStateMachine) {
        #expect(machine.channelActive() == .sendProtocolHeader)
        _ = machine.startReceived(Self.start)
        _ = machine.tuneReceived(.init(channelMax: 2047, frameMax: 131_072, heartbeat: 60))
        _ = machine.openOkReceived()
    }

    @Test func handshakeNegotiatesAndOpens() {
        var machine = ConnectionStateMachine(settings: Self.settings)
        #expect(machine.channelActive() == .sendProtocolHeader)
        let startOk = machine.startReceived(Self.start)
        #expect(
            startOk
                == .send(
                    .connectionStartOk(
                        .init(
                            clientProperties: ["product": "Enoki"],
                            mechanism: "PLAIN",
                            response: [0] + Array("guest".utf8) + [0] + Array("secret".utf8),
                            locale: "en_US"
                        )
                    )
                )
        )
        let tuned = ConnectionStateMachine.Tuning(channelMax: 1024, frameMax: 65_536, heartbeat: 30)
        #expect(
            machine.tuneReceived(.init(channelMax: 1024, frameMax: 65_536, heartbeat: 30))
                == .sendTuneOkAndOpen(
                    tuneOk: .connectionTuneOk(.init(channelMax: 1024, frameMax: 65_536, heartbeat: 30)),
                    open: .connectionOpen(.init(virtualHost: "/")),
                    tuned
                )
        )
        #expect(machine.openOkReceived() == .established(tuned, serverProperties: ["product": "RabbitMQ"]))
        #expect(machine.isOpen)
    }

    @Test func negotiationTreatsZeroAsNoLimit() {
        #expect(ConnectionStateMachine.negotiate(client: UInt16(2047), server: 0, unlimited: .max) == 2047)
        #expect(ConnectionStateMachine.negotiate(client: UInt32(0), server: 131_072, unlimited: .max) == 131_072)
        #expect(ConnectionStateMachine.negotiate(client: UInt16(0), server: 0, unlimited: 0) == 0)
        var settings = Self.settings
        settings.heartbeat = 0
        var machine = ConnectionStateMachine(settings: settings)
        _ = machine.channelActive()
        _ = machine.startReceived(Self.start)
        guard
            case .sendTuneOkAndOpen(_, _, let tuning) = machine.tuneReceived(
                .init(channelMax: 0, frameMax: 0, heartbeat: 60)
            )
        else {
            Issue.record("expected tune-ok")
            return
        }
        // Heartbeats off on our side stay off, whatever the broker proposes.
        #expect(tuning.heartbeat == 0)
        #expect(tuning.channelMax == 2047)
    }

    @Test func amqplainSendsAFieldTableWithoutItsLength() throws {
        var settings = Self.settings
        settings.mechanism = .amqplain
        var machine = ConnectionStateMachine(settings: settings)
        _ = machine.channelActive()
        guard case .send(.connectionStartOk(let startOk)) = machine.startReceived(Self.start) else {
            Issue.record("expected start-ok")
            return
        }
        #expect(startOk.mechanism == "AMQPLAIN")
        var buffer = ByteBuffer()
        buffer.writeInteger(UInt32(startOk.response.count))
        buffer.writeBytes(startOk.response)
        #expect(try buffer.readAMQPFieldTable() == ["LOGIN": "guest", "PASSWORD": "secret"])
    }

    @Test func mechanismTheBrokerDoesNotOfferFailsTheHandshake() {
        var machine = ConnectionStateMachine(settings: Self.settings)
        _ = machine.channelActive()
        var start = Self.start
        start.mechanisms = "EXTERNAL"
        guard case .closeSocket(false, let error) = machine.startReceived(start) else {
            Issue.record("expected the socket to close")
            return
        }
        #expect(error.code == .handshakeFailed)
        #expect(error.message.contains("EXTERNAL"))
    }

    @Test func refusedLoginIsAnAuthenticationError() {
        var machine = ConnectionStateMachine(settings: Self.settings)
        _ = machine.channelActive()
        _ = machine.startReceived(Self.start)
        let action = machine.closeReceived(
            .init(replyCode: 403, replyText: "ACCESS_REFUSED - Login was refused", classID: 0, methodID: 0)
        )
        guard case .closeSocket(true, let error) = action else {
            Issue.record("expected close-ok and socket close")
            return
        }
        #expect(error.code == .authenticationFailed)
        #expect(error.message.contains("guest"))
        #expect(!error.message.contains("secret"))
    }

    @Test func brokerHangingUpAfterLoginIsAnAuthenticationError() {
        var machine = ConnectionStateMachine(settings: Self.settings)
        _ = machine.channelActive()
        _ = machine.startReceived(Self.start)
        guard case .failAll(let error) = machine.channelInactive() else {
            Issue.record("expected failAll")
            return
        }
        #expect(error.code == .authenticationFailed)
    }

    @Test func refusedVirtualHost() {
        var machine = ConnectionStateMachine(settings: Self.settings)
        _ = machine.channelActive()
        _ = machine.startReceived(Self.start)
        _ = machine.tuneReceived(.init(channelMax: 0, frameMax: 0, heartbeat: 0))
        guard
            case .closeSocket(true, let error) = machine.closeReceived(
                .init(replyCode: 530, replyText: "NOT_ALLOWED - vhost nope not found", classID: 10, methodID: 40)
            )
        else {
            Issue.record("expected close")
            return
        }
        #expect(error.code == .virtualHostRefused)
        #expect(error.replyCode == .notAllowed)
    }

    @Test func brokerCloseWhileOpen() {
        var machine = ConnectionStateMachine(settings: Self.settings)
        self.handshake(&machine)
        guard
            case .closeSocket(true, let error) = machine.closeReceived(
                .init(
                    replyCode: 320,
                    replyText: "CONNECTION_FORCED - closed via management plugin",
                    classID: 0,
                    methodID: 0
                )
            )
        else {
            Issue.record("expected close")
            return
        }
        #expect(error.code == .connectionClosedByBroker)
        #expect(error.replyCode == .connectionForced)
        #expect(machine.channelInactive() == .none)
    }

    @Test func clientCloseWaitsForCloseOk() {
        var machine = ConnectionStateMachine(settings: Self.settings)
        self.handshake(&machine)
        guard case .sendClose(_, let error, closeSocket: false) = machine.closeRequested() else {
            Issue.record("expected connection.close")
            return
        }
        #expect(error.code == .connectionClosed)
        #expect(machine.closeRequested() == .none)
        guard case .closeSocket(false, let final) = machine.closeOkReceived() else {
            Issue.record("expected the socket to close")
            return
        }
        #expect(final.code == .connectionClosed)
    }

    @Test func closesCrossing() {
        var machine = ConnectionStateMachine(settings: Self.settings)
        self.handshake(&machine)
        _ = machine.closeRequested()
        guard
            case .closeSocket(true, let error) = machine.closeReceived(
                .init(replyCode: 200, replyText: "", classID: 0, methodID: 0)
            )
        else {
            Issue.record("expected close-ok")
            return
        }
        #expect(error.code == .connectionClosed)
    }

    @Test func lostSocketWhileOpen() {
        var machine = ConnectionStateMachine(settings: Self.settings)
        self.handshake(&machine)
        guard case .failAll(let error) = machine.channelInactive() else {
            Issue.record("expected failAll")
            return
        }
        #expect(error.code == .connectionLost)
    }

    @Test func blockedAndUnblocked() {
        var machine = ConnectionStateMachine(settings: Self.settings)
        self.handshake(&machine)
        #expect(machine.blockedReceived(reason: "low on memory") == .blocked(reason: "low on memory"))
        #expect(machine.unblockedReceived() == .unblocked)
    }

    @Test func methodsOutOfTurnAreProtocolErrors() {
        var machine = ConnectionStateMachine(settings: Self.settings)
        _ = machine.channelActive()
        guard
            case .closeSocket(false, let error) = machine.tuneReceived(.init(channelMax: 0, frameMax: 0, heartbeat: 0))
        else {
            Issue.record("expected the socket to close")
            return
        }
        #expect(error.code == .protocolViolation)
    }

    @Test func decodeErrorWhileOpenSaysWhyAndCloses() {
        var machine = ConnectionStateMachine(settings: Self.settings)
        self.handshake(&machine)
        let action = machine.errorHappened(AMQPError(.protocolViolation, "bad frame end"), replyCode: .frameError)
        guard case .sendClose(.connectionClose(let close), _, closeSocket: true) = action else {
            Issue.record("expected connection.close and a closed socket")
            return
        }
        #expect(close.replyCode == 501)
    }
}

@Suite struct HeartbeatMonitorTests {
    @Test func sendsWhenIdleAndStaysQuietWhenWriting() {
        var monitor = HeartbeatMonitor()
        monitor.didRead()
        #expect(monitor.tick(readsPaused: false) == .sendHeartbeat)
        monitor.didRead()
        monitor.didWrite()
        #expect(monitor.tick(readsPaused: false) == .none)
    }

    @Test func silentBrokerIsDetectedOnTheThirdSilentTick() {
        // Ticks come every half interval: three silent ticks are 1.5 to 2 intervals of silence.
        var monitor = HeartbeatMonitor()
        #expect(monitor.tick(readsPaused: false) == .sendHeartbeat)
        #expect(monitor.tick(readsPaused: false) == .sendHeartbeat)
        #expect(monitor.tick(readsPaused: false) == .brokerSilent)
    }

    @Test func anyInputResetsTheCount() {
        var monitor = HeartbeatMonitor()
        _ = monitor.tick(readsPaused: false)
        _ = monitor.tick(readsPaused: false)
        monitor.didRead()
        #expect(monitor.tick(readsPaused: false) == .sendHeartbeat)
        #expect(monitor.tick(readsPaused: false) == .sendHeartbeat)
        #expect(monitor.tick(readsPaused: false) == .sendHeartbeat)
        #expect(monitor.tick(readsPaused: false) == .brokerSilent)
    }

    @Test func pausedReadsDoNotCountAsSilence() {
        var monitor = HeartbeatMonitor()
        for _ in 0..<10 {
            #expect(monitor.tick(readsPaused: true) == .sendHeartbeat)
        }
    }
}
