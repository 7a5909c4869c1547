import CoachProviders

/// Provider counters are kept by the clients themselves (`ProviderMetrics`, outside this registry), so
/// their exposition is written here, in the same text format.
enum ProviderExposition {
    static func render(_ snapshots: [ProviderMetricsSnapshot]) -> String {
        guard !snapshots.isEmpty else { return "" }
        var out = ""
        let latency = "coachline_provider_request_duration_seconds"
        out += "# HELP \(latency) Time for one answered provider request (each attempt), by provider.\n"
        out += "# TYPE \(latency) histogram\n"
        for snapshot in snapshots {
            let provider = label(snapshot.provider)
            for (bound, count) in zip(ProviderMetricsSnapshot.latencyBounds, snapshot.latencyBuckets) {
                out += "\(latency)_bucket{provider=\"\(provider)\",le=\"\(number(bound))\"} \(count)\n"
            }
            out += "\(latency)_bucket{provider=\"\(provider)\",le=\"+Inf\"} \(snapshot.latencyCount)\n"
            out += "\(latency)_sum{provider=\"\(provider)\"} \(number(snapshot.latencySecondsSum))\n"
            out += "\(latency)_count{provider=\"\(provider)\"} \(snapshot.latencyCount)\n"
        }
        let requests = "coachline_provider_requests_total"
        out += "# HELP \(requests) Requests sent to a provider (each attempt, retries included).\n"
        out += "# TYPE \(requests) counter\n"
        for snapshot in snapshots {
            out += "\(requests){provider=\"\(label(snapshot.provider))\"} \(snapshot.requests)\n"
        }
        let failures = "coachline_provider_errors_total"
        out += "# HELP \(failures) Failed provider attempts and calls refused by the circuit breaker, by kind.\n"
        out += "# TYPE \(failures) counter\n"
        for snapshot in snapshots {
            for (kind, count) in snapshot.failures.sorted(by: { $0.key < $1.key }) {
                out += "\(failures){provider=\"\(label(snapshot.provider))\",kind=\"\(label(kind))\"} \(count)\n"
            }
        }
        return out
    }

    private static func number(_ value: Double) -> String {
        value == value.rounded() && abs(value) < 1e15 ? String(Int(value)) : String(value)
    }

    /// Label values escape backslash, quote and newline.
    private static func label(_ value: String) -> String {
        value.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"")
            .replacingOccurrences(of: "\n", with: "\\n")
    }
}
