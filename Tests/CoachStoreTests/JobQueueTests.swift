import CoachCore
import Foundation
import Testing

@testable import CoachStore

/// The durable job queue's semantics, the same on both engines.
@Suite struct JobQueueTests {
    static let start = Date(timeIntervalSince1970: 1_800_000_000)

    static func job(_ key: String, runAt: Date? = nil, maxAttempts: Int = 3) -> NewJob {
        NewJob(key: key, kind: "test", payload: #"{"key":"\#(key)"}"#, maxAttempts: maxAttempts, runAt: runAt)
    }

    @Test(arguments: StoreEngine.available)
    func theSameKeyIsQueuedOnce(engine: StoreEngine) async throws {
        try await engine.withStore { store in
            #expect(try await store.enqueue(Self.job("a"), now: Self.start))
            #expect(try await !store.enqueue(Self.job("a"), now: Self.start.addingTimeInterval(1)))
            #expect(try await store.jobCounts()[.queued] == 1)
            // Done, and asked for again within the window: still once. Long after: queued afresh.
            let claimed = try await store.claimJobs(worker: "w1", limit: 5, leaseSeconds: 30, now: Self.start)
            #expect(claimed.map(\.id) == ["a"])
            #expect(try await store.completeJob(id: "a", worker: "w1", now: Self.start))
            #expect(try await !store.enqueue(Self.job("a"), now: Self.start.addingTimeInterval(60)))
            #expect(try await store.job(id: "a")?.state == .done)
            #expect(try await store.enqueue(Self.job("a"), now: Self.start.addingTimeInterval(601)))
            let again = try #require(try await store.job(id: "a"))
            #expect(again.state == .queued && again.attempts == 0 && again.worker == nil)
        }
    }

    /// One job, by its key, for a held caller: taken once, ahead of older jobs, and never while it
    /// runs elsewhere or waits out a retry's backoff.
    @Test(arguments: StoreEngine.available)
    func aJobCanBeClaimedByItsKey(engine: StoreEngine) async throws {
        try await engine.withStore { store in
            try await store.enqueue(Self.job("old", runAt: Self.start.addingTimeInterval(-5)), now: Self.start)
            try await store.enqueue(Self.job("held"), now: Self.start)
            try await store.enqueue(Self.job("later", runAt: Self.start.addingTimeInterval(30)), now: Self.start)
            let taken = try #require(
                try await store.claimJob(id: "held", worker: "w1", leaseSeconds: 30, now: Self.start))
            #expect(taken.state == .running && taken.worker == "w1" && taken.attempts == 1)
            #expect(try await store.claimJob(id: "held", worker: "w2", leaseSeconds: 30, now: Self.start) == nil)
            #expect(try await store.claimJob(id: "later", worker: "w1", leaseSeconds: 30, now: Self.start) == nil)
            #expect(try await store.claimJob(id: "none", worker: "w1", leaseSeconds: 30, now: Self.start) == nil)
            #expect(try await store.job(id: "old")?.state == .queued)
        }
    }

    @Test(arguments: StoreEngine.available)
    func urgentKindsAreClaimedBeforeOlderJobs(engine: StoreEngine) async throws {
        try await engine.withStore { store in
            try await store.enqueue(Self.job("old", runAt: Self.start.addingTimeInterval(-5)), now: Self.start)
            try await store.enqueue(
                NewJob(key: "question", kind: "question", payload: "{}", runAt: Self.start), now: Self.start)
            let first = try await store.claimJobs(
                worker: "w1", limit: 1, leaseSeconds: 30, urgentKinds: ["question"], now: Self.start)
            #expect(first.map(\.id) == ["question"])
            let next = try await store.claimJobs(
                worker: "w1", limit: 1, leaseSeconds: 30, urgentKinds: ["question"], now: Self.start)
            #expect(next.map(\.id) == ["old"])
        }
    }

    /// A worker whose background is limited takes every due urgent job but only so many others, in
    /// one statement.
    @Test(arguments: StoreEngine.available)
    func aClaimCanCapTheOtherKinds(engine: StoreEngine) async throws {
        try await engine.withStore { store in
            let jobs = [
                ("t1", "transcribe"), ("q1", "question"), ("f1", "feedback"), ("q2", "question"), ("t2", "transcribe"),
            ]
            for (offset, (key, kind)) in jobs.enumerated() {
                let runAt = Self.start.addingTimeInterval(Double(offset) - 10)
                try await store.enqueue(NewJob(key: key, kind: kind, payload: "{}", runAt: runAt), now: Self.start)
            }
            // Room for two: the questions, though the others are older.
            let urgent = try await store.claimJobs(
                worker: "w1", limit: 2, leaseSeconds: 30, urgentKinds: ["question"], othersAtMost: 2, now: Self.start)
            #expect(urgent.map(\.id).sorted() == ["q1", "q2"])
            // Room for five, but one other at most: the oldest.
            let one = try await store.claimJobs(
                worker: "w1", limit: 5, leaseSeconds: 30, urgentKinds: ["question"], othersAtMost: 1, now: Self.start)
            #expect(one.map(\.id) == ["t1"])
            #expect(
                try await store.claimJobs(
                    worker: "w1", limit: 5, leaseSeconds: 30, urgentKinds: ["question"], othersAtMost: 0,
                    now: Self.start
                ).isEmpty)
            let rest = try await store.claimJobs(
                worker: "w1", limit: 5, leaseSeconds: 30, urgentKinds: ["question"], othersAtMost: 5, now: Self.start)
            #expect(rest.map(\.id).sorted() == ["f1", "t2"])
            #expect(rest.allSatisfy { $0.state == .running && $0.attempts == 1 && $0.worker == "w1" })
        }
    }

    /// Kinds are written into the claim as SQL literals (so PostgreSQL's generic plan can use the
    /// queued-questions index); a kind that is not a plain lower-case name is bound instead.
    @Test(arguments: StoreEngine.available)
    func aKindThatIsNoPlainNameIsBoundNotWritten(engine: StoreEngine) async throws {
        #expect(SQLStore.isPlainKind("question") && SQLStore.isPlainKind("progress_report"))
        #expect(!SQLStore.isPlainKind("it's") && !SQLStore.isPlainKind("Question") && !SQLStore.isPlainKind(""))
        try await engine.withStore { store in
            for (key, kind) in [("odd", "it's"), ("q1", "question")] {
                try await store.enqueue(NewJob(key: key, kind: kind, payload: "{}", runAt: Self.start), now: Self.start)
            }
            let odd = try await store.claimJobs(
                worker: "w1", limit: 5, leaseSeconds: 30, urgentKinds: ["it's"], othersAtMost: 0, now: Self.start)
            #expect(odd.map(\.id) == ["odd"])
            let mixed = try await store.claimJobs(
                worker: "w1", limit: 5, leaseSeconds: 30, urgentKinds: ["it's", "feedback"], othersAtMost: 5,
                now: Self.start)
            #expect(mixed.map(\.id) == ["q1"])
        }
    }

    /// Work stored already claimed by the worker that will run it, in this process: running, its first
    /// attempt counted, under a lease, with the same idempotency as `enqueue` and the same fate as any
    /// claimed job when its worker dies.
    @Test(arguments: StoreEngine.available)
    func aJobCanBeStoredClaimedByItsWorker(engine: StoreEngine) async throws {
        try await engine.withStore { store in
            let claimed = try #require(
                try await store.enqueueClaimed(Self.job("c"), worker: "w1", leaseSeconds: 30, now: Self.start))
            let stored = try #require(try await store.job(id: "c"))
            #expect(claimed == stored)
            #expect(stored.state == .running && stored.attempts == 1 && stored.worker == "w1")
            #expect(stored.leaseUntil == Self.start.addingTimeInterval(30) && stored.payload == #"{"key":"c"}"#)
            // The same work again, claimed or not, is not stored twice; nothing is left to claim.
            #expect(
                try await store.enqueueClaimed(Self.job("c"), worker: "w2", leaseSeconds: 30, now: Self.start) == nil)
            #expect(try await !store.enqueue(Self.job("c"), now: Self.start))
            #expect(try await store.claimJobs(worker: "w2", limit: 5, leaseSeconds: 30, now: Self.start).isEmpty)
            // Its worker dies: the lease runs out, and another takes it over.
            #expect(try await store.requeueExpiredJobs(now: Self.start.addingTimeInterval(31)) == 1)
            let taken = try await store.claimJobs(
                worker: "w2", limit: 1, leaseSeconds: 30, now: Self.start.addingTimeInterval(31))
            #expect(taken.map(\.attempts) == [2])
            #expect(try await !store.completeJob(id: "c", worker: "w1"))
            #expect(try await store.completeJob(id: "c", worker: "w2", now: Self.start.addingTimeInterval(32)))
            // Long after it was done, the same work asked for again is stored afresh, claimed.
            let again = try await store.enqueueClaimed(
                Self.job("c"), worker: "w3", leaseSeconds: 30, now: Self.start.addingTimeInterval(700))
            #expect(again?.attempts == 1 && again?.worker == "w3")
            #expect(try await store.job(id: "c")?.state == .running)
        }
    }

    @Test(arguments: StoreEngine.available)
    func claimsTakeDueJobsInOrderUnderALease(engine: StoreEngine) async throws {
        try await engine.withStore { store in
            try await store.enqueue(Self.job("later", runAt: Self.start.addingTimeInterval(10)), now: Self.start)
            try await store.enqueue(Self.job("second", runAt: Self.start.addingTimeInterval(-1)), now: Self.start)
            try await store.enqueue(Self.job("first", runAt: Self.start.addingTimeInterval(-2)), now: Self.start)
            let one = try await store.claimJobs(worker: "w1", limit: 1, leaseSeconds: 30, now: Self.start)
            #expect(one.map(\.id) == ["first"])
            let claimed = try #require(one.first)
            #expect(claimed.state == .running && claimed.attempts == 1 && claimed.worker == "w1")
            #expect(claimed.leaseUntil == Self.start.addingTimeInterval(30))
            #expect(claimed.payload == #"{"key":"first"}"#)
            let rest = try await store.claimJobs(worker: "w2", limit: 5, leaseSeconds: 30, now: Self.start)
            #expect(rest.map(\.id) == ["second"], "not the one held by w1, not the one not yet due")
            let due = try await store.claimJobs(
                worker: "w2", limit: 5, leaseSeconds: 30, now: Self.start.addingTimeInterval(10))
            #expect(due.map(\.id) == ["later"])
            #expect(try await store.claimJobs(worker: "w3", limit: 0, leaseSeconds: 30, now: Self.start).isEmpty)
        }
    }

    @Test(arguments: StoreEngine.available)
    func anExpiredLeaseIsTakenOverAndTheOldWorkerCannotFinish(engine: StoreEngine) async throws {
        try await engine.withStore { store in
            try await store.enqueue(Self.job("j"), now: Self.start)
            _ = try await store.claimJobs(worker: "dies", limit: 1, leaseSeconds: 30, now: Self.start)
            // Still leased: nothing to requeue, nothing to claim.
            #expect(try await store.requeueExpiredJobs(now: Self.start.addingTimeInterval(29)) == 0)
            #expect(
                try await store.claimJobs(
                    worker: "w2", limit: 1, leaseSeconds: 30, now: Self.start.addingTimeInterval(29)
                ).isEmpty)
            // Expired: queued again (a running job is never claimed as it is), then taken over.
            #expect(
                try await store.claimJobs(
                    worker: "w2", limit: 1, leaseSeconds: 30, now: Self.start.addingTimeInterval(31)
                ).isEmpty)
            #expect(try await store.requeueExpiredJobs(now: Self.start.addingTimeInterval(31)) == 1)
            let taken = try await store.claimJobs(
                worker: "w2", limit: 1, leaseSeconds: 30, now: Self.start.addingTimeInterval(31))
            #expect(taken.map(\.attempts) == [2])
            #expect(try await !store.completeJob(id: "j", worker: "dies"))
            #expect(try await store.failJob(id: "j", worker: "dies", error: "late", retryAt: Self.start) == nil)
            #expect(try await store.completeJob(id: "j", worker: "w2"))
            #expect(try await store.job(id: "j")?.state == .done)
        }
    }

    @Test(arguments: StoreEngine.available)
    func aReleasedJobIsQueuedAgainWithoutCountingTheAttempt(engine: StoreEngine) async throws {
        try await engine.withStore { store in
            try await store.enqueue(Self.job("r"), now: Self.start)
            _ = try await store.claimJobs(worker: "stopping", limit: 1, leaseSeconds: 30, now: Self.start)
            #expect(try await !store.releaseJob(id: "r", worker: "someone-else"))
            #expect(try await store.releaseJob(id: "r", worker: "stopping", now: Self.start))
            let taken = try await store.claimJobs(worker: "w2", limit: 1, leaseSeconds: 30, now: Self.start)
            #expect(taken.map(\.attempts) == [1])
        }
    }

    @Test(arguments: StoreEngine.available)
    func failuresRetryAtTheirTimeThenDie(engine: StoreEngine) async throws {
        try await engine.withStore { store in
            try await store.enqueue(Self.job("f", maxAttempts: 2), now: Self.start)
            _ = try await store.claimJobs(worker: "w", limit: 1, leaseSeconds: 30, now: Self.start)
            let retryAt = Self.start.addingTimeInterval(5)
            #expect(try await store.failJob(id: "f", worker: "w", error: "boom 1", retryAt: retryAt) == .queued)
            #expect(try await store.claimJobs(worker: "w", limit: 1, leaseSeconds: 30, now: Self.start).isEmpty)
            let second = try await store.claimJobs(worker: "w", limit: 1, leaseSeconds: 30, now: retryAt)
            #expect(second.map(\.attempts) == [2])
            #expect(try await store.failJob(id: "f", worker: "w", error: "boom 2", retryAt: retryAt) == .dead)
            let dead = try #require(try await store.job(id: "f"))
            #expect(dead.state == .dead && dead.lastError == "boom 2" && dead.attempts == 2)
            #expect(try await store.jobs(state: .dead).map(\.id) == ["f"])
            #expect(
                try await store.claimJobs(worker: "w", limit: 1, leaseSeconds: 30, now: retryAt.addingTimeInterval(60))
                    .isEmpty)
        }
    }

    @Test(arguments: StoreEngine.available)
    func aWorkerDyingOnTheLastAttemptLeavesADeadLetter(engine: StoreEngine) async throws {
        try await engine.withStore { store in
            try await store.enqueue(Self.job("d", maxAttempts: 1), now: Self.start)
            try await store.enqueue(Self.job("alive"), now: Self.start)
            _ = try await store.claimJobs(worker: "dies", limit: 2, leaseSeconds: 30, now: Self.start)
            #expect(try await store.deadLetterExpiredJobs(now: Self.start.addingTimeInterval(10)).isEmpty)
            let later = Self.start.addingTimeInterval(31)
            let dead = try await store.deadLetterExpiredJobs(now: later)
            #expect(dead.map(\.id) == ["d"])
            #expect(dead.first?.lastError == "lease expired on the last attempt")
            // The other one had attempts left: it is queued again and taken over, not killed.
            #expect(try await store.requeueExpiredJobs(now: later) == 1)
            #expect(
                try await store.claimJobs(worker: "w2", limit: 5, leaseSeconds: 30, now: later).map(\.id) == ["alive"])
            let counts = try await store.jobCounts()
            #expect(counts == [.queued: 0, .running: 1, .done: 0, .dead: 1])
        }
    }

    @Test(arguments: StoreEngine.available)
    func pruningKeepsRecentAndUnfinishedJobs(engine: StoreEngine) async throws {
        try await engine.withStore { store in
            for key in ["old-done", "new-done", "old-dead", "queued"] {
                try await store.enqueue(Self.job(key, maxAttempts: 1), now: Self.start)
            }
            _ = try await store.claimJobs(worker: "w", limit: 3, leaseSeconds: 30, now: Self.start)
            try await store.completeJob(id: "old-done", worker: "w", now: Self.start)
            try await store.completeJob(id: "new-done", worker: "w", now: Self.start.addingTimeInterval(100))
            try await store.failJob(id: "old-dead", worker: "w", error: "x", retryAt: Self.start, now: Self.start)
            let pruned = try await store.pruneJobs(
                doneBefore: Self.start.addingTimeInterval(50), deadBefore: Self.start.addingTimeInterval(50))
            #expect(pruned == 2)
            #expect(try await store.job(id: "new-done") != nil)
            #expect(try await store.job(id: "queued")?.state == .queued)
            #expect(try await store.job(id: "old-done") == nil)
        }
    }

    /// Workers racing on PostgreSQL (separate connections): every job is claimed exactly once.
    @Test(.enabled(if: StoreEngine.postgresURL != nil, "needs PostgreSQL"))
    func concurrentWorkersNeverShareAJob() async throws {
        try await StoreEngine.postgres.withStore(poolSize: 8) { store in
            for index in 0..<60 { try await store.enqueue(Self.job("job-\(index)"), now: Self.start) }
            let claims = try await withThrowingTaskGroup(of: [String].self) { group in
                for worker in 0..<6 {
                    group.addTask {
                        var mine: [String] = []
                        while true {
                            let batch = try await store.claimJobs(
                                worker: "w\(worker)", limit: 3, leaseSeconds: 30, now: Self.start)
                            if batch.isEmpty { return mine }
                            mine += batch.map(\.id)
                        }
                    }
                }
                return try await group.reduce(into: [String]()) { $0 += $1 }
            }
            #expect(claims.count == 60)
            #expect(Set(claims).count == 60)
        }
    }
}

/// NOTIFY from one process reaches LISTEN in another (two stores, two pools), which is how a worker or a
/// waiting webhook on one instance learns of a job or a question from another.
@Suite struct NotificationTests {
    @Test(.enabled(if: StoreEngine.postgresURL != nil, "needs PostgreSQL"))
    func notifyReachesAListenerOnAnotherConnection() async throws {
        let database = try await TestDatabase.create(StoreEngine.postgres)
        let listening = try await SQLStore.open(database.url, poolSize: 1, logger: StoreEngine.quiet)
        let sending = try await SQLStore.open(database.url, poolSize: 1, logger: StoreEngine.quiet)
        try await sending.migrate()
        let (ready, readyContinuation) = AsyncStream.makeStream(of: Void.self)
        let (received, receivedContinuation) = AsyncStream.makeStream(of: String.self)
        let listener = Task {
            await listening.listen(
                channel: "coachline_test", logger: StoreEngine.quiet, ready: { readyContinuation.yield() }
            ) { payload in receivedContinuation.yield(payload) }
        }
        var readyIterator = ready.makeAsyncIterator()
        _ = await readyIterator.next()
        try await sending.notify(channel: "coachline_test", payload: "ready:CA1:3")
        try await sending.notify(channel: "other_channel", payload: "not for us")
        try await sending.notify(channel: "coachline_test", payload: "jobs")
        // Queuing a job notifies in the same statement, and only when it was queued.
        let job = NewJob(key: "question:CA1:2:general", kind: "question", payload: "{}")
        #expect(try await sending.enqueue(job, notifying: Notice(channel: "coachline_test", payload: "queued")))
        #expect(try await !sending.enqueue(job, notifying: Notice(channel: "coachline_test", payload: "queued again")))
        // So does storing a prepared question, and only when this call stored it.
        let question = Question(id: "q1", text: "Tell me about a launch.", competency: .leadership, origin: .model)
        for text in ["stored", "kept"] {
            _ = try await sending.savePreparedQuestion(
                callSid: "CA1", number: 2, question: question, roleKey: "general", audioKey: nil,
                notifying: Notice(channel: "coachline_test", payload: text))
        }
        try await sending.notify(channel: "coachline_test", payload: "last")
        var iterator = received.makeAsyncIterator()
        #expect(await iterator.next() == "ready:CA1:3")
        #expect(await iterator.next() == "jobs")
        #expect(await iterator.next() == "queued")
        #expect(await iterator.next() == "stored")
        #expect(await iterator.next() == "last")
        listener.cancel()
        await listener.value
        try await listening.shutdown()
        try await sending.shutdown()
        try await database.drop()
    }

    @Test func sqliteNeedsNoListener() async throws {
        try await StoreEngine.sqlite.withStore { store in
            try await store.notify(channel: "coachline", payload: "jobs")  // a no-op, not an error
            await store.listen(channel: "coachline", logger: StoreEngine.quiet) { _ in }  // returns at once
        }
    }
}
