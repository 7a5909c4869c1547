import Synchronization

/// One provider's counters at one moment, for `/metrics` and logs.
public struct ProviderMetricsSnapshot: Sendable, Equatable {
    public var provider: String
    /// Requests sent (each attempt, retries included).
    public var requests: Int
    /// Calls that returned a usable answer.
    public var successes: Int
    /// Failed attempts and calls rejected by the breaker, by `ProviderError.kind`.
    public var failures: [String: Int]
    /// Retries started.
    public var retries: Int
    /// Seconds spent in answered attempts (failed ones included), for an average latency.
    public var latencySecondsSum: Double
    public var latencyCount: Int
    /// Answered attempts at or under each of `ProviderMetricsSnapshot.latencyBounds` (cumulative, as
    /// a Prometheus histogram counts them).
    public var latencyBuckets: [Int]

    /// Histogram bucket upper bounds, in seconds: from a fast fake to a model at its deadline.
    public static let latencyBounds: [Double] = [0.05, 0.1, 0.25, 0.5, 1, 2, 4, 8, 16, 30]

    public init(
        provider: String, requests: Int = 0, successes: Int = 0, failures: [String: Int] = [:], retries: Int = 0,
        latencySecondsSum: Double = 0, latencyCount: Int = 0, latencyBuckets: [Int]? = nil
    ) {
        self.provider = provider
        self.requests = requests
        self.successes = successes
        self.failures = failures
        self.retries = retries
        self.latencySecondsSum = latencySecondsSum
        self.latencyCount = latencyCount
        self.latencyBuckets = latencyBuckets ?? Array(repeating: 0, count: Self.latencyBounds.count)
    }

    public var failureCount: Int { failures.values.reduce(0, +) }
}

/// Thread-safe counters for one provider; cheap enough to update on every attempt.
public final class ProviderMetrics: Sendable {
    private let state: Mutex<ProviderMetricsSnapshot>

    public init(provider: String) {
        state = Mutex(ProviderMetricsSnapshot(provider: provider))
    }

    public var snapshot: ProviderMetricsSnapshot { state.withLock { $0 } }

    func requestSent() { state.withLock { $0.requests += 1 } }
    func retryStarted() { state.withLock { $0.retries += 1 } }
    func succeeded() { state.withLock { $0.successes += 1 } }

    func failed(_ error: ProviderError) {
        state.withLock { $0.failures[error.kind, default: 0] += 1 }
    }

    func latency(_ seconds: Double) {
        state.withLock {
            $0.latencySecondsSum += seconds
            $0.latencyCount += 1
            for (index, bound) in ProviderMetricsSnapshot.latencyBounds.enumerated() where seconds <= bound {
                $0.latencyBuckets[index] += 1
            }
        }
    }
}

/// Implemented by every client in this module, so the server can list all provider counters for `/metrics`
/// without knowing which clients are configured.
public protocol ProviderMetricsReporting: Sendable {
    var providerMetrics: [ProviderMetricsSnapshot] { get }
}

extension OpenAIQuestionSource: ProviderMetricsReporting {
    public var providerMetrics: [ProviderMetricsSnapshot] { [chat.transport.metrics.snapshot] }
}

extension OpenAIAnswerCoach: ProviderMetricsReporting {
    public var providerMetrics: [ProviderMetricsSnapshot] { [chat.transport.metrics.snapshot] }
}

extension OpenAITranscriber: ProviderMetricsReporting {
    public var providerMetrics: [ProviderMetricsSnapshot] {
        [fetcher.transport.metrics.snapshot, transport.metrics.snapshot]
    }
}

extension OpenAISpeechSynthesizer: ProviderMetricsReporting {
    public var providerMetrics: [ProviderMetricsSnapshot] { [transport.metrics.snapshot] }
}

extension MurfRESTSynthesizer: ProviderMetricsReporting {
    public var providerMetrics: [ProviderMetricsSnapshot] { [transport.metrics.snapshot] }
}

extension MurfStreamSynthesizer: ProviderMetricsReporting {
    public nonisolated var providerMetrics: [ProviderMetricsSnapshot] { [metrics.snapshot] }
}
