import Foundation

/// Wall-clock stamps for the caller-wait measurement. Unix milliseconds, not a monotonic clock,
/// because the stamp travels in a URL and may be read by another instance.
enum CallerWait {
    static func milliseconds(_ date: Date) -> Int64 {
        Int64((date.timeIntervalSince1970 * 1000).rounded())
    }

    /// Never negative: instances' clocks may differ by a little.
    static func seconds(since stamp: Int64) -> Double {
        max(0, Double(milliseconds(Date()) - stamp) / 1000)
    }
}
