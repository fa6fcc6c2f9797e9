//===----------------------------------------------------------------------===//
// This source file is part of Enoki. Licensed under Apache License v2.0.
//===----------------------------------------------------------------------===//

public import CoreMetrics
import Synchronization

/// Where a container's metrics go: swift-metrics, through the runner's factory, every metric labelled with the
/// service's name.
///
/// With no backend bootstrapped, swift-metrics' factory drops everything and a worker pays almost nothing. A runner
/// made with a factory of its own (a Prometheus registry, say) reports there. Labels stay bounded: the service,
/// the entrypoint's method, its kind and the outcome, and for outgoing work the service, event type or exchange it
/// goes to; never an argument, a routing key chosen at run time or an id.
///
/// Entrypoints of other transports and dependency providers record their own metrics with ``counter(_:_:)``,
/// ``timer(_:_:)``, ``gauge(_:_:)`` and ``recordOperation(_:duration:labels:outcome:elapsed:)``.
public struct ServiceMetrics: Sendable {
    /// The names of the metrics the framework reports.
    public enum Name {
        /// Counter: the work an entrypoint took, by `service`, `entrypoint`, `kind` and `outcome`
        /// (``WorkerOutcome``).
        public static let workerCalls = "enoki_worker_calls_total"
        /// Timer: how long workers ran, by `service`, `entrypoint` and `kind`.
        public static let workerDuration = "enoki_worker_duration_seconds"
        /// Gauge: workers running, by `service`.
        public static let workersBusy = "enoki_workers_busy"
        /// Gauge: work waiting for a worker slot (deliveries held in the prefetch window), by `service`.
        public static let workersWaiting = "enoki_workers_waiting"
        /// Gauge: the worker limit, `max_workers`, by `service`.
        public static let workersMax = "enoki_workers_max"
    }

    /// The service.
    public let serviceName: String
    /// The factory metrics are made with.
    public let factory: any MetricsFactory
    private let cache: MetricCache

    /// Metrics of `serviceName` made with `factory`; swift-metrics' bootstrapped factory by default.
    public init(serviceName: String, factory: (any MetricsFactory)? = nil) {
        self.serviceName = serviceName
        self.factory = factory ?? MetricsSystem.factory
        self.cache = MetricCache()
    }

    /// The metrics of one entrypoint.
    ///
    /// - Parameters:
    ///   - kind: The entrypoint's kind (`rpc`, `event_handler`, `timer`, `consume`, `http`).
    ///   - method: The method it runs, by its wire name.
    public func entrypoint(kind: String, method: String) -> EntrypointMetrics {
        EntrypointMetrics(service: self.serviceName, kind: kind, method: method, factory: self.factory)
    }

    /// A counter labelled with the service and `labels`; the same one for the same name and labels.
    public func counter(_ name: String, _ labels: [(String, String)] = []) -> Counter {
        self.cache.counter(name, self.labelled(labels), self.factory)
    }

    /// A timer labelled with the service and `labels`; the same one for the same name and labels.
    public func timer(_ name: String, _ labels: [(String, String)] = []) -> Timer {
        self.cache.timer(name, self.labelled(labels), self.factory)
    }

    /// A gauge labelled with the service and `labels`.
    public func gauge(_ name: String, _ labels: [(String, String)] = []) -> Gauge {
        Gauge(label: name, dimensions: self.labelled(labels), factory: self.factory)
    }

    /// Counts one outgoing operation (a call, a dispatch, a publish) under `outcome` and records how long it took.
    ///
    /// - Parameters:
    ///   - counter: The counter's name; it gets the labels and `outcome`.
    ///   - duration: The timer's name; it gets the labels.
    ///   - labels: Bounded labels besides the service.
    ///   - outcome: How it ended.
    ///   - elapsed: How long it took.
    public func recordOperation(
        _ counter: String,
        duration: String,
        labels: [(String, String)],
        outcome: String,
        elapsed: Duration
    ) {
        self.counter(counter, labels + [("outcome", outcome)]).increment()
        self.timer(duration, labels).recordNanoseconds(EntrypointMetrics.nanoseconds(elapsed))
    }

    private func labelled(_ labels: [(String, String)]) -> [(String, String)] {
        [("service", self.serviceName)] + labels
    }
}

/// The counters and timers of a service by name and labels, so that outgoing work, whose labels are known only
/// when it happens, makes each once.
final class MetricCache: Sendable {
    private let counters = Mutex<[String: Counter]>([:])
    private let timers = Mutex<[String: Timer]>([:])

    func counter(_ name: String, _ labels: [(String, String)], _ factory: any MetricsFactory) -> Counter {
        let key = Self.key(name, labels)
        return self.counters.withLock { counters in
            if let existing = counters[key] { return existing }
            let made = Counter(label: name, dimensions: labels, factory: factory)
            counters[key] = made
            return made
        }
    }

    func timer(_ name: String, _ labels: [(String, String)], _ factory: any MetricsFactory) -> Timer {
        let key = Self.key(name, labels)
        return self.timers.withLock { timers in
            if let existing = timers[key] { return existing }
            let made = Timer(label: name, dimensions: labels, factory: factory)
            timers[key] = made
            return made
        }
    }

    private static func key(_ name: String, _ labels: [(String, String)]) -> String {
        var key = name
        for (label, value) in labels {
            key += "\u{0}\(label)=\(value)"
        }
        return key
    }
}
