//===----------------------------------------------------------------------===//
// This source file is part of Enoki. Licensed under Apache License v2.0.
//===----------------------------------------------------------------------===//

import Synchronization

/// Whether a runner is alive and ready to serve, for a container orchestrator's probes.
///
/// - **Live**: the process answers; a runner that answers at all is live.
/// - **Ready**: the runner has started every container, is not stopping, and every check registered by its
///   transports passes (the AMQP transport's: connected to the broker, every consumer of every service running).
///
/// It serves `GET /health/live` and `GET /health/ready` among the runner's ``OperationalRoutes``: 200 when live or
/// ready, 503 when not ready, with a JSON body that says which check fails. The runner's HTTP server serves them
/// when it runs, as does the Prometheus exporter's port; a runner with neither answers them through the discovery
/// call (`__enoki_describe__`), whose answer carries ``json``.
public final class RunnerHealth: SharedExtension {
    /// What a check says.
    public struct Status: Sendable, Equatable {
        /// Whether it passes.
        public var ready: Bool
        /// Why not, or what it checked.
        public var detail: String

        /// A status.
        public init(ready: Bool, detail: String) {
            self.ready = ready
            self.detail = detail
        }
    }

    /// Where the runner is in its life.
    public enum Phase: String, Sendable {
        /// Containers are starting.
        case starting
        /// Every container has started.
        case started
        /// The runner is stopping.
        case stopping
    }

    /// The path of the liveness probe.
    public static let livePath = "/health/live"
    /// The path of the readiness probe.
    public static let readyPath = "/health/ready"

    private struct State {
        var phase = Phase.starting
        var checks: [String: @Sendable () -> Status] = [:]
    }

    private let state = Mutex(State())

    /// A runner's health, starting.
    public init() {}

    /// The runner's health, made the first time it is asked for, with its endpoints registered.
    public static func of(_ shared: SharedExtensions) -> RunnerHealth {
        let operations = OperationalRoutes.of(shared)
        return shared.get(RunnerHealth.self) {
            let health = RunnerHealth()
            operations.register(Self.livePath) { health.response(ready: false) }
            operations.register(Self.readyPath) { health.response(ready: true) }
            return health
        }
    }

    /// Adds a check; one of the same name replaces it.
    ///
    /// - Parameters:
    ///   - name: What it checks (`service_y`, `amqp`); a key of the readiness answer.
    ///   - check: Says whether it passes; called on every probe, so it must be quick and must not block.
    public func register(_ name: String, _ check: @escaping @Sendable () -> Status) {
        self.state.withLock { $0.checks[name] = check }
    }

    /// Moves the runner to `phase`.
    public func enter(_ phase: Phase) {
        self.state.withLock { $0.phase = phase }
    }

    /// The runner's phase.
    public var phase: Phase { self.state.withLock { $0.phase } }

    /// Every check's status, by name.
    public func statuses() -> [String: Status] {
        let checks = self.state.withLock { $0.checks }
        return checks.mapValues { $0() }
    }

    /// Whether the runner is ready: started, not stopping, and every check passes.
    public var isReady: Bool {
        self.phase == .started && self.statuses().values.allSatisfy(\.ready)
    }

    /// The health as JSON: `live`, `ready`, `phase`, and `checks` with each check's `ready` and `detail`.
    public var json: JSONValue {
        let statuses = self.statuses()
        let phase = self.phase
        var checks = JSONObject()
        for (name, status) in statuses.sorted(by: { $0.key < $1.key }) {
            checks[name] = ["ready": .bool(status.ready), "detail": .string(status.detail)]
        }
        return [
            "live": true,
            "ready": .bool(phase == .started && statuses.values.allSatisfy(\.ready)),
            "phase": .string(phase.rawValue),
            "checks": .object(checks),
        ]
    }

    private func response(ready: Bool) -> OperationalRoutes.Response {
        let json = self.json
        let ok = !ready || json["ready"] == .bool(true)
        return OperationalRoutes.Response(
            status: ok ? 200 : 503,
            contentType: "application/json",
            body: JSONWriter.bytes(json)
        )
    }

    public func stop() async {
        self.enter(.stopping)
    }
}
