import CoachCore
import CoachStore
import Logging

/// Prepares interview questions in the background: the text (from the question source, with a
/// deadline and the bank as fallback) and its audio (from the synthesizer, if any), stored so any
/// webhook, on any instance, can play it at once. Webhooks only ever *queue* preparation; a worker
/// runs it, and the wait endpoint learns it is done through `Signals` (and NOTIFY across instances).
struct QuestionPreparer: Sendable {
    struct Key: Hashable {
        let callSid: String
        let number: Int
        /// The call's session as its webhook knew it; nil to read it.
        var session: QuestionSession? = nil
        /// The caller as the call's first webhook knew it, before there was a session (question 1).
        var caller: QuestionCaller? = nil
    }

    let store: SQLStore
    let providers: Providers
    let bank: BankQuestionSource
    let audio: AudioLibrary
    let questionsPerInterview: Int
    let queue: JobQueue
    /// False reproduces the old design for benchmarks: nothing is prepared ahead, each question is
    /// written and voiced inside the webhook that asks it.
    let ahead: Bool
    let logger: Logger

    init(
        store: SQLStore, library: AudioLibrary, providers: Providers, bank: BankQuestionSource,
        questionsPerInterview: Int, queue: JobQueue,
        ahead: Bool = true, logger: Logger
    ) {
        self.store = store
        self.providers = providers
        self.bank = bank
        self.audio = library
        self.questionsPerInterview = questionsPerInterview
        self.queue = queue
        self.ahead = ahead
        self.logger = logger
    }

    /// Queues question `number` of the call for `role` (the role the call has now: a new role
    /// prepares it afresh, a repeated request does nothing). Returns once it is queued. `session`, when
    /// the caller has it, travels with the job, and so does `caller` before there is a session (see
    /// `context(for:)`).
    func prepare(
        callSid: String, number: Int, role: PracticeRole, session: SessionRecord? = nil, caller: QuestionCaller? = nil
    ) async {
        guard ahead, number >= 1, number <= questionsPerInterview else { return }
        await queue.enqueue(
            .question(
                callSid: callSid, number: number, roleKey: role.key, session: session.map(QuestionSession.init),
                caller: session == nil ? caller : nil))
    }

    /// A caller is on hold for question `number`: it is queued once at most, and its job, if this
    /// process is running it, goes on at callers' priority (`JobWorker.escalate`).
    func prepareForHeldCaller(number: Int, session: SessionRecord) async {
        await prepare(callSid: session.callSid, number: number, role: session.role, session: session)
        let key = BackgroundWork.question(callSid: session.callSid, number: number, roleKey: session.role.key).key
        await queue.local.worker?.escalate(jobID: key)
    }

    /// True when nothing slow is configured (bank questions, Twilio's voice): preparing costs a few
    /// database reads, so a webhook may do it inline rather than play a hold prompt.
    var isLocal: Bool { providers.questions.isLocal && providers.speech == nil }

    /// Prepares question `number` here and now: when providers are local, or timing is inline (the old design).
    func prepareNow(callSid: String, number: Int) async throws {
        guard number >= 1, number <= questionsPerInterview else { return }
        try await run(Key(callSid: callSid, number: number))
    }

    /// The job: writes and voices the question unless it is already prepared for the call's role,
    /// stores it (the first stored wins), and tells waiters. Store errors are thrown for a retry.
    func run(_ key: Key) async throws {
        guard let request = try await context(for: key) else { return }
        let question = await writeQuestion(request, key: key)
        let voiced = await synthesize(question.text, key: key)
        // A worker shutting down hands the job back rather than store a deadline's fallback.
        try Task.checkCancellation()
        let ready = Signals.questionReady(callSid: key.callSid, number: key.number)
        _ = try await store.savePreparedQuestion(
            callSid: key.callSid, number: key.number, question: question, roleKey: request.role.key,
            audioKey: voiced?.key, notifying: queue.notice(of: ready), clip: voiced?.clip)
        if let clip = voiced?.clip { audio.remember(clip) }
        await queue.signals.signal(ready)
    }

    /// What the question source needs, from stored state; nil when the question is already prepared
    /// for the call's current role. A caller may be waiting for this question, so the reads go out
    /// side by side: all in one round when the job carries its session (or, for question 1 queued by
    /// the call's first webhook, its caller), else the session (or the call) first and the history
    /// after it. Question 1 has no earlier answers, so its caller's job needs no session.
    func context(for key: Key) async throws -> QuestionRequest? {
        async let preparedLookup = store.preparedQuestions(callSid: key.callSid)
        var session = key.session
        let caller = key.number == 1 ? key.caller : nil
        if session == nil, caller == nil {
            session = try await store.session(callSid: key.callSid).map(QuestionSession.init)
        }
        let phone: String?
        let role: PracticeRole
        if let session {
            (phone, role) = (session.phone, session.role)
        } else if let caller {
            (phone, role) = (caller.phone, caller.role)
        } else {
            guard let call = try await store.call(callSid: key.callSid) else { return nil }
            (phone, role) = (call.caller.number, call.role ?? .general)
        }
        // Every earlier question of this call, answered or not yet, with the answers that are in; and
        // the caller's answers in earlier calls.
        let sessionID = session?.id
        async let historyLookup = store.answerHistory(phone: phone, sessionID: sessionID)
        let prepared = try await preparedLookup
        if let existing = prepared.first(where: { $0.number == key.number }),
            existing.status == .asked || existing.roleKey == role.key
        {
            return nil
        }
        let history = try await historyLookup
        let (heard, asked, past) = (history.heard, history.askedQuestionIDs, history.analyses)
        let weakSpots = Array(
            Dictionary(grouping: past, by: \.improvementDimension)
                .sorted { $0.value.count > $1.value.count }.prefix(2).map(\.key))
        let earlierQuestions = prepared.filter { $0.number < key.number }
        let earlier = earlierQuestions.map {
            EarlierAnswer(
                question: $0.question.text, transcript: heard[$0.number]?.transcript,
                analysis: heard[$0.number]?.analysis)
        }
        return QuestionRequest(
            role: role, number: key.number, total: session?.total ?? questionsPerInterview,
            excludedIDs: Set(prepared.map(\.question.id)).union(asked),
            covered: earlierQuestions.map(\.question.competency), earlier: earlier, weakSpots: weakSpots,
            seed: InterviewPlanner.seed(from: key.callSid))
    }

    private func writeQuestion(_ request: QuestionRequest, key: Key) async -> Question {
        let source = providers.questions
        do {
            return try await withDeadline(seconds: providers.questionDeadlineSeconds) {
                try await source.question(for: request)
            }
        } catch {
            logger.warning(
                "question source failed; using the bank",
                metadata: [
                    "call_sid": "\(key.callSid)", "question": "\(key.number)", "source": "\(source.name)",
                    "error": "\(error)",
                ])
            return bank.question(for: request)
        }
    }

    /// The question's audio key, and its audio when it is new: stored with the question, in one statement.
    private func synthesize(_ text: String, key: Key) async -> (key: String, clip: AudioClip?)? {
        guard let synthesizer = providers.speech else { return nil }
        let audio = self.audio
        do {
            return try await withDeadline(seconds: providers.speechDeadlineSeconds) {
                try await audio.audio(for: text, synthesizer: synthesizer)
            }
        } catch {
            logger.warning(
                "speech synthesis failed; Twilio's voice will read this question",
                metadata: ["call_sid": "\(key.callSid)", "question": "\(key.number)", "error": "\(error)"])
            return nil
        }
    }
}
