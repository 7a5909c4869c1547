import CoachStore
import Prometheus

/// This process's metrics in Prometheus text format, at `GET /metrics`. Queue-wide numbers (jobs by
/// state) are read from the database at scrape time, so every instance reports the same queue; the
/// counters are this process's own. One registry per server, not a global one, so several servers
/// in one process (the tests) keep apart.
public struct LineMetrics: Sendable {
    let registry = PrometheusCollectorRegistry()
    let store: SQLStore

    init(store: SQLStore) {
        self.store = store
    }

    /// A job this process's worker finished: `done`, `retry` (failed, will run again) or `dead`.
    func jobFinished(kind: String, outcome: String) {
        registry.makeCounter(
            descriptor: MetricNameDescriptor(
                namespace: "coachline", metricName: "jobs_finished", unitName: "total",
                helpText: "Background jobs this process finished, by kind and outcome (done, retry, dead)."),
            labels: [("kind", kind), ("outcome", outcome)]
        ).increment()
    }

    /// The exposition text; refreshes the queue gauges first.
    func scrape() async -> String {
        if let counts = try? await store.jobCounts() {
            for (state, count) in counts {
                registry.makeGauge(
                    descriptor: MetricNameDescriptor(
                        namespace: "coachline", metricName: "jobs", unitName: "",
                        helpText: "Background jobs in the shared queue, by state (dead: dead letters)."),
                    labels: [("state", state.rawValue)]
                ).set(Double(count))
            }
        }
        return registry.emitToString()
    }
}
