//===----------------------------------------------------------------------===//
// This source file is part of Enoki. Licensed under Apache License v2.0.
//===----------------------------------------------------------------------===//

import Enoki
import EnokiTesting
import Logging
import Synchronization
import Testing

/// When each run started, on the test's clock, and what it did.
final class TickLog: Sendable {
    private let entries = Mutex<[String]>([])

    /// Records `entry` and returns how many entries there are.
    @discardableResult
    func append(_ entry: String) -> Int {
        self.entries.withLock {
            $0.append(entry)
            return $0.count
        }
    }

    var all: [String] { self.entries.withLock { $0 } }
    var starts: [String] { self.all.filter { !$0.hasPrefix("end") } }
    var ends: Int { self.all.count { $0.hasPrefix("end") } }
}

func seconds(_ instant: ManualClock.Instant) -> String {
    let (whole, fraction) = instant.offset.components
    let tenths = (whole * 10) + fraction / 100_000_000_000_000_000
    return "\(tenths / 10).\(tenths % 10)"
}

struct TickFailed: Error {}

/// Nameko's observed schedule (nameko-wire §8): interval 1 s, the first run takes 2.5 s, later runs 0.1 s.
@Service("ticker")
struct Ticker {
    @Dependency(ConstantProvider(ManualClock())) var clock: ManualClock
    @Dependency(ConstantProvider(TickLog())) var log: TickLog

    @Timer(interval: 1)
    func tick() async throws {
        let run = self.log.append(seconds(self.clock.now))
        try await self.clock.sleep(for: run == 1 ? .milliseconds(2500) : .milliseconds(100))
        self.log.append("end")
        if run == 7 { throw TickFailed() }
    }
}

@Service("eager_ticker")
struct EagerTicker {
    @Dependency(ConstantProvider(ManualClock())) var clock: ManualClock
    @Dependency(ConstantProvider(TickLog())) var log: TickLog

    @Timer(interval: .seconds(1), eager: true)
    func tick() async throws {
        let run = self.log.append(seconds(self.clock.now))
        try await self.clock.sleep(for: run == 1 ? .milliseconds(2500) : .milliseconds(100))
        self.log.append("end")
    }
}

@Service("slow_ticker")
struct SlowTicker {
    @Dependency(ConstantProvider(ManualClock())) var clock: ManualClock
    @Dependency(ConstantProvider(TickLog())) var log: TickLog

    @Timer(interval: 0.5)
    func tick() async throws {
        self.log.append("start")
        try await self.clock.sleep(for: .seconds(10))
        self.log.append("end")
    }
}

/// Timers (nameko-wire §8, case 31 of §16), on a clock the test drives.
@Suite(.timeLimit(.minutes(3))) struct TimerTests {
    /// Runs `service` on `clock` until `runs` runs have started, moving the clock to each next deadline.
    func drive<S: ServiceDefinition>(
        _ service: S.Type,
        clock: ManualClock,
        log: TickLog,
        runs: Int,
        logger: Logger = Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() })
    ) async throws {
        try await TestRunner.run(
            services: [.service(service, replacing: ["clock": .value(clock), "log": .value(log)])],
            clock: clock,
            logger: logger
        ) { _ in
            // Exactly one task sleeps on the clock at a time: a run, or the timer between runs. Whenever one
            // sleeps, the log is settled. Stop once the timer sleeps after the last run: stopping cuts that short.
            while true {
                await clock.waitForSleepers(1)
                if log.ends >= runs && log.starts.count == log.ends { break }
                clock.advanceToNextDeadline()
            }
        }
    }

    @Test func anOverrunIsCaughtUpAsNamekoDoes() async throws {
        let clock = ManualClock()
        let log = TickLog()
        let logs = LogCapture()
        try await self.drive(Ticker.self, clock: clock, log: log, runs: 6, logger: logs.logger)
        #expect(log.starts == ["1.0", "3.5", "3.6", "4.0", "5.0", "6.0"])
        // The fourth run threw: it was logged, and the timer went on.
        let failure = try await logs.first(containing: "error handling worker")
        #expect(failure.metadata["error"]?.contains("TickFailed") == true)
        #expect(failure.metadata["worker"]?.hasPrefix("ticker.tick.") == true)
    }

    @Test func anEagerTimerRunsAtOnce() async throws {
        let clock = ManualClock()
        let log = TickLog()
        try await self.drive(EagerTicker.self, clock: clock, log: log, runs: 7)
        #expect(log.starts == ["0.0", "2.5", "2.6", "3.0", "4.0", "5.0", "6.0"])
    }

    @Test func stopWaitsForTheRunningTick() async throws {
        let clock = ManualClock()
        let log = TickLog()
        try await TestRunner.run(
            services: [.service(SlowTicker.self, replacing: ["clock": .value(clock), "log": .value(log)])],
            clock: clock
        ) { cluster in
            await clock.waitForSleepers(1)
            clock.advanceToNextDeadline()
            // The run has started and sleeps for 10 s of the test's clock.
            await clock.waitForSleepers(1)
            #expect(log.all == ["start"])
            let stopped = Mutex(false)
            let stop = Task {
                await cluster.container(SlowTicker.self).stop()
                stopped.withLock { $0 = true }
            }
            // The stop waits for the run, which ends only when the test's clock reaches its end.
            try await Task.sleep(for: .milliseconds(300))
            #expect(!stopped.withLock { $0 })
            #expect(log.all == ["start"])
            clock.advance(by: .seconds(10))
            await stop.value
            #expect(stopped.withLock { $0 })
            #expect(log.all == ["start", "end"])
        }
    }
}
