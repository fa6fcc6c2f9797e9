//===----------------------------------------------------------------------===//
// This source file is part of Enoki. Licensed under Apache License v2.0.
//===----------------------------------------------------------------------===//

import EnokiAMQPClient
import EnokiCore

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// A caller's deadline as it travels with its request (beyond Nameko's wire): the header `x-enoki-deadline`, the
/// moment the caller gives up in milliseconds since the Unix epoch, and the message's AMQP `expiration`, the time
/// left then, so that the broker drops a request nobody waits for any more while it sits in the queue.
///
/// Python Nameko takes every header of a request into its worker's context data, so a Python service sees the
/// deadline as `worker_ctx.data["x-enoki-deadline"]` and passes it on, as `nameko.x-enoki-deadline`, in the calls
/// it makes: an Enoki service further down honours the first caller's deadline in either form, and keeps it out
/// of its own workers' context data. A Python caller sends none, and its requests run as they always did. The service compares the header with its
/// own clock: hosts whose clocks disagree by more than a caller's timeout (no NTP) would skip requests that are
/// still wanted, while the `expiration`, timed by the broker alone, never depends on the hosts' clocks.
struct WireDeadline: Sendable, Hashable {
    /// The header's name.
    static let header = "x-enoki-deadline"

    /// The deadline, in milliseconds since the Unix epoch.
    var epochMilliseconds: Int64

    init(epochMilliseconds: Int64) {
        self.epochMilliseconds = epochMilliseconds
    }

    /// The deadline `timeout` from `now`.
    init(after timeout: Duration, now: Int64 = Self.nowMilliseconds()) {
        let (seconds, attoseconds) = timeout.components
        let milliseconds = seconds.multipliedReportingOverflow(by: 1000)
        let total =
            milliseconds.overflow ? Int64.max / 2 : milliseconds.partialValue + attoseconds / 1_000_000_000_000_000
        self.epochMilliseconds = now.addingReportingOverflow(max(total, 0)).overflow ? Int64.max : now + max(total, 0)
    }

    /// The deadline a request's headers carry, if any. Any integer type is taken; anything else (or a value that
    /// is not a plausible time) is ignored, as a request without one: the header is untrusted input.
    init?(headers: FieldTable?) {
        let value: Int64
        switch headers?[Self.header] ?? headers?["nameko." + Self.header] {
        case .int64(let v)?: value = v
        case .int32(let v)?: value = Int64(v)
        case .uint32(let v)?: value = Int64(v)
        case .int16(let v)?: value = Int64(v)
        case .uint16(let v)?: value = Int64(v)
        case .int8(let v)?: value = Int64(v)
        case .uint8(let v)?: value = Int64(v)
        default: return nil
        }
        guard value > 0 else { return nil }
        self.epochMilliseconds = value
    }

    /// The milliseconds left from `now`; negative once the deadline has passed.
    func remainingMilliseconds(now: Int64 = Self.nowMilliseconds()) -> Int64 {
        self.epochMilliseconds.subtractingReportingOverflow(now).partialValue
    }

    /// The time left from `now`, zero once the deadline has passed.
    func remaining(now: Int64 = Self.nowMilliseconds()) -> Duration {
        .milliseconds(max(self.remainingMilliseconds(now: now), 0))
    }

    /// The AMQP `expiration` of a request sent `now`: the milliseconds left, at least 1 (0 would have the broker
    /// drop a request that no consumer takes at once).
    func expiration(now: Int64 = Self.nowMilliseconds()) -> String {
        String(max(self.remainingMilliseconds(now: now), 1))
    }

    /// Runs `body` until it ends or the deadline passes, whichever comes first. When the deadline passes first, the
    /// body's task is cancelled (a method that awaits sees `CancellationError`), this waits for it to end, and
    /// returns `nil`: what it made is not wanted any more.
    func run<T: Sendable>(_ body: @escaping @Sendable () async -> T) async -> T? {
        let remaining = self.remaining()
        return await withTaskGroup(of: Finished<T>.self) { group in
            group.addTask { .body(await body()) }
            group.addTask {
                try? await Task.sleep(for: remaining)
                return .deadline
            }
            while let finished = await group.next() {
                switch finished {
                case .body(let value):
                    group.cancelAll()
                    return value
                case .deadline:
                    // Cancelled from outside (the worker was killed): the body is cancelled too; wait for it.
                    if Task.isCancelled { continue }
                    group.cancelAll()
                    for await _ in group {}
                    return nil
                }
            }
            return nil
        }
    }

    private enum Finished<T: Sendable>: Sendable {
        case body(T)
        case deadline
    }

    /// The wall clock, in milliseconds since the Unix epoch.
    static func nowMilliseconds() -> Int64 {
        var time = timespec()
        clock_gettime(CLOCK_REALTIME, &time)
        return Int64(time.tv_sec) * 1000 + Int64(time.tv_nsec) / 1_000_000
    }
}
