/// Percentiles of a set of measurements, by nearest rank (no interpolation: every reported value
/// was really measured).
public struct Distribution: Sendable, Codable, Equatable {
    public var count: Int
    public var p50: Double
    public var p95: Double
    public var p99: Double
    public var max: Double

    public init(_ values: [Double]) {
        let sorted = values.sorted()
        count = sorted.count
        p50 = Self.rank(0.50, sorted)
        p95 = Self.rank(0.95, sorted)
        p99 = Self.rank(0.99, sorted)
        max = sorted.last ?? 0
    }

    /// The smallest value with at least `fraction` of the values at or below it; 0 for no values.
    static func rank(_ fraction: Double, _ sorted: [Double]) -> Double {
        guard !sorted.isEmpty else { return 0 }
        let index = Int((fraction * Double(sorted.count)).rounded(.up)) - 1
        return sorted[Swift.max(0, Swift.min(sorted.count - 1, index))]
    }
}
