import CoachCore
import CoachServer
import CoachStore
import Foundation
import Testing

/// `GET /metrics`: the shared job queue by state, and what this process's worker finished.
@Suite struct MetricsTests {
    @Test func jobsByStateAndDeadLettersAreExposed() async throws {
        let line = try await TestLine.start(settings: TestLine.settings { $0.jobMaxAttempts = 1 })
        let report = try await line.call(Moves.interview())
        #expect(report.isClean, "\(report.violations)")
        await line.running.settle()
        // Work this version cannot do (a newer instance's, say): dead after its one attempt.
        try await line.store.enqueue(NewJob(key: "bogus:1", kind: "bogus", payload: "{}", maxAttempts: 1))
        let deadline = ContinuousClock.now + .seconds(20)
        while try await line.store.job(id: "bogus:1")?.state != .dead, ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(50))
        }

        let response = try await Webhooks(baseURL: line.baseURL).get("/metrics")
        #expect(response.status == 200)
        #expect(response.header("Content-Type")?.hasPrefix("text/plain; version=0.0.4") == true)
        let text = response.text
        #expect(text.contains("# TYPE coachline_jobs gauge"), "\(text)")
        #expect(text.contains(#"coachline_jobs{state="dead"} 1"#), "\(text)")
        #expect(text.contains(#"coachline_jobs{state="queued"} 0"#), "\(text)")
        #expect(text.contains(#"coachline_jobs_finished_total{kind="bogus",outcome="dead"} 1"#), "\(text)")
        #expect(text.contains(#"coachline_jobs_finished_total{kind="question",outcome="done"}"#), "\(text)")
        try await line.stop()
    }
}
