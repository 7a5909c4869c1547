import TwilioSim

/// How fast this machine is right now, as one number: the time a fixed piece of single-threaded work
/// takes, random reads over 16 MiB (more than the last-level cache) mixed with arithmetic. The bench
/// shares its host: on the same binary, webhook p50 has moved threefold between sittings with the
/// host's speed, and a run's numbers mean little without it. Measured just before each run, while
/// nothing of the bench is busy; the fastest of a few rounds, so a passing hiccup does not count.
public enum HostProbe {
    /// Seconds for the work; lower is faster.
    public static func seconds(rounds: Int = 3) -> Double {
        let table = (0..<(4 << 20)).map { UInt32(truncatingIfNeeded: $0 &* 2_654_435_761) }
        var fastest = Double.infinity
        for _ in 0..<max(1, rounds) {
            let start = ContinuousClock.now
            blackHole(work(table))
            fastest = min(fastest, (ContinuousClock.now - start).inSeconds)
        }
        return fastest
    }

    /// A million dependent steps of a xorshift generator, each reading the table where it points.
    /// `table.count` is a power of two.
    static func work(_ table: [UInt32]) -> UInt64 {
        guard !table.isEmpty else { return 0 }
        var state: UInt64 = 0x9E37_79B9_7F4A_7C15
        var sum: UInt64 = 0
        let mask = table.count - 1
        for _ in 0..<(1 << 20) {
            state ^= state << 13
            state ^= state >> 7
            state ^= state << 17
            sum &+= UInt64(table[Int(truncatingIfNeeded: state ^ sum) & mask])
        }
        return sum
    }

    @inline(never)
    static func blackHole(_ value: UInt64) {
        if value == 1 { print("", terminator: "") }
    }
}
