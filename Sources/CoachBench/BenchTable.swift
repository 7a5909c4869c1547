import Foundation

/// Renders results as a plain-text table, one column per run, so designs and engines sit side by side.
public enum BenchTable {
    public static func render(_ results: [BenchResult]) -> String {
        var rows: [(String, [String])] = []
        func row(_ name: String, _ cell: (BenchResult) -> String) { rows.append((name, results.map(cell))) }
        row("design") { $0.plan.design.title }
        row("database") { $0.engine }
        row("calls at once") { "\($0.calls)" }
        row("completed") { percent($0.completionRate) + " (\($0.completed)/\($0.calls))" }
        row("errors") { "\($0.errors)" }
        row("webhooks/s") { String(format: "%.0f", $0.webhooksPerSecond) }
        row("webhook p50/p95/p99/max") { milliseconds($0.webhookLatency, percentiles: 4) }
        let routes = Set(results.flatMap { $0.routes.map(\.route) }).sorted()
        for route in routes {
            row("  \(route)") { result in
                result.routes.first { $0.route == route }.map { milliseconds($0.latency, percentiles: 4) } ?? "-"
            }
        }
        row("busiest second") { result in
            result.busiestSecond.map { "\($0.webhooks) webhooks, p99 " + format($0.latency.p99 * 1000) + " ms" } ?? "-"
        }
        row("caller wait p50/p95/max") { seconds($0.callerWait) }
        row("greeting p50/p95/max") { milliseconds($0.greeting, percentiles: 3) }
        row("holds") { holds($0) }
        row("peak RSS") { $0.peakResidentBytes.map { String(format: "%.0f MB", Double($0) / 1_048_576) } ?? "n/a" }
        row("wall time") { String(format: "%.1f s", $0.wallSeconds) }
        row("host probe") { $0.hostProbeSeconds.map { format($0 * 1000) + " ms (lower is faster)" } ?? "n/a" }

        let nameWidth = rows.map(\.0.count).max() ?? 0
        let widths = results.indices.map { column in rows.map { $0.1[column].count }.max() ?? 0 }
        return rows.map { name, cells in
            ([name.padding(toLength: nameWidth, withPad: " ", startingAt: 0)]
                + cells.enumerated().map {
                    $0.element.padding(toLength: widths[$0.offset], withPad: " ", startingAt: 0)
                })
                .joined(separator: "  ").replacingOccurrences(of: "\\s+$", with: "", options: .regularExpression)
        }.joined(separator: "\n") + "\n"
    }

    /// One run's webhooks second by second (`--timeline`): where in the run latency rose, and at what load.
    public static func timeline(_ result: BenchResult) -> String {
        var lines = [
            "\(result.plan.design.title), \(result.engine), \(result.calls) calls: webhooks by the second they were sent"
        ]
        lines.append("second  webhooks  p50 / p95 / p99 / max")
        for second in result.timeline {
            lines.append(
                String(format: "%6d  %8d  ", second.second, second.webhooks)
                    + milliseconds(second.latency, percentiles: 4))
        }
        return lines.joined(separator: "\n") + "\n"
    }

    static func percent(_ fraction: Double) -> String {
        String(format: "%.1f %%", fraction * 100)
    }

    /// `p50 / p95 / p99 / max ms` (or without p99).
    static func milliseconds(_ distribution: Distribution, percentiles: Int) -> String {
        guard distribution.count > 0 else { return "-" }
        let values =
            percentiles == 4
            ? [distribution.p50, distribution.p95, distribution.p99, distribution.max]
            : [distribution.p50, distribution.p95, distribution.max]
        return values.map { format($0 * 1000) }.joined(separator: " / ") + " ms"
    }

    /// `15 (q1 12, q3 3)`: the total, then where it happened.
    static func holds(_ result: BenchResult) -> String {
        let places = result.holdsByQuestion.enumerated().filter { $0.element > 0 }.map {
            "q\($0.offset + 1) \($0.element)"
        }
        return places.isEmpty ? "\(result.holds)" : "\(result.holds) (\(places.joined(separator: ", ")))"
    }

    static func seconds(_ distribution: Distribution) -> String {
        guard distribution.count > 0 else { return "-" }
        return [distribution.p50, distribution.p95, distribution.max].map { String(format: "%.2f", $0) }
            .joined(separator: " / ") + " s"
    }

    private static func format(_ value: Double) -> String {
        value < 10 ? String(format: "%.1f", value) : String(format: "%.0f", value)
    }
}
