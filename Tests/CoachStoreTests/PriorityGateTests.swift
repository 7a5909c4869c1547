import Foundation
import NIOConcurrencyHelpers
import Testing

@testable import CoachStore

/// The gate in front of PostgreSQL's pool: callers' statements first, then the next question's, then
/// the rest; other jobs within their share; and no job lane waits past its patience.
@Suite struct PriorityGateTests {
    /// Who got through, in order.
    final class Entries: Sendable {
        private let order = NIOLockedValueBox<[String]>([])
        func add(_ name: String) { order.withLockedValue { $0.append(name) } }
        var names: [String] { order.withLockedValue { $0 } }
    }

    static let patient = (urgent: Duration.seconds(60), other: Duration.seconds(60))

    /// Starts a task that waits at `gate` in `lane`, notes its entry, and leaves at once; returns
    /// once it is waiting.
    static func queue(
        _ name: String, _ lane: StoreLane, at gate: PriorityGate, into entries: Entries
    ) async throws -> Task<Void, Never> {
        let before = gate.waiting(lane)
        let task = Task {
            await gate.enter(lane)
            entries.add(name)
            gate.leave(lane)
        }
        for _ in 0..<500 where gate.waiting(lane) == before { try await Task.sleep(for: .milliseconds(2)) }
        #expect(gate.waiting(lane) == before + 1, "\(name) is not waiting")
        return task
    }

    @Test func aFreedPermitGoesToCallersThenTheNextQuestionThenTheRest() async throws {
        let gate = PriorityGate(permits: 1, patience: Self.patient)
        let entries = Entries()
        await gate.enter(.caller)
        let tasks = [
            try await Self.queue("transcription", .job, at: gate, into: entries),
            try await Self.queue("question", .urgentJob, at: gate, into: entries),
            try await Self.queue("webhook", .caller, at: gate, into: entries),
            try await Self.queue("second webhook", .caller, at: gate, into: entries),
        ]
        gate.leave(.caller)
        for task in tasks { await task.value }
        #expect(entries.names == ["webhook", "second webhook", "question", "transcription"])
    }

    @Test func otherJobsHoldNoMoreThanTheirShare() async throws {
        let gate = PriorityGate(permits: 3, jobsAtMost: 1, patience: Self.patient)
        let entries = Entries()
        await gate.enter(.job)
        // Two permits are free, but not for another transcription; a caller and a question get them.
        let waiting = try await Self.queue("transcription", .job, at: gate, into: entries)
        await gate.enter(.caller)
        await gate.enter(.urgentJob)
        #expect(entries.names.isEmpty)
        gate.leave(.caller)
        gate.leave(.urgentJob)
        #expect(gate.waiting(.job) == 1, "still over its share")
        gate.leave(.job)
        await waiting.value
        #expect(entries.names == ["transcription"])
    }

    /// Callers alone can keep every permit busy; a question that has waited its patience goes first.
    @Test func aJobThatWaitedPastItsPatienceGoesAheadOfCallers() async throws {
        let gate = PriorityGate(permits: 1, patience: (urgent: .zero, other: .seconds(60)))
        let entries = Entries()
        await gate.enter(.caller)
        let tasks = [
            try await Self.queue("webhook", .caller, at: gate, into: entries),
            try await Self.queue("question", .urgentJob, at: gate, into: entries),
        ]
        gate.leave(.caller)
        for task in tasks { await task.value }
        #expect(entries.names == ["question", "webhook"])
    }

    @Test func aLineServingCallersKeepsMostConnectionsFromOtherJobs() {
        #expect(GatedPool.gate(connections: 10, servesCallers: true).caps == [10, 10, 3])
        #expect(GatedPool.gate(connections: 2, servesCallers: true).caps == [2, 2, 1])
        #expect(GatedPool.gate(connections: 10, servesCallers: false).caps == [10, 10, 10])
    }
}

/// The lanes on a real server: statements of other jobs never hold more connections than their share.
@Suite struct StoreLaneTests {
    @Test(.enabled(if: TestPostgres.isAvailable, "needs PostgreSQL (COACHLINE_TEST_POSTGRES_URL)"))
    func otherJobsKeepToTheirShareOfConnections() async throws {
        // Four connections: other jobs may hold one.
        try await StoreEngine.postgres.withStore(poolSize: 4) { store in
            let sleepers = Task {
                try await withThrowingTaskGroup(of: Void.self) { group in
                    for _ in 0..<3 {
                        group.addTask {
                            try await StoreLane.run(in: .job) {
                                _ = try await store.database.raw("SELECT pg_sleep(0.3) AS slept").all()
                            }
                        }
                    }
                    try await group.waitForAll()
                }
            }
            // Watched from a caller's connection, which is free all along.
            var most = 0
            for _ in 0..<40 {
                let sleeping =
                    try await store.database.raw(
                        """
                        SELECT COUNT(*) AS n FROM pg_stat_activity
                        WHERE datname = current_database() AND query LIKE 'SELECT pg_sleep%' AND state = 'active'
                        """
                    ).first()?.decode(column: "n", as: Int.self) ?? 0
                most = max(most, sleeping)
                try await Task.sleep(for: .milliseconds(25))
            }
            try await sleepers.value
            #expect(most == 1)
        }
    }
}
