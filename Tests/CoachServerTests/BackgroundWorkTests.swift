import CoachCore
import CoachFakes
import CoachStore
import Foundation
import Testing

@testable import CoachServer

/// The jobs' own rules: what a job does when what it needs is not stored yet.
@Suite struct BackgroundWorkTests {
    /// A provider transcript with word timings clears the analysis for a moment (pace is measured
    /// again). A feedback job running in that moment must come back later, not finish empty-handed:
    /// its key is taken, so nothing would ask for that feedback again.
    @Test func feedbackWaitsForTheAnalysisInsteadOfGivingUp() async throws {
        let fakes = try await FakeServers.start(control: FakeControl(), logger: TestLine.quiet)
        let settings = try Settings.load(environment: [
            "OPENAI_API_KEY": "sk-fake", "OPENAI_BASE_URL": fakes.openAIBaseURL, "HOST": "127.0.0.1",
        ])
        let store = try await SQLStore.open(.sqliteMemory, logger: TestLine.quiet)
        try await store.migrate()
        let server = try CoachLineServer(settings: settings, store: store, logger: TestLine.quiet)
        let text = "Last year I rebuilt our release process and we shipped two weeks early."
        _ = try await store.beginCall(callSid: "CA1", caller: .known("+14155550123"))
        let session = try await store.openSession(
            callSid: "CA1", caller: .known("+14155550123"), role: .general, total: 5)
        try await store.saveAnswer(
            AnswerRecord(
                callSid: "CA1", number: 1, sessionID: session.id,
                question: Question(
                    id: "q1", text: "Tell me about a delivery.", competency: .problemSolving, origin: .bank),
                recordingSid: "RE1", recordingURL: nil, durationSeconds: 30, ending: .finishKey))
        try await store.updateRecording(.init(recordingSid: "RE1", durationSeconds: 30, transcript: text))

        await #expect(throws: NotYet.self) {
            try await server.recordings.feedbackNow(recordingSid: "RE1", transcript: text)
        }
        try await store.saveAnalysis(AnswerAnalyzer().analyze(transcript: text, seconds: 30), recordingSid: "RE1")
        try await server.recordings.feedbackNow(recordingSid: "RE1", transcript: text)
        #expect(try await store.recording(sid: "RE1")?.modelFeedback != nil)
        // A transcript that is no longer the recording's is stale: nothing to do, nothing to retry.
        try await server.recordings.feedbackNow(recordingSid: "RE1", transcript: "older words")
        try await store.shutdown()
        try await fakes.stop()
    }

    /// A provider transcription whose job was dead-lettered: the recording stops waiting for it, and
    /// Twilio's transcript, set aside meanwhile, is analysed and sent for feedback.
    @Test func anAbandonedTranscriptionLeavesTwiliosWordsToAnalyse() async throws {
        let store = try await SQLStore.open(.sqliteMemory, logger: TestLine.quiet)
        try await store.migrate()
        let settings = try Settings.load(environment: [
            "OPENAI_API_KEY": "sk-fake", "OPENAI_BASE_URL": "http://127.0.0.1:9/v1", "TRANSCRIBE_PROVIDER": "openai",
            "TWILIO_ACCOUNT_SID": "AC" + String(repeating: "0", count: 32), "TWILIO_AUTH_TOKEN": "token",
            "HOST": "127.0.0.1",
        ])
        let server = try CoachLineServer(settings: settings, store: store, logger: TestLine.quiet)
        let text = "Last year I rebuilt our release process and we shipped two weeks early."
        try await store.updateRecording(
            .init(recordingSid: "RE1", callSid: "CA1", durationSeconds: 30, awaitingProvider: true))
        try await store.updateRecording(.init(recordingSid: "RE1", transcript: text))
        #expect(try await store.recording(sid: "RE1")?.analysis == nil, "set aside while the provider works")
        let work = LineWork(
            store: store, preparer: server.preparer, recordings: server.recordings, voice: server.voice,
            drafts: server.drafts)
        try await work.abandon(.transcribe(recordingSid: "RE1", recordingURL: "https://x/RE1", callSid: "CA1"))
        let recording = try #require(try await store.recording(sid: "RE1"))
        #expect(!recording.awaitingProvider && recording.analysis != nil, "\(recording)")
        let feedback = BackgroundWork.feedback(recordingSid: "RE1", transcript: text)
        #expect(try await store.jobs(state: .queued).contains { $0.payload == feedback.payload })
        try await store.shutdown()
    }

    @Test func workSurvivesItsJSONAndKeysAreStable() throws {
        let work: [BackgroundWork] = [
            .question(callSid: "CA1", number: 2, roleKey: "nursing"),
            .question(
                callSid: "CA1", number: 3, roleKey: "nursing",
                session: QuestionSession(
                    id: "S1", phone: "+14155550123", role: PracticeRole(key: "nursing", spoken: "a nurse"), total: 5)),
            .question(
                callSid: "CA2", number: 1, roleKey: "nursing",
                caller: QuestionCaller(phone: nil, role: PracticeRole(key: "nursing"))),
            .transcribe(recordingSid: "RE1", recordingURL: "https://api.twilio.com/x", callSid: "CA1"),
            .feedback(recordingSid: "RE1", transcript: "words"), .voice(text: "Hello."),
            .draft(kind: "debrief", owner: "S1", template: "You answered five."),
            .progress(phone: "+14155550123", callSid: "CA1"),
        ]
        for item in work {
            #expect(try BackgroundWork(payload: item.payload) == item)
        }
        #expect(Set(work.map(\.key)).count == work.count)
        // A question queued with its session is the same work as one queued without (queued once), and a
        // job queued before questions carried sessions still runs.
        let bare = BackgroundWork.question(callSid: "CA1", number: 3, roleKey: "nursing")
        #expect(work[1].key == bare.key)
        #expect(work[2].key == BackgroundWork.question(callSid: "CA2", number: 1, roleKey: "nursing").key)
        #expect(
            try BackgroundWork(payload: #"{"question":{"callSid":"CA1","number":3,"roleKey":"nursing"}}"#) == bare)
        // Keys hash content with SHA-256, so every process (and every restart) agrees on them.
        #expect(BackgroundWork.voice(text: "Hello.").key == "voice:2d8bd7d9bb5f85ba643f0110")
        #expect(
            BackgroundWork.feedback(recordingSid: "RE1", transcript: "a").key
                != BackgroundWork.feedback(recordingSid: "RE1", transcript: "b").key)
    }
}

@Suite struct RecentKeysTests {
    @Test func aKeyIsRecentForItsPeriodOnly() {
        let keys = RecentKeys(seconds: 60)
        let start = ContinuousClock.now
        #expect(!keys.contains("feedback:RE1", now: start))
        #expect(keys.take("feedback:RE1", now: start))
        #expect(keys.contains("feedback:RE1", now: start + .seconds(59)))
        #expect(!keys.contains("feedback:RE1", now: start + .seconds(60)))
        #expect(!keys.contains("feedback:RE2", now: start))
        // A later take sweeps out what expired and keeps what did not.
        #expect(keys.take("feedback:RE2", now: start + .seconds(30)))
        #expect(keys.take("feedback:RE3", now: start + .seconds(70)))
        #expect(keys.count == 2)
        #expect(keys.contains("feedback:RE2", now: start + .seconds(70)))
    }

    @Test func aKeyIsTakenOncePerPeriodAndCanBeGivenBack() {
        let keys = RecentKeys(seconds: 60)
        let start = ContinuousClock.now
        #expect(keys.take("voice:a", now: start))
        #expect(!keys.take("voice:a", now: start + .seconds(59)))
        #expect(keys.take("voice:a", now: start + .seconds(60)))
        keys.remove("voice:a")
        #expect(keys.take("voice:a", now: start + .seconds(61)))
    }
}

/// A worker on an in-memory store, with the queue that feeds it.
struct WorkerLine {
    let store: SQLStore
    let queue: JobQueue
    let worker: JobWorker

    /// `attached`: the queue hands work its worker has room for straight to it, as the server's does.
    init(performer: any WorkPerformer, options: JobWorker.Options, maxAttempts: Int = 3, attached: Bool = false)
        async throws
    {
        store = try await SQLStore.open(.sqliteMemory, logger: TestLine.quiet)
        try await store.migrate()
        let signals = Signals()
        queue = JobQueue(store: store, signals: signals, maxAttempts: maxAttempts, logger: TestLine.quiet)
        let metrics = LineMetrics(
            store: store, providers: Providers(questions: BankQuestionSource(planner: .init(bank: try .builtIn()))))
        worker = JobWorker(
            store: store, performer: performer, signals: signals, options: options, metrics: metrics,
            logger: TestLine.quiet)
        if attached { queue.local.attach(worker) }
    }

    /// Waits (up to 20 s) until `count` jobs are done.
    func waitUntilDone(_ count: Int) async throws {
        let deadline = ContinuousClock.now + .seconds(20)
        while try await store.jobs(state: .done).count < count, ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(20))
        }
    }
}

/// The worker's slots: fewer than the jobs due, and a poll too long to help. Each freed slot must take
/// the next due job, and same work asked for at once is queued once.
@Suite struct JobWorkerTests {
    struct Sleeper: WorkPerformer {
        func perform(_ work: BackgroundWork) async throws {
            try await Task.sleep(for: .milliseconds(30))
        }
    }

    @Test func freedSlotsTakeTheJobsLeftBehind() async throws {
        let line = try await WorkerLine(performer: Sleeper(), options: .init(concurrency: 2, pollSeconds: 60))
        let (store, queue, worker) = (line.store, line.queue, line.worker)
        // Asked for twice at once, as a recording's callback and its Record action do: one insert.
        await withTaskGroup(of: Void.self) { group in
            for index in 0..<7 {
                group.addTask { await queue.enqueue(.voice(text: "line \(index)")) }
                group.addTask { await queue.enqueue(.voice(text: "line \(index)")) }
            }
        }
        #expect(try await store.jobs(state: .queued).count == 7)
        await worker.start()
        try await line.waitUntilDone(7)
        // With a 60 s poll, only freed slots looking again could have run the five left after the first claim.
        #expect(try await store.jobs(state: .done).count == 7)
        await worker.stop()
        try await store.shutdown()
    }

    /// With the background limit on, at its floor of one on a busy machine or higher on an idle one,
    /// every job still runs: a freed background slot looks again when the limit held jobs back.
    /// Queued before the worker starts, or (attached) handed to it as they come while it runs.
    @Test(arguments: [false, true])
    func aLimitedBackgroundStillRunsEveryJob(attached: Bool) async throws {
        let line = try await WorkerLine(
            performer: Sleeper(),
            options: .init(concurrency: 3, pollSeconds: 60, urgentKinds: ["question"], busyBackgroundFloor: 1),
            attached: attached)
        let (store, queue, worker) = (line.store, line.queue, line.worker)
        if attached { await worker.start() }
        for index in 0..<6 { await queue.enqueue(.voice(text: "line \(index)")) }
        for number in 1...3 { await queue.enqueue(.question(callSid: "CA1", number: number, roleKey: "general")) }
        if !attached { await worker.start() }
        try await line.waitUntilDone(9)
        #expect(try await store.jobs(state: .done).count == 9)
        await worker.stop()
        try await store.shutdown()
    }

    /// Runs each job until its gate opens, noting which jobs it started and the priority each finished at.
    actor Gated: WorkPerformer {
        private(set) var started: [String] = []
        private(set) var finishedAt: [String: TaskPriority] = [:]
        private var open = false

        func perform(_ work: BackgroundWork) async throws {
            started.append(work.key)
            while !open { try await Task.sleep(for: .milliseconds(5)) }
            finishedAt[work.key] = Task.currentPriority
        }

        func release() { open = true }

        /// Waits (up to 10 s) until `count` jobs have started.
        func waitUntilStarted(_ count: Int) async throws {
            let deadline = ContinuousClock.now + .seconds(10)
            while started.count < count, ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(5)) }
        }

        /// A worker for questions only, attached to its queue and started, that runs them on this gate.
        func questionLine(concurrency: Int) async throws -> WorkerLine {
            let line = try await WorkerLine(
                performer: self, options: .init(concurrency: concurrency, pollSeconds: 60, urgentKinds: ["question"]),
                attached: true)
            await line.worker.start()
            return line
        }
    }

    /// Work queued while the background limit is reached does not wake the loop for a claim that could
    /// take nothing (under load a third of all claims were those); a finished job's freed slot does, and
    /// every job runs.
    @Test func workTheLimitHoldsBackWakesNoClaim() async throws {
        let performer = Gated()
        let line = try await WorkerLine(
            performer: performer,
            options: .init(
                concurrency: 3, pollSeconds: 60, urgentKinds: ["question"], busyBackgroundFloor: 1,
                followsSchedulingLag: false),
            attached: true)
        let (store, queue, worker) = (line.store, line.queue, line.worker)
        await worker.start()
        await queue.enqueue(.voice(text: "first"))
        try await performer.waitUntilStarted(1)
        let claimsBefore = await worker.loopClaims
        for index in 1...2 { await queue.enqueue(.voice(text: "line \(index)")) }
        #expect(try await store.jobs(state: .queued).count == 2)
        try await Task.sleep(for: .milliseconds(100))  // a woken loop claims within a millisecond or two
        #expect(await worker.loopClaims == claimsBefore)
        await performer.release()
        try await line.waitUntilDone(3)
        #expect(try await store.jobs(state: .done).count == 3)
        await worker.stop()
        try await store.shutdown()
    }

    /// Work the process's own worker has room for is stored claimed by it and runs at once: no claim,
    /// no wake-up. With no room, other work is queued for any worker and runs when a slot frees; the
    /// next question of a call starts at once all the same, beyond the worker's concurrency.
    @Test func workWithRoomIsClaimedAsItIsQueued() async throws {
        let performer = Gated()
        let line = try await performer.questionLine(concurrency: 1)
        let (store, queue, worker) = (line.store, line.queue, line.worker)
        let first = BackgroundWork.question(callSid: "CA1", number: 1, roleKey: "general")
        await queue.enqueue(first)
        // Stored running, by this worker, and never touched by a claim since.
        let running = try #require(try await store.job(id: first.key))
        #expect(running.state == .running && running.worker == worker.id && running.attempts == 1)
        #expect(running.updatedAt == running.createdAt)
        // The one slot is taken: other work is queued for whichever worker frees first...
        let voice = BackgroundWork.voice(text: "a prompt")
        await queue.enqueue(voice)
        #expect(try await store.job(id: voice.key)?.state == .queued)
        // ...but another call's next question is not made to wait for it.
        let second = BackgroundWork.question(callSid: "CA2", number: 2, roleKey: "general")
        await queue.enqueue(second)
        let beyond = try #require(try await store.job(id: second.key))
        #expect(beyond.state == .running && beyond.worker == worker.id && beyond.updatedAt == beyond.createdAt)
        try await performer.waitUntilStarted(2)
        #expect(await worker.running == 2)
        await performer.release()
        try await line.waitUntilDone(3)
        #expect(
            try await store.jobs(state: .done).map(\.id).sorted() == [first.key, second.key, voice.key].sorted())
        #expect(await performer.started == [first.key, second.key, voice.key])
        await worker.stop()
        // A stopped worker takes nothing: work is queued.
        let third = BackgroundWork.question(callSid: "CA1", number: 3, roleKey: "general")
        await queue.enqueue(third)
        #expect(try await store.job(id: third.key)?.state == .queued)
        try await store.shutdown()
    }

    /// Notes the CPU priority and store lane each job ran in.
    actor Observer: WorkPerformer {
        private(set) var seen: [String: (priority: TaskPriority, lane: StoreLane)] = [:]

        func perform(_ work: BackgroundWork) async throws {
            seen[work.key] = (Task.currentPriority, StoreLane.current)
        }
    }

    /// The next question runs at default priority in its lane, other work at background priority in
    /// the jobs' lane, behind webhooks for the CPU as for connections: whether a claim took the job or
    /// the queue handed it over (attached). Started from a webhook's priority, a job must not keep it.
    @Test(arguments: [false, true])
    func eachJobRunsAtItsLanesPriority(attached: Bool) async throws {
        let performer = Observer()
        let line = try await WorkerLine(
            performer: performer, options: .init(concurrency: 4, pollSeconds: 60, urgentKinds: ["question"]),
            attached: attached)
        let (queue, worker) = (line.queue, line.worker)
        let question = BackgroundWork.question(callSid: "CA1", number: 2, roleKey: "general")
        let voice = BackgroundWork.voice(text: "Well done.")
        if attached { await worker.start() }
        try await StoreLane.caller.runAtItsPriority {
            await queue.enqueue(question)
            await queue.enqueue(voice)
        }
        if !attached { await worker.start() }
        try await line.waitUntilDone(2)
        let seen = await performer.seen
        #expect(seen[question.key]?.priority == .medium && seen[question.key]?.lane == .urgentJob)
        #expect(seen[voice.key]?.priority == .background && seen[voice.key]?.lane == .job)
        await worker.stop()
        try await line.store.shutdown()
    }

    /// A question a caller is on hold for goes on at callers' priority; the one nobody waits for yet
    /// keeps the questions' priority.
    @Test func aQuestionACallerIsHeldForRunsAtCallersPriority() async throws {
        let performer = Gated()
        let line = try await performer.questionLine(concurrency: 2)
        let (queue, worker) = (line.queue, line.worker)
        let held = BackgroundWork.question(callSid: "CA1", number: 2, roleKey: "general")
        let ahead = BackgroundWork.question(callSid: "CA2", number: 2, roleKey: "general")
        await queue.enqueue(held)
        await queue.enqueue(ahead)
        try await performer.waitUntilStarted(2)
        await worker.escalate(jobID: held.key)
        await performer.release()
        try await line.waitUntilDone(2)
        let finishedAt = await performer.finishedAt
        #expect(finishedAt[held.key] == StoreLane.caller.taskPriority)
        #expect(finishedAt[ahead.key] == StoreLane.urgentJob.taskPriority)
        await worker.stop()
        try await line.store.shutdown()
    }

    /// A question left queued (by an instance without a worker, say) while every slot here is taken
    /// is taken at once when a caller is held for it, beyond the worker's concurrency, and runs at
    /// callers' priority.
    @Test func aQueuedQuestionACallerIsHeldForIsTakenAtOnce() async throws {
        let performer = Gated()
        let line = try await performer.questionLine(concurrency: 1)
        let (store, queue, worker) = (line.store, line.queue, line.worker)
        let ahead = BackgroundWork.question(callSid: "CA1", number: 3, roleKey: "general")
        let held = BackgroundWork.question(callSid: "CA2", number: 2, roleKey: "general")
        await queue.enqueue(ahead)
        // Queued by another instance (this one would have started it at once), behind a slot taken.
        try await store.enqueue(NewJob(key: held.key, kind: held.kind, payload: held.payload))
        #expect(try await store.job(id: held.key)?.state == .queued)
        await worker.escalate(jobID: held.key)
        try await performer.waitUntilStarted(2)
        #expect(await performer.started == [ahead.key, held.key], "the held caller's question waited for a slot")
        #expect(await worker.running == 2)
        await performer.release()
        try await line.waitUntilDone(2)
        #expect(await performer.finishedAt[held.key] == StoreLane.caller.taskPriority)
        await worker.stop()
        try await store.shutdown()
    }

    @Test func theBackgroundLimitHalvesWhenBusyAndRecoversOneAtATime() {
        var limit = BackgroundLimit(floor: 8, ceiling: 64)
        #expect(limit.current == 8, "it starts low")
        for _ in 0..<56 { limit.observe(lag: .microseconds(200)) }
        #expect(limit.current == 64, "a line with CPU to spare runs at full concurrency")
        limit.observe(lag: .milliseconds(10))
        #expect(limit.current == 32)
        for _ in 0..<5 { limit.observe(lag: .milliseconds(3)) }
        #expect(limit.current == 8, "never below the floor")
        limit.observe(lag: .milliseconds(1))
        #expect(limit.current == 8, "between busy and calm: unchanged")
        limit.observe(lag: .microseconds(100))
        limit.observe(lag: .zero)
        #expect(limit.current == 10)
        for _ in 0..<100 { limit.observe(lag: .zero) }
        #expect(limit.current == 64, "never above the ceiling")
        let small = BackgroundLimit(floor: 100, ceiling: 4)
        #expect(small.floor == 4 && small.current == 4)
    }

    /// Fails every attempt and notes what it was told to give up on.
    actor Failing: WorkPerformer {
        private(set) var abandoned: [BackgroundWork] = []
        nonisolated func perform(_ work: BackgroundWork) async throws { throw NotYet("never") }
        func abandon(_ work: BackgroundWork) async throws { abandoned.append(work) }
    }

    /// Dead-lettered work, whether its last attempt failed or its worker died during it, is given up
    /// on, so what waits for it goes on without it.
    @Test func deadLetteredWorkIsGivenUpOn() async throws {
        let performer = Failing()
        let line = try await WorkerLine(
            performer: performer, options: .init(concurrency: 2, pollSeconds: 0.1), maxAttempts: 1)
        let (store, queue, worker) = (line.store, line.queue, line.worker)
        // One job's only attempt went to a worker that died: its lease has run out.
        let orphan = BackgroundWork.transcribe(recordingSid: "RE1", recordingURL: "https://x/RE1", callSid: "CA1")
        await queue.enqueue(orphan)
        let claimed = try await store.claimJobs(worker: "gone", limit: 1, leaseSeconds: -1)
        #expect(claimed.count == 1)
        // Another's only attempt fails here.
        let failing = BackgroundWork.feedback(recordingSid: "RE2", transcript: "words")
        await queue.enqueue(failing)
        await worker.start()
        let deadline = ContinuousClock.now + .seconds(20)
        while await performer.abandoned.count < 2, ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(20))
        }
        await worker.stop()
        #expect(Set(await performer.abandoned.map(\.key)) == [orphan.key, failing.key])
        #expect(try await store.jobs(state: .dead).count == 2)
        try await store.shutdown()
    }

    @Test func aQueueThatFailsGivesTheKeyBack() async throws {
        let store = try await SQLStore.open(.sqliteMemory, logger: TestLine.quiet)
        try await store.migrate()
        let queue = JobQueue(store: store, signals: Signals(), maxAttempts: 3, logger: TestLine.quiet)
        try await store.shutdown()
        await queue.enqueue(.voice(text: "lost"))
        #expect(!queue.recent.contains(BackgroundWork.voice(text: "lost").key))
    }
}

/// An instance hears its own NOTIFY back on its LISTEN connection; it ignores it (its waiters were
/// signalled already) and acts on every other instance's.
@Suite struct NoticeTests {
    @Test func anInstanceIgnoresItsOwnNoticesOnly() async throws {
        let store = try await SQLStore.open(.sqliteMemory, logger: TestLine.quiet)
        let here = JobQueue(store: store, signals: Signals(), maxAttempts: 3, logger: TestLine.quiet)
        let there = JobQueue(store: store, signals: Signals(), maxAttempts: 3, logger: TestLine.quiet)
        #expect(here.origin != there.origin)
        #expect(here.topic(ofNotice: here.notice("jobs")) == nil)
        #expect(here.topic(ofNotice: there.notice("jobs")) == "jobs")
        #expect(here.topic(ofNotice: there.notice("ready:CA1:2")) == "ready:CA1:2")
        // An older instance's notice carries no origin: it is a topic as it is.
        #expect(here.topic(ofNotice: "ready:CA1:2") == "ready:CA1:2")
        try await store.shutdown()
    }
}

/// What a question is written from: a returning caller's next interview aims at what their earlier
/// answers most often lacked, and never repeats a question they were asked before.
@Suite struct QuestionContextTests {
    @Test func aReturningCallersContextCarriesTheirWeakSpotsAndPastQuestions() async throws {
        let store = try await SQLStore.open(.sqliteMemory, logger: TestLine.quiet)
        try await store.migrate()
        let server = try CoachLineServer(settings: TestLine.settings(), store: store, logger: TestLine.quiet)
        let phone = CallerNumber.known("+14155550188")
        _ = try await store.beginCall(callSid: "CA1", caller: phone)
        let session = try await store.openSession(callSid: "CA1", caller: phone, role: .general, total: 5)
        let analysis = AnswerAnalyzer().analyze(
            transcript: "I led the migration and we cut costs by 30 percent.", seconds: 30, timing: nil)
        for (number, lacking) in [(1, CoachingDimension.pace), (2, .substance), (3, .pace)] {
            let question = Question(
                id: "past-\(number)", text: "Question \(number)?", competency: .leadership, origin: .bank)
            try await store.saveAnswer(
                AnswerRecord(
                    callSid: "CA1", number: number, sessionID: session.id, question: question,
                    recordingSid: "RE\(number)", recordingURL: nil, durationSeconds: 30, ending: .finishKey))
            _ = try await store.updateRecording(RecordingUpdate(recordingSid: "RE\(number)", transcript: "Words."))
            var graded = analysis
            graded.improvementDimension = lacking
            try await store.saveAnalysis(graded, recordingSid: "RE\(number)")
        }
        // Question 1 of the next call is queued as the call is stored, carrying its caller: it needs no
        // call row, and reads what a job that read the call reads.
        let early = try #require(
            try await server.preparer.context(
                for: .init(callSid: "CA2", number: 1, caller: QuestionCaller(phone: phone.number, role: .general))))
        #expect(try await store.call(callSid: "CA2") == nil)
        _ = try await store.beginCall(callSid: "CA2", caller: phone)

        let request = try #require(try await server.preparer.context(for: .init(callSid: "CA2", number: 1)))
        #expect(request.weakSpots == [.pace, .substance])
        #expect(request.excludedIDs.isSuperset(of: ["past-1", "past-2", "past-3"]))
        #expect(early.role == request.role && early.total == request.total && early.seed == request.seed)
        #expect(early.excludedIDs == request.excludedIDs && early.weakSpots == request.weakSpots)
        #expect(early.earlier.isEmpty && request.earlier.isEmpty)

        // A job that carries the session (queued by a webhook that had it) reads the same context in one
        // round; one without it reads the session first.
        for (number, id) in [(1, "past-1"), (2, "past-2"), (3, "past-3"), (4, "next-4")] {
            _ = try await store.savePreparedQuestion(
                callSid: "CA1", number: number,
                question: Question(id: id, text: "Question \(number)?", competency: .leadership, origin: .bank),
                roleKey: "general", audioKey: nil, status: number < 4 ? .asked : .ready)
        }
        let read = try #require(try await server.preparer.context(for: .init(callSid: "CA1", number: 5)))
        let carried = try #require(
            try await server.preparer.context(
                for: .init(callSid: "CA1", number: 5, session: QuestionSession(session))))
        for request in [read, carried] {
            #expect(request.total == 5)
            #expect(request.role == .general)
            #expect(request.excludedIDs == ["past-1", "past-2", "past-3", "next-4"])
            #expect(request.earlier.map(\.transcript) == ["Words.", "Words.", "Words.", nil])
            #expect(request.earlier.compactMap(\.analysis).count == 3)
        }
        #expect(read.weakSpots == carried.weakSpots)
        #expect(read.covered == carried.covered)
        // Already prepared for the session's role: nothing to do, either way.
        #expect(try await server.preparer.context(for: .init(callSid: "CA1", number: 4)) == nil)
        #expect(
            try await server.preparer.context(
                for: .init(callSid: "CA1", number: 4, session: QuestionSession(session))) == nil)
        try await store.shutdown()
    }
}
