import CoachCore
import CoachStore
import Logging

/// Collects what is known about a recording (Record action, recording status, Twilio's transcription,
/// a provider's transcription; any order, possibly after the call ended), analyses the answer as soon
/// as transcript and duration are both known (local and instant, so inline), and then asks the
/// model for feedback in the background when one is configured.
struct RecordingIntake: Sendable {
    let store: SQLStore
    let providers: Providers
    let queue: JobQueue
    let voice: VoiceOver
    let drafts: SpokenDrafts
    let logger: Logger
    let analyzer = AnswerAnalyzer()

    /// Stores `update` and analyses the answer if this completed what the analysis needs. Returns
    /// whether it analysed.
    @discardableResult
    func merge(_ update: RecordingUpdate) async throws -> Bool {
        let record = try await store.updateRecording(update)
        guard let transcript = record.transcript else { return false }
        // While a provider's transcript is on its way Twilio's is only the fallback: analysing it, and
        // paying the model for feedback on it, would be undone when the provider's words replace it.
        // The provider's failure ends the wait, and Twilio's is analysed then.
        if record.awaitingProvider, record.transcriptSource == "twilio" { return false }
        var analysis = record.analysis
        if analysis == nil, let seconds = record.durationSeconds {
            let fresh = analyzer.analyze(transcript: transcript, seconds: seconds, timing: record.speechTiming)
            try await store.saveAnalysis(fresh, recordingSid: record.recordingSid)
            try await prepareDebrief(recordingSid: record.recordingSid)
            analysis = fresh
        }
        // Callbacks race the Record action: the feedback needs the answer's question, so the job waits
        // (retries) until it is stored. The same transcript is queued once.
        if analysis != nil, record.modelFeedback == nil, providers.coach != nil {
            await queue.enqueue(.feedback(recordingSid: record.recordingSid, transcript: transcript))
        }
        return analysis != nil && record.analysis == nil
    }

    /// A Record action or recording status callback: stores what it says and, when `transcribing`
    /// names the recording's URL, queues the provider's transcription beside the write. Neither needs
    /// the other: a job that ends first leaves the wait over, and a later write never restarts it.
    /// Returns whether the answer was analysed now.
    @discardableResult
    func receive(_ update: RecordingUpdate, transcribing url: String?) async throws -> Bool {
        async let queued: Void = {
            guard let url, let callSid = update.callSid else { return }
            await transcribe(recordingSid: update.recordingSid, recordingURL: url, callSid: callSid)
        }()
        let analysed = try await merge(update)
        await queued
        return analysed
    }

    /// The debrief as it will be spoken, worded and synthesised ahead: it speaks of the answers before
    /// the last, so it is final (and prepared) while the caller gives the last one. Nothing is prepared
    /// before every one of those is settled, its model feedback included (stored, or failed): feedback
    /// changes the template, and each earlier template would be superseded unheard, at the cost of a
    /// model call and a synthesis (2.5 wordings per call before this waited for feedback). A later
    /// change (a provider transcript with other words) prepares the new text; the last answer's own
    /// events check again, in case an earlier answer settled unnoticed.
    func prepareDebrief(recordingSid: String) async throws {
        guard voice.synthesizer != nil || drafts.writer != nil,
            let state = try await store.debriefState(
                recordingSid: recordingSid, feedbackExpected: providers.coach != nil),
            state.settled
        else { return }
        let session = state.session
        let analyses = try await store.analyses(sessionID: session.id, before: session.total)
        await drafts.prepare(
            .debrief, owner: session.id, template: Debrief.text(analyses: analyses, answered: session.total))
    }

    /// Whether a recording of `seconds` at `url` goes to the transcription provider.
    func providerTranscribes(url: String?, seconds: Double) -> Bool {
        providers.transcriber != nil && url != nil && seconds > 0
    }

    /// The Record action arrived: with a transcription provider, queue the download and transcription.
    /// Twilio's own transcription was requested too and stays the fallback.
    func transcribe(recordingSid: String, recordingURL: String, callSid: String) async {
        guard providers.transcriber != nil else { return }
        await queue.enqueue(.transcribe(recordingSid: recordingSid, recordingURL: recordingURL, callSid: callSid))
    }

    /// The job: fetch, transcribe within the deadline, merge. A provider failure leaves Twilio's transcript.
    func transcribeNow(recordingSid: String, recordingURL: String, callSid: String) async throws {
        guard let transcriber = providers.transcriber else { return }
        let transcript: Transcript
        do {
            transcript = try await withDeadline(seconds: providers.transcriptionDeadlineSeconds) {
                try await transcriber.transcribe(recordingURL: recordingURL, recordingSid: recordingSid)
            }
        } catch {
            try Task.checkCancellation()
            logger.warning(
                "transcription failed; Twilio's transcription stays",
                metadata: ["call_sid": "\(callSid)", "recording": "\(recordingSid)", "error": "\(error)"])
            try await providerTranscriptionEnded(recordingSid: recordingSid, callSid: callSid)
            return
        }
        try Task.checkCancellation()
        try await merge(
            RecordingUpdate(
                recordingSid: recordingSid, callSid: callSid, transcript: transcript.text,
                transcriptStatus: "completed", transcriptSource: transcriber.name,
                speechTiming: SpeechTiming(words: transcript.words), awaitingProvider: false))
    }

    /// The provider's transcript will not come (it failed, or its job was dead-lettered): Twilio's
    /// transcript, in now or later, is the one to analyse.
    func providerTranscriptionEnded(recordingSid: String, callSid: String) async throws {
        try await merge(RecordingUpdate(recordingSid: recordingSid, callSid: callSid, awaitingProvider: false))
    }

    /// The model's feedback on `transcript` will not come (it failed, or its job was dead-lettered):
    /// the debrief, which waits for it, goes on without it.
    func feedbackFailed(recordingSid: String, transcript: String) async throws {
        try await store.saveFeedbackFailed(recordingSid: recordingSid, transcript: transcript)
        try await prepareDebrief(recordingSid: recordingSid)
    }

    /// The job: the model's feedback on `transcript`, stored only while it is still the recording's.
    /// What it needs and may not find yet is thrown, so the job is retried shortly: the answer (before
    /// the Record action has stored it there is no question to judge against) and the analysis (a
    /// provider transcript with word timings clears it for a moment, to be measured again).
    func feedbackNow(recordingSid: String, transcript: String) async throws {
        guard let coach = providers.coach,
            let record = try await store.recording(sid: recordingSid), record.transcript == transcript,
            record.modelFeedback == nil
        else { return }
        guard let analysis = record.analysis else {
            throw NotYet("recording \(recordingSid) has no analysis yet")
        }
        guard let context = try await store.answerContext(recordingSid: recordingSid) else {
            throw NotYet("no answer is stored yet for recording \(recordingSid)")
        }
        let request = FeedbackRequest(
            role: context.session.role, question: context.answer.question.text, transcript: transcript,
            metrics: analysis)
        let feedback: ModelFeedback
        do {
            feedback = try await withDeadline(seconds: providers.questionDeadlineSeconds) {
                try await coach.feedback(for: request)
            }
        } catch {
            try Task.checkCancellation()
            logger.warning(
                "model feedback failed; the deterministic analysis stands",
                metadata: ["recording": "\(recordingSid)", "error": "\(error)"])
            try await feedbackFailed(recordingSid: recordingSid, transcript: transcript)
            return
        }
        try Task.checkCancellation()
        try await store.saveModelFeedback(feedback, recordingSid: recordingSid, transcript: transcript)
        try await prepareDebrief(recordingSid: recordingSid)
    }
}

/// Work that needs something another webhook has not stored yet: the job is retried shortly.
struct NotYet: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
