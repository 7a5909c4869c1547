import Testing

@testable import CoachBench

@Suite struct DistributionTests {
    @Test func percentilesAreNearestRankOfMeasuredValues() {
        let distribution = Distribution((1...100).reversed().map(Double.init))
        #expect(distribution.count == 100)
        #expect(distribution.p50 == 50)
        #expect(distribution.p95 == 95)
        #expect(distribution.p99 == 99)
        #expect(distribution.max == 100)
    }

    @Test func fewValuesReportTheirOwnTail() {
        // With 4 values p95 and p99 are the largest: there is no finer rank to report.
        let distribution = Distribution([0.4, 0.1, 0.3, 0.2])
        #expect(distribution.p50 == 0.2)
        #expect(distribution.p95 == 0.4)
        #expect(distribution.p99 == 0.4)
    }

    @Test func noValuesIsAllZero() {
        let distribution = Distribution([])
        #expect(distribution == Distribution([]))
        #expect(distribution.count == 0 && distribution.p99 == 0 && distribution.max == 0)
    }

    @Test func latencyRangesParseLikeTheCommandLineWritesThem() {
        #expect(LatencyRange(parsing: "2-6") == LatencyRange(2, 6))
        #expect(LatencyRange(parsing: "0.3") == LatencyRange(0.3, 0.3))
        #expect(LatencyRange(parsing: "6-2") == nil)
        #expect(LatencyRange(parsing: "-1") == nil)
        #expect(LatencyRange(parsing: "fast") == nil)
    }

    /// Background work overlaps the compressed caller, so it is compressed too; inline work is inside
    /// a webhook, measured in wall time, so it keeps its real length.
    @Test func latenciesArePlayedOnTheClockTheyOverlap() {
        var plan = BenchPlan()
        plan.compression = 60
        plan.design = .ahead
        let ahead = plan.fakeBehaviors()
        #expect(ahead[.openAIChat]?.minLatency == 2.0 / 60)
        #expect(ahead[.openAIChat]?.maxLatency == 6.0 / 60)
        // Every question worded anew, as a real model does, so each is synthesised rather than found cached.
        #expect(ahead[.openAIChat]?.sampled == true)
        plan.design = .inline
        let inline = plan.fakeBehaviors()
        #expect(inline[.openAIChat]?.minLatency == 2)
        #expect(inline[.murfStream]?.maxLatency == 2)
        #expect(inline[.openAITranscription]?.maxLatency == 3.0 / 60)
    }

    @Test func plansOutsideTheirRangesAreRefusedInWords() {
        var plan = BenchPlan()
        plan.calls = 0
        #expect(throws: BenchError.invalidPlan("calls must be at least 1")) { try plan.validate() }
        plan.calls = 1
        plan.compression = 0.5
        #expect(throws: BenchError.invalidPlan("compression must be 1 to 1000")) { try plan.validate() }
    }
}
