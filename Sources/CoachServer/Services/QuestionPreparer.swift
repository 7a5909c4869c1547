import CoachCore
import CoachStore
import Logging

/// Prepares interview questions in the background: the text (from the question source, with a
/// deadline and the bank as fallback) and its audio (from the synthesizer, if any), stored so any
/// webhook can play it at once. Webhooks only ever *start* preparation; they never await it.
public actor QuestionPreparer {
    struct Key: Hashable {
        let callSid: String
        let number: Int
    }

    let store: SQLStore
    let providers: Providers
    let bank: BankQuestionSource
    let audio: AudioLibrary
    let questionsPerInterview: Int
    let logger: Logger
    private var inFlight: [Key: Task<Void, Never>] = [:]

    init(store: SQLStore, providers: Providers, bank: BankQuestionSource, questionsPerInterview: Int, logger: Logger) {
        self.store = store
        self.providers = providers
        self.bank = bank
        self.audio = AudioLibrary(store: store)
        self.questionsPerInterview = questionsPerInterview
        self.logger = logger
    }

    /// Starts preparing question `number` of the call unless it is already being prepared here.
    /// Returns at once.
    nonisolated func prepare(callSid: String, number: Int) {
        Task { await self.start(Key(callSid: callSid, number: number)) }
    }

    /// True when nothing slow is configured (bank questions, Twilio's voice): preparing costs a few
    /// database reads, so a webhook may do it inline rather than play a hold prompt.
    nonisolated var isLocal: Bool { providers.questions.isLocal && providers.speech == nil }

    /// Prepares question `number` and returns when it is stored. Only for local providers.
    func prepareNow(callSid: String, number: Int) async {
        let key = Key(callSid: callSid, number: number)
        start(key)
        await inFlight[key]?.value
    }

    private func start(_ key: Key) {
        guard key.number >= 1, key.number <= questionsPerInterview, inFlight[key] == nil else { return }
        inFlight[key] = Task {
            await self.run(key)
            self.finished(key)
        }
    }

    private func finished(_ key: Key) {
        inFlight[key] = nil
    }

    /// Waits for this instance's in-flight preparations (tests and graceful shutdown).
    func drain() async {
        while let task = inFlight.values.first { await task.value }
    }

    func cancelAll() {
        for task in inFlight.values { task.cancel() }
    }

    private func run(_ key: Key) async {
        do {
            guard let request = try await context(for: key) else { return }
            let question = await writeQuestion(request, key: key)
            let audioKey = await synthesize(question.text, key: key)
            _ = try await store.savePreparedQuestion(
                callSid: key.callSid, number: key.number, question: question, roleKey: request.role.key,
                audioKey: audioKey)
        } catch {
            // The wait endpoint falls back to the bank; nothing is lost but the tailoring.
            logger.error(
                "question preparation failed",
                metadata: ["call_sid": "\(key.callSid)", "question": "\(key.number)", "error": "\(error)"])
        }
    }

    /// What the question source needs, from stored state; nil when the question is already prepared
    /// for the call's current role.
    func context(for key: Key) async throws -> QuestionRequest? {
        guard let call = try await store.call(callSid: key.callSid) else { return nil }
        let session = try await store.session(callSid: key.callSid)
        let role = session?.role ?? call.role ?? .general
        let prepared = try await store.preparedQuestions(callSid: key.callSid)
        if let existing = prepared.first(where: { $0.number == key.number }),
            existing.status == .asked || existing.roleKey == role.key
        {
            return nil
        }
        var excluded = Set(prepared.map(\.question.id))
        var weakSpots: [CoachingDimension] = []
        if let phone = call.caller.number {
            excluded.formUnion(try await store.askedQuestionIDs(phone: phone))
            let analyses = try await store.history(phone: phone).flatMap(\.analyses)
            weakSpots = Array(
                Dictionary(grouping: analyses, by: \.improvementDimension)
                    .sorted { $0.value.count > $1.value.count }.prefix(2).map(\.key))
        }
        let earlierQuestions = prepared.filter { $0.number < key.number }
        // Every earlier question of this call, answered or not yet, with the transcripts that are in.
        var answers: [AnswerRecord] = []
        if let session { answers = try await store.answers(sessionID: session.id) }
        var earlier: [EarlierAnswer] = []
        for question in earlierQuestions {
            var transcript: String?
            if let sid = answers.first(where: { $0.number == question.number })?.recordingSid {
                transcript = try await store.recording(sid: sid)?.transcript
            }
            earlier.append(EarlierAnswer(question: question.question.text, transcript: transcript))
        }
        return QuestionRequest(
            role: role, number: key.number, total: session?.total ?? questionsPerInterview, excludedIDs: excluded,
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

    private func synthesize(_ text: String, key: Key) async -> String? {
        guard let synthesizer = providers.speech else { return nil }
        let audio = self.audio
        do {
            return try await withDeadline(seconds: providers.speechDeadlineSeconds) {
                try await audio.audioKey(for: text, synthesizer: synthesizer)
            }
        } catch {
            logger.warning(
                "speech synthesis failed; Twilio's voice will read this question",
                metadata: ["call_sid": "\(key.callSid)", "question": "\(key.number)", "error": "\(error)"])
            return nil
        }
    }
}
