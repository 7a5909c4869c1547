import CoachProviders
import CoachStore
import Foundation
import Prometheus

/// This process's metrics in Prometheus text format, at `GET /metrics`. Queue-wide numbers (jobs by
/// state, active calls) are read from the database at scrape time, so every instance reports the
/// same; histograms and counters are this process's own. One registry per server, not a global one,
/// so several servers in one process (the tests) keep apart.
public struct LineMetrics: Sendable {
    let registry = PrometheusCollectorRegistry()
    let store: SQLStore
    let providers: Providers

    /// Webhook answer times: Twilio gives up at 15 s, our target is tens of milliseconds.
    static let webhookBuckets: [Double] = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 15]
    /// The caller's wait after an answer: under a second is the design, a hold is seconds.
    static let callerWaitBuckets: [Double] = [0.05, 0.1, 0.25, 0.5, 1, 2, 4, 8, 15]
    /// A call that has not ended after this long lost its status callback; it is not counted as active.
    static let longestCall: TimeInterval = 4 * 3600

    init(store: SQLStore, providers: Providers) {
        self.store = store
        self.providers = providers
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

    /// One Twilio request answered, on the route's path (`/webhook/voice`, ...).
    func webhook(route: String, seconds: Double) {
        registry.makeValueHistogram(
            descriptor: MetricNameDescriptor(
                namespace: "coachline", metricName: "webhook_duration", unitName: "seconds",
                helpText: "Time to answer a Twilio webhook or callback, by route."),
            labels: [("route", route)], buckets: Self.webhookBuckets
        ).record(seconds)
    }

    /// From an answer's Record action arriving to the next question being handed to Twilio, holds included.
    func callerWait(seconds: Double) {
        registry.makeValueHistogram(
            descriptor: MetricNameDescriptor(
                namespace: "coachline", metricName: "caller_wait", unitName: "seconds",
                helpText: "From an answer's Record action to the next question's TwiML, holds included."),
            labels: [], buckets: Self.callerWaitBuckets
        ).record(seconds)
    }

    /// A `<Say>` looked up in the stored audio: a hit plays the voice, a miss falls back to Twilio's.
    func audioLookup(hit: Bool) {
        registry.makeCounter(
            descriptor: MetricNameDescriptor(
                namespace: "coachline", metricName: hit ? "audio_cache_hits" : "audio_cache_misses", unitName: "total",
                helpText: hit
                    ? "Spoken prompts served as stored audio."
                    : "Spoken prompts with no stored audio yet, read by Twilio's voice instead.")
        ).increment()
    }

    /// The exposition text; refreshes the gauges read at scrape time first.
    func scrape() async -> String {
        if let counts = try? await store.jobCounts() {
            for (state, count) in counts {
                gauge(
                    "jobs", "Background jobs in the shared queue, by state (dead: dead letters).",
                    [("state", state.rawValue)]
                )
                .set(Double(count))
            }
        }
        if let active = try? await store.activeCallCount(startedAfter: Date().addingTimeInterval(-Self.longestCall)) {
            gauge("active_calls", "Calls in progress (started, not ended) across all instances.").set(Double(active))
        }
        if let memory = ProcessMemory.read() {
            gauge("process_resident_memory", "Resident memory of this process.", unit: "bytes")
                .set(Double(memory.resident))
            gauge("process_peak_resident_memory", "Peak resident memory of this process.", unit: "bytes")
                .set(Double(memory.peak))
        }
        gauge("database_info", "The database engine this process stores calls in.", [("engine", store.engine)]).set(
            Double(1))
        return registry.emitToString() + ProviderExposition.render(providerSnapshots)
    }

    private func gauge(_ name: String, _ help: String, _ labels: [(String, String)] = [], unit: String = "") -> Gauge {
        registry.makeGauge(
            descriptor: MetricNameDescriptor(namespace: "coachline", metricName: name, unitName: unit, helpText: help),
            labels: labels)
    }

    /// Every configured client's counters, once per provider (several adapters share one chat client).
    var providerSnapshots: [ProviderMetricsSnapshot] {
        let reporters: [Any?] = [
            providers.questions, providers.speech, providers.transcriber, providers.coach, providers.summaries,
        ]
        var seen: Set<String> = []
        var snapshots: [ProviderMetricsSnapshot] = []
        for case let reporter as any ProviderMetricsReporting in reporters.compactMap({ $0 }) {
            for snapshot in reporter.providerMetrics where seen.insert(snapshot.provider).inserted {
                snapshots.append(snapshot)
            }
        }
        return snapshots
    }
}
