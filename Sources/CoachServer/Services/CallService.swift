import CoachCore
import CoachStore
import Foundation
import Logging

/// What each webhook does: read stored state, let `CallFlow` decide, store the outcome, start
/// background preparation. Nothing here awaits a provider; the only wait is the bounded one in
/// `continueInterview`, which is the designed fallback path.
public struct CallService: Sendable {
    let store: SQLStore
    let flow: CallFlow
    let bank: QuestionBank
    let bankSource: BankQuestionSource
    let preparer: QuestionPreparer
    let recordings: RecordingIntake
    let voice: VoiceOver
    let drafts: SpokenDrafts
    let holdWaitSeconds: Double
    let metrics: LineMetrics
    let logger: Logger

    init(
        store: SQLStore, flow: CallFlow, bank: QuestionBank, preparer: QuestionPreparer, recordings: RecordingIntake,
        holdWaitSeconds: Double, metrics: LineMetrics, logger: Logger
    ) {
        self.store = store
        self.flow = flow
        self.bank = bank
        self.bankSource = BankQuestionSource(planner: InterviewPlanner(bank: bank))
        self.preparer = preparer
        self.recordings = recordings
        self.voice = recordings.voice
        self.drafts = recordings.drafts
        self.holdWaitSeconds = holdWaitSeconds
        self.metrics = metrics
        self.logger = logger
    }

    // MARK: Menu

    func incomingCall(_ params: TwilioParameters) async throws -> TwiMLDocument {
        let callSid = try params.requireCallSid()
        let visit = try await store.registerCaller(params.caller, callSid: callSid)
        let resuming = params.query["resume"] == "1"
        // The caller listens to the menu for several seconds: time enough to prepare question 1,
        // and to voice their progress report in case they press 2.
        let call: CallRecord
        if resuming {
            // Back from an apology: the call is stored already, with any role chosen since.
            call = try await store.storeCall(callSid: callSid, caller: params.caller, role: visit.role)
            await preparer.prepare(callSid: callSid, number: 1, role: call.role ?? .general)
        } else {
            // Question 1 carries its caller, so it is queued while the call is stored: the greeting
            // waits for two rounds of statements, not three.
            let role = visit.role ?? .general
            async let stored = store.storeCall(callSid: callSid, caller: params.caller, role: visit.role)
            await preparer.prepare(
                callSid: callSid, number: 1, role: role, caller: QuestionCaller(phone: params.caller.number, role: role)
            )
            call = try await stored
        }
        let returning = visit.returning
        if returning, let phone = params.caller.number, drafts.isActive {
            await preparer.queue.enqueue(.progress(phone: phone, callSid: callSid))
        }
        return flow.greeting(returning: returning, roleName: call.role.map(roleName), resume: resuming)
    }

    func menu(_ params: TwilioParameters) async throws -> TwiMLDocument {
        let attempt = params.queryInt("attempt", default: 1)
        switch flow.decideMenu(digits: params.digits, speech: params.speech, attempt: attempt) {
        case .chosen(.interview): return try await startInterview(params)
        case .chosen(.progress): return try await progress(params)
        case .chosen(.role): return flow.rolePrompt(attempt: 1)
        case .retry(let next): return flow.menuRetry(attempt: next)
        case .giveUp: return flow.goodbye(SpokenCopy.menuGoodbye)
        }
    }

    func chooseRole(_ params: TwilioParameters) async throws -> TwiMLDocument {
        let callSid = try params.requireCallSid()
        let attempt = params.queryInt("attempt", default: 1)
        guard let role = RoleMatcher(bank: bank).match(digits: params.digits, speech: params.speech) else {
            return flow.roleRetryOrGiveUp(attempt: attempt)
        }
        let call = try await ensureCall(params, callSid: callSid)
        try await store.setRole(role, callSid: callSid, caller: call.caller)
        await preparer.prepare(callSid: callSid, number: 1, role: role)
        // Heard next time this caller rings; this time Twilio's voice speaks their words back.
        await voice.prepare([SpokenCopy.welcomeBack(role: roleName(role)), SpokenCopy.roleConfirmed(roleName(role))])
        return flow.roleConfirmed(roleName(role))
    }

    func progress(_ params: TwilioParameters) async throws -> TwiMLDocument {
        guard let phone = params.caller.number else {
            return flow.progress([SpokenCopy.withheldProgress, SpokenCopy.howItWorks])
        }
        let report = try await Self.progressReport(store: store, phone: phone)
        guard report.hasHistory else { return flow.progress([report.spoken]) }
        return flow.progress([try await drafts.spoken(.progress, owner: phone, template: report.spoken)])
    }

    static func progressReport(store: SQLStore, phone: String) async throws -> ProgressReport {
        let history = try await store.history(phone: phone)
        return ProgressReport(
            sessions: history.map {
                ProgressReport.Session(started: $0.session.startedAt, status: $0.session.status, analyses: $0.analyses)
            })
    }

    // MARK: Interview

    func startInterview(_ params: TwilioParameters) async throws -> TwiMLDocument {
        let callSid = try params.requireCallSid()
        let total = flow.settings.questionsPerInterview
        var opened = try await store.openInterview(callSid: callSid, defaultRole: .general, total: total)
        if opened == nil {
            // The call's first webhook stored nothing (it failed, or went to an instance that lost it).
            _ = try await store.beginCall(callSid: callSid, caller: params.caller)
            opened = try await store.openInterview(callSid: callSid, defaultRole: .general, total: total)
        }
        guard let (session, answered) = opened else { throw CallVanished(callSid: callSid) }
        guard session.status == .inProgress else { return flow.goodbye(SpokenCopy.hangupGoodbye) }
        let next = answered + 1
        let intro: [Speech] = next == 1 ? [.say(SpokenCopy.interviewIntro(total: session.total))] : []
        return try await deliver(number: min(next, session.total), session: session, preface: intro)
    }

    /// The Record action of answer `number`: store it, then hand over the next question at once.
    ///
    /// Under load every statement waits its turn and a hop to a database thread and back, so the
    /// statements go out together wherever they need nothing from each other: two rounds.
    func answerRecorded(_ params: TwilioParameters) async throws -> TwiMLDocument {
        let received = Date()
        let callSid = try params.requireCallSid()
        let number = params.queryInt("q", default: 0)
        let ending = AnswerEnding(digits: params.digits)
        let duration = Double(params["RecordingDuration"] ?? "") ?? 0
        let recordingSid = params["RecordingSid"].flatMap { $0.isEmpty ? nil : $0 }
        // First round: the session with the call's questions, and the recording (it needs neither; its
        // status callback would store it anyway, interview or not).
        async let interviewLookup = store.interviewQuestions(callSid: callSid)
        async let recordingAnalysed = storeRecording(
            recordingSid: recordingSid, callSid: callSid, url: params["RecordingUrl"], seconds: duration)
        guard let (session, questions) = try await interviewLookup, number >= 1, number <= session.total else {
            _ = try? await recordingAnalysed
            logger.warning("answer for no interview", metadata: ["call_sid": "\(callSid)", "q": "\(number)"])
            return flow.menu(attempt: 1, preface: [.say(SpokenCopy.apology)])
        }
        let heard = flow.afterAnswer(number: number, heardSomething: recordingSid != nil && duration > 0)
        let moving = ending != .hangup && number < session.total
        // The question after next may be queued beside the next one's take only when the next one is
        // stored already: its context must exclude it, or both could pick the same question. Otherwise
        // `ask` queues it once the next one is stored.
        let nextStored = questions.contains {
            $0.number == number + 1 && ($0.status == .asked || $0.roleKey == session.role.key)
        }
        let followingQueued = moving && nextStored
        // Second round: the next question is taken, the one after it queued, and this answer stored.
        // The caller's wait is the longest of the three, not their sum.
        async let nextQuestion: TwiMLDocument? =
            moving
            ? deliver(
                number: number + 1, session: session, preface: heard,
                answeredAt: CallerWait.milliseconds(received), followingQueued: followingQueued)
            : nil
        async let following: Void =
            followingQueued
            ? preparer.prepare(callSid: callSid, number: number + 2, role: session.role, session: session) : ()
        // The last answer: what its debrief is made of is read beside the answer's own write, not after it.
        async let closing: DebriefFacts? =
            !moving && ending != .hangup ? debriefFacts(session: session) : nil
        let asked = questions.first { $0.number == number }?.question
        let question = asked ?? Question(id: "unknown", text: "", competency: .problemSolving, origin: .bank)
        try await store.saveAnswer(
            AnswerRecord(
                callSid: callSid, number: number, sessionID: session.id, question: question,
                recordingSid: recordingSid, recordingURL: params["RecordingUrl"], durationSeconds: duration,
                ending: ending))
        // An answer analysed as its recording was stored may have missed its own row for the debrief.
        if try await recordingAnalysed, let recordingSid {
            try await recordings.prepareDebrief(recordingSid: recordingSid)
        }
        await following
        if ending == .hangup {
            try await store.finishSession(id: session.id, status: .abandoned, debrief: nil)
            return TwiMLDocument([.hangup])
        }
        if let next = try await nextQuestion { return next }
        let facts = if let read = try await closing { read } else { try await debriefFacts(session: session) }
        // The answers were read beside this one's write: this one counts as it was stored, or as it came.
        let earlier = facts.answers.filter { $0.number != number && $0.durationSeconds > 0 }.count
        let this = facts.answers.first { $0.number == number }?.durationSeconds ?? duration
        let template = Debrief.text(analyses: facts.analyses, answered: earlier + (this > 0 ? 1 : 0))
        let debrief = facts.wordings.spoken(template)
        try await store.finishSession(id: session.id, status: .completed, debrief: debrief)
        return flow.finish(debrief: debrief, preface: heard)
    }

    /// What the debrief is made of, read in one round. The last answer is still being transcribed: the
    /// debrief covers the ones before it, which also makes its text known early enough to be worded and
    /// voiced in advance.
    private struct DebriefFacts: Sendable {
        let analyses: [AnswerAnalysis]
        let answers: [AnswerRecord]
        let wordings: SpokenDrafts.Wordings
    }

    private func debriefFacts(session: SessionRecord) async throws -> DebriefFacts {
        async let analyses = store.analyses(sessionID: session.id, before: session.total)
        async let answers = store.answers(sessionID: session.id)
        async let wordings = drafts.wordings(.debrief, owner: session.id)
        return DebriefFacts(analyses: try await analyses, answers: try await answers, wordings: try await wordings)
    }

    /// The Record action's recording, with the provider's transcription queued when it has one.
    /// Returns whether the answer was analysed now.
    private func storeRecording(recordingSid: String?, callSid: String, url: String?, seconds: Double) async throws
        -> Bool
    {
        guard let recordingSid else { return false }
        let providerTranscribes = recordings.providerTranscribes(url: url, seconds: seconds)
        return try await recordings.receive(
            RecordingUpdate(
                recordingSid: recordingSid, callSid: callSid, recordingURL: url, durationSeconds: seconds,
                awaitingProvider: providerTranscribes ? true : nil),
            transcribing: providerTranscribes ? url : nil)
    }

    /// The wait endpoint: the question was not ready when the caller reached it. Wait a bounded
    /// moment for the background work, then ask a bank question rather than keep the caller waiting.
    func continueInterview(_ params: TwilioParameters) async throws -> TwiMLDocument {
        let callSid = try params.requireCallSid()
        let number = params.queryInt("q", default: 1)
        guard let session = try await store.session(callSid: callSid), number >= 1, number <= session.total else {
            return try await startInterview(params)
        }
        await preparer.prepareForHeldCaller(number: number, session: session)
        // Woken when a worker here, or on another instance (NOTIFY), stores the question; the database
        // is read again after every wake and at least every quarter second, so a lost signal costs little.
        let answeredAt = params.query["since"].flatMap(Int64.init)
        let deadline = ContinuousClock.now + .seconds(holdWaitSeconds)
        let topic = Signals.questionReady(callSid: callSid, number: number)
        while ContinuousClock.now < deadline {
            // Checking again is the question job's business as much as the caller's: with hundreds on
            // hold, these reads ahead of the jobs would keep the questions from being written.
            let ready = try await StoreLane.run(in: .urgentJob) {
                try await readyQuestion(callSid: callSid, number: number, session: session)
            }
            if let ready {
                return try await ask(ready, session: session, preface: [], answeredAt: answeredAt)
            }
            let left = Double((deadline - ContinuousClock.now).milliseconds) / 1000
            await preparer.queue.signals.wait(for: topic, upTo: min(0.25, max(0.01, left)))
        }
        if let ready = try await readyQuestion(callSid: callSid, number: number, session: session) {
            return try await ask(ready, session: session, preface: [], answeredAt: answeredAt)
        }
        // Fallback: a bank question now. If a prepared one lands meanwhile, the stored one wins.
        let request = try await preparer.context(
            for: .init(callSid: callSid, number: number, session: QuestionSession(session)))
        var question =
            request.map(bankSource.question(for:))
            ?? bankSource.question(
                for: QuestionRequest(
                    role: session.role, number: number, total: session.total, excludedIDs: [], covered: [],
                    seed: InterviewPlanner.seed(from: callSid)))
        question.origin = .fallback
        logger.notice(
            "question not ready in time; asking a bank question",
            metadata: ["call_sid": "\(callSid)", "q": "\(number)"])
        let stored = try await store.savePreparedQuestion(
            callSid: callSid, number: number, question: question, roleKey: session.role.key, audioKey: nil,
            status: .asked)
        return try await ask(stored, session: session, preface: [], answeredAt: answeredAt)
    }

    /// Asks question `number`. `answeredAt` (Unix ms) is when the previous answer's Record action
    /// arrived; it travels through a hold so the caller's whole wait is measured.
    /// `followingQueued`: the caller queued the question after this one already.
    private func deliver(
        number: Int, session: SessionRecord, preface: [Speech], answeredAt: Int64? = nil, followingQueued: Bool = false
    ) async throws -> TwiMLDocument {
        if let ready = try await readyQuestion(callSid: session.callSid, number: number, session: session) {
            return try await ask(
                ready, session: session, preface: preface, answeredAt: answeredAt, followingQueued: followingQueued)
        }
        if preparer.isLocal || !preparer.ahead {
            // Nothing slow is configured: preparing now costs less than a hold prompt would. (Inline
            // timing does it with slow providers too: that is the old design, kept for benchmarks.)
            try await preparer.prepareNow(callSid: session.callSid, number: number)
            if let ready = try await readyQuestion(callSid: session.callSid, number: number, session: session) {
                return try await ask(ready, session: session, preface: preface, answeredAt: answeredAt)
            }
        }
        await preparer.prepareForHeldCaller(number: number, session: session)
        return flow.hold(number: number, attempt: 1, preface: preface, heldSince: answeredAt)
    }

    /// Speaks `prepared`, which is stored as asked (taken by `readyQuestion`, or stored so).
    private func ask(
        _ prepared: PreparedQuestion, session: SessionRecord, preface: [Speech], answeredAt: Int64? = nil,
        followingQueued: Bool = false
    ) async throws -> TwiMLDocument {
        if let answeredAt { metrics.callerWait(seconds: CallerWait.seconds(since: answeredAt)) }
        // While the caller answers this one, the next one is made ready: only now, when this one is
        // stored, can the next one's context exclude it (prepared side by side, both could pick it).
        if !followingQueued, prepared.number < session.total {
            await preparer.prepare(
                callSid: session.callSid, number: prepared.number + 1, role: session.role, session: session)
        }
        let speech: Speech =
            prepared.audioKey.map { .play(url: flow.links.url(.audio(key: $0)), text: prepared.question.text) }
            ?? .say(prepared.question.text)
        return flow.ask(number: prepared.number, question: speech, preface: preface)
    }

    /// A prepared question usable for this session (already asked, or prepared for the session's
    /// role), marked asked as it is read.
    private func readyQuestion(callSid: String, number: Int, session: SessionRecord) async throws -> PreparedQuestion? {
        try await store.takeQuestion(callSid: callSid, number: number, roleKey: session.role.key)
    }

    // MARK: Callbacks

    func transcription(_ params: TwilioParameters) async throws {
        guard let sid = params["RecordingSid"], !sid.isEmpty else { return }
        let completed = params["TranscriptionStatus"]?.lowercased() == "completed"
        try await recordings.merge(
            RecordingUpdate(
                recordingSid: sid, callSid: params.callSid, recordingURL: params["RecordingUrl"],
                transcript: completed ? params["TranscriptionText"] ?? "" : nil,
                transcriptStatus: params["TranscriptionStatus"] ?? "unknown", transcriptSource: "twilio"))
    }

    /// The recording is stored at Twilio. With a transcription provider this starts the provider's
    /// work as the Record action does (queued once, whichever comes first), so Twilio's transcript is
    /// not analysed first, and a lost Record action still gets the provider's transcript.
    func recordingStatus(_ params: TwilioParameters) async throws {
        guard let sid = params["RecordingSid"], !sid.isEmpty else { return }
        let url = params["RecordingUrl"]
        let seconds = params["RecordingDuration"].flatMap(Double.init)
        let callSid = params.callSid
        let providerTranscribes =
            callSid != nil && params["RecordingStatus"]?.lowercased() == "completed"
            && recordings.providerTranscribes(url: url, seconds: seconds ?? 0)
        try await recordings.receive(
            RecordingUpdate(
                recordingSid: sid, callSid: callSid, recordingURL: url, durationSeconds: seconds,
                status: params["RecordingStatus"], awaitingProvider: providerTranscribes ? true : nil),
            transcribing: providerTranscribes ? url : nil)
    }

    /// Call progress events, in any order and any number of times.
    func callStatus(_ params: TwilioParameters) async throws {
        guard let callSid = params.callSid, let status = params["CallStatus"]?.lowercased() else { return }
        let call = try await store.applyCallStatus(
            callSid: callSid, status: status, sequence: params["SequenceNumber"].flatMap(Int.init),
            phone: params.caller.number)
        guard call?.hasEnded == true, let (session, answered) = try await store.interview(callSid: callSid),
            session.status == .inProgress
        else { return }
        // Hung up before the last answer: every answer so far is kept; the session is abandoned, not lost.
        try await store.finishSession(
            id: session.id, status: answered >= session.total ? .completed : .abandoned, debrief: nil)
    }

    /// Twilio's fallback URL: the primary handler failed. Recover once through the menu; if the
    /// recovery itself failed, end the call politely instead of looping.
    func fallback(_ params: TwilioParameters) -> TwiMLDocument {
        if params["ErrorUrl"]?.contains("resume=1") == true {
            return flow.goodbye(SpokenCopy.apology + " Please call again in a few minutes.")
        }
        return flow.apology()
    }

    // MARK: Helpers

    private func ensureCall(_ params: TwilioParameters, callSid: String) async throws -> CallRecord {
        if let call = try await store.call(callSid: callSid) { return call }
        return try await store.beginCall(callSid: callSid, caller: params.caller).call
    }

    func roleName(_ role: PracticeRole) -> String {
        role.spoken ?? bank.role(role.key)?.name ?? role.key
    }
}

struct MissingCallSid: Error, CustomStringConvertible {
    var description: String { "the request has no CallSid" }
}

/// A call stored a moment ago is gone (deleted by hand, say): the webhook apologises.
struct CallVanished: Error, CustomStringConvertible {
    let callSid: String
    var description: String { "call \(callSid) is not stored" }
}

extension TwilioParameters {
    func requireCallSid() throws -> String {
        guard let sid = callSid else { throw MissingCallSid() }
        return sid
    }
}
