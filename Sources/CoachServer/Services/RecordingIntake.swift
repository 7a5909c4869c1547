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
    let background: BackgroundTasks
    let voice: VoiceOver
    let drafts: SpokenDrafts
    let logger: Logger
    let analyzer = AnswerAnalyzer()

    func merge(_ update: RecordingUpdate) async throws {
        let record = try await store.updateRecording(update)
        guard let transcript = record.transcript else { return }
        var analysis = record.analysis
        if analysis == nil, let seconds = record.durationSeconds {
            let fresh = analyzer.analyze(transcript: transcript, seconds: seconds, timing: record.speechTiming)
            try await store.saveAnalysis(fresh, recordingSid: record.recordingSid)
            try await prepareDebrief(recordingSid: record.recordingSid)
            analysis = fresh
        }
        // Callbacks race the Record action: the feedback needs the answer's question, so it is asked
        // for on every merge until it is stored (a running request is not started twice).
        if let analysis, record.modelFeedback == nil {
            await requestFeedback(recordingSid: record.recordingSid, transcript: transcript, analysis: analysis)
        }
    }

    /// The debrief as it would be spoken now, synthesised ahead: at the last answer the analyses
    /// of the earlier ones are in, so its audio is usually ready when the caller reaches it.
    func prepareDebrief(recordingSid: String) async throws {
        guard voice.synthesizer != nil || drafts.writer != nil,
            let context = try await store.answerContext(recordingSid: recordingSid)
        else { return }
        let analyses = try await store.analyses(sessionID: context.session.id, before: context.session.total)
        await drafts.prepare(
            .debrief, owner: context.session.id,
            template: Debrief.text(analyses: analyses, answered: context.session.total))
    }

    /// The Record action arrived: with a transcription provider, fetch and transcribe in the background.
    /// Twilio's own transcription was requested too and stays the fallback.
    func transcribe(recordingSid: String, recordingURL: String, callSid: String) async {
        guard let transcriber = providers.transcriber else { return }
        let deadline = providers.transcriptionDeadlineSeconds
        await background.start("transcribe-\(recordingSid)") {
            do {
                let transcript = try await withDeadline(seconds: deadline) {
                    try await transcriber.transcribe(recordingURL: recordingURL, recordingSid: recordingSid)
                }
                try await merge(
                    RecordingUpdate(
                        recordingSid: recordingSid, callSid: callSid, transcript: transcript.text,
                        transcriptStatus: "completed", transcriptSource: transcriber.name,
                        speechTiming: SpeechTiming(words: transcript.words)))
            } catch {
                logger.warning(
                    "transcription failed; Twilio's transcription stays",
                    metadata: ["call_sid": "\(callSid)", "recording": "\(recordingSid)", "error": "\(error)"])
            }
        }
    }

    private func requestFeedback(recordingSid: String, transcript: String, analysis: AnswerAnalysis) async {
        guard let coach = providers.coach else { return }
        let store = self.store
        let deadline = providers.questionDeadlineSeconds
        let logger = self.logger
        await background.start("feedback-\(recordingSid)-\(transcript.hashValue)") {
            do {
                guard let context = try await store.answerContext(recordingSid: recordingSid) else { return }
                let request = FeedbackRequest(
                    role: context.session.role, question: context.answer.question.text, transcript: transcript,
                    metrics: analysis)
                let feedback = try await withDeadline(seconds: deadline) { try await coach.feedback(for: request) }
                try await store.saveModelFeedback(feedback, recordingSid: recordingSid, transcript: transcript)
                try await prepareDebrief(recordingSid: recordingSid)
            } catch {
                logger.warning(
                    "model feedback failed; the deterministic analysis stands",
                    metadata: ["recording": "\(recordingSid)", "error": "\(error)"])
            }
        }
    }
}
