//===----------------------------------------------------------------------===//
// This source file is part of Enoki. Licensed under Apache License v2.0.
//===----------------------------------------------------------------------===//

/// Decides, at each tick of a timer running every half heartbeat interval, whether to send a heartbeat and
/// whether the broker has gone silent.
///
/// We send a heartbeat when we wrote nothing during the last tick. The broker counts as silent after three
/// ticks in a row without a byte from it, so a dead broker is detected between 1.5 and 2 intervals after its last
/// byte. While the client deliberately stops reading (consumer back-pressure), silence is not counted.
///
/// The timer runs on the connection's event loop, so heartbeats never wait for user code.
struct HeartbeatMonitor {
    enum Action: Equatable {
        case none
        case sendHeartbeat
        case brokerSilent
    }

    /// Ticks without input after which the broker counts as gone.
    static let silentTicksLimit = 3

    private var readSinceTick = false
    private var wroteSinceTick = false
    private var silentTicks = 0

    mutating func didRead() {
        self.readSinceTick = true
    }

    mutating func didWrite() {
        self.wroteSinceTick = true
    }

    mutating func tick(readsPaused: Bool) -> Action {
        defer {
            self.readSinceTick = false
            self.wroteSinceTick = false
        }
        if self.readSinceTick || readsPaused {
            self.silentTicks = 0
        } else {
            self.silentTicks += 1
            if self.silentTicks >= Self.silentTicksLimit {
                return .brokerSilent
            }
        }
        return self.wroteSinceTick ? .none : .sendHeartbeat
    }
}
