import CoachCore
import CoachServer
import CoachStore
import CoachTestSupport
import Foundation
import Testing
import TwilioSim

/// Several instances on one PostgreSQL database, behind a load balancer: any instance answers any
/// webhook, background jobs are shared, a stopped instance's jobs are finished by the others, and
/// Twilio's retries store nothing twice.
@Suite(.enabled(if: TestPostgres.isAvailable, "needs PostgreSQL (COACHLINE_TEST_POSTGRES_URL); run ./scripts/test"))
struct ManyInstancesTests {
    /// Every provider on the fakes with some latency, so questions are prepared by background jobs
    /// that either instance may run, and the wait endpoint on one instance must learn (NOTIFY) that
    /// the other prepared the question.
    @Test func webhooksAlternatingBetweenTwoInstancesCompleteTheCall() async throws {
        let cluster = try await Cluster.start(providers: true, fakeLatency: 0.2...0.6)
        let report = try await cluster.call(Moves.interview(seconds: 20), timeScale: 0.05)
        for line in cluster.lines { await line.running.settle() }

        #expect(report.isClean, "\(report.violations)")
        #expect(report.questionsAsked == 5)
        let served = await cluster.balancer.served
        #expect(served.allSatisfy { $0 >= report.exchanges.count / 2 - 1 }, "round-robin: \(served)")
        let store = cluster.store
        let session = try #require(try await store.session(callSid: report.callSid))
        #expect(session.status == .completed)
        let answers = try await store.answers(sessionID: session.id)
        #expect(answers.map(\.number) == [1, 2, 3, 4, 5])
        let prepared = try await store.preparedQuestions(callSid: report.callSid)
        #expect(prepared.allSatisfy { $0.question.origin == .model }, "\(prepared.map(\.question.origin))")
        for answer in answers {
            let sid = try #require(answer.recordingSid)
            let recording = try #require(try await store.recording(sid: sid))
            #expect(recording.transcriptSource == "openai")
        }
        // Both instances' workers did jobs; none failed for good.
        let done = try await store.jobs(state: .done)
        let workers = Set(done.compactMap(\.worker))
        #expect(workers.isSuperset(of: [cluster.lines[0].running.workerID, cluster.lines[1].running.workerID]))
        #expect(try await store.jobCounts()[.dead] == 0)
        try await cluster.stop()
    }

    /// Instance A stops (as on a deploy) while its jobs are running: it hands them back, the
    /// balancer drops it, and instance B finishes both the call and those jobs.
    @Test func anInstanceStoppedMidCallLeavesTheCallAndItsJobsToTheOther() async throws {
        let cluster = try await Cluster.start(
            providers: true, fakeLatency: 1.0...1.5, adjust: { $0.jobDrainSeconds = 0 })
        let instanceA = cluster.lines[0].running
        let stopper = Task {
            // Once an answer is in and A is running a job (each takes the fakes a second or more).
            let store = cluster.lines[1].store
            while true {
                let answered =
                    try await store.database.raw("SELECT COUNT(*) AS n FROM answers").first()?
                    .decode(column: "n", as: Int.self) ?? 0
                let running = try await store.jobs(state: .running).filter { $0.worker == instanceA.workerID }
                if answered >= 1, !running.isEmpty { break }
                try await Task.sleep(for: .milliseconds(20))
            }
            await cluster.balancer.remove(0)
            try await instanceA.stop()
        }
        let report = try await cluster.call(Moves.interview(seconds: 20), timeScale: 0.1)
        try await stopper.value
        await cluster.lines[1].running.settle()

        #expect(report.isClean, "\(report.violations)")
        #expect(report.questionsAsked == 5)
        let handedBack = await cluster.lines[0].running.jobsHandedBack
        #expect(handedBack > 0, "A had jobs in flight when it stopped")
        let store = cluster.lines[1].store
        let counts = try await store.jobCounts()
        #expect(counts[.queued] == 0 && counts[.running] == 0 && counts[.dead] == 0, "\(counts)")
        let session = try #require(try await store.session(callSid: report.callSid))
        #expect(session.status == .completed)
        let answers = try await store.answers(sessionID: session.id)
        #expect(answers.count == 5)
        for answer in answers {
            let sid = try #require(answer.recordingSid)
            let recording = try #require(try await store.recording(sid: sid))
            #expect(recording.transcriptSource == "openai", "transcribed, even if A had started it")
            #expect(recording.analysis != nil)
        }
        try await cluster.stop(except: [0])
    }

    /// Fifty callers at once across two instances; every Record action is delivered twice at the same
    /// moment (to both instances), as a Twilio retry racing the original would be.
    @Test func fiftyConcurrentCallsStoreEveryAnswerExactlyOnce() async throws {
        let cluster = try await Cluster.start(duplicate: { $0.url.contains("/webhook/response") })
        let reports = try await withThrowingTaskGroup(of: CallReport.self) { group in
            for caller in 0..<50 {
                group.addTask {
                    try await cluster.call(Moves.interview(seconds: 30), from: String(format: "+1415555%04d", caller))
                }
            }
            return try await group.reduce(into: [CallReport]()) { $0.append($1) }
        }
        for line in cluster.lines { await line.running.settle() }

        #expect(reports.count == 50)
        #expect(reports.allSatisfy { $0.isClean }, "\(reports.flatMap(\.violations).prefix(3))")
        #expect(reports.allSatisfy { $0.questionsAsked == 5 })
        let store = cluster.store
        let total = try await store.database.raw("SELECT COUNT(*) AS n FROM answers").first()?
            .decode(column: "n", as: Int.self)
        #expect(total == 250)
        let recordings = try await store.database.raw(
            "SELECT COUNT(DISTINCT recording_sid) AS n FROM answers WHERE recording_sid IS NOT NULL"
        ).first()?.decode(column: "n", as: Int.self)
        #expect(recordings == 250, "each answer is its own recording, stored once")
        for report in reports {
            let session = try #require(try await store.session(callSid: report.callSid))
            #expect(try await store.answers(sessionID: session.id).map(\.number) == [1, 2, 3, 4, 5])
            #expect(session.status == .completed)
        }
        let served = await cluster.balancer.served
        #expect(served.allSatisfy { $0 > 500 }, "both instances took their share: \(served)")
        try await cluster.stop()
    }
}
