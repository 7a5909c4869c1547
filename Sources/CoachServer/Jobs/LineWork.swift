import CoachStore

/// What each kind of background work does on this line: the services behind the webhooks, run by a
/// worker on whichever instance claimed the job.
struct LineWork: WorkPerformer {
    let store: SQLStore
    let preparer: QuestionPreparer
    let recordings: RecordingIntake
    let voice: VoiceOver
    let drafts: SpokenDrafts

    func perform(_ work: BackgroundWork) async throws {
        switch work {
        case .question(let callSid, let number, _, let session, let caller):
            try await preparer.run(.init(callSid: callSid, number: number, session: session, caller: caller))
        case .transcribe(let recordingSid, let recordingURL, let callSid):
            try await recordings.transcribeNow(recordingSid: recordingSid, recordingURL: recordingURL, callSid: callSid)
        case .feedback(let recordingSid, let transcript):
            try await recordings.feedbackNow(recordingSid: recordingSid, transcript: transcript)
        case .voice(let text):
            await voice.synthesizeNow(text)
        case .draft(let kind, let owner, let template):
            guard let kind = SpokenDrafts.Kind(rawValue: kind) else {
                throw MalformedWork("unknown draft kind \(kind)")
            }
            try await drafts.word(kind, owner: owner, template: template)
        case .progress(let phone, _):
            let report = try await CallService.progressReport(store: store, phone: phone)
            if report.hasHistory { try await drafts.word(.progress, owner: phone, template: report.spoken) }
        }
    }

    /// A transcription or feedback that will not come must not hold up the answer's analysis or the
    /// debrief; the rest have their fallback where they are used (a bank question, the template).
    func abandon(_ work: BackgroundWork) async throws {
        switch work {
        case .transcribe(let recordingSid, _, let callSid):
            try await recordings.providerTranscriptionEnded(recordingSid: recordingSid, callSid: callSid)
        case .feedback(let recordingSid, let transcript):
            try await recordings.feedbackFailed(recordingSid: recordingSid, transcript: transcript)
        case .question, .voice, .draft, .progress:
            break
        }
    }
}

/// A job this version cannot do (written by a newer or broken instance): it fails until dead-lettered.
struct MalformedWork: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
