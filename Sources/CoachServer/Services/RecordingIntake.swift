import CoachCore
import CoachStore
import Logging

/// Collects what Twilio reports about a recording (Record action, recording status, transcription;
/// any order, possibly after the call ended) and analyses the answer as soon as both the transcript
/// and the duration are known. The analyser is local and takes microseconds, so it runs inline.
struct RecordingIntake: Sendable {
    let store: SQLStore
    let logger: Logger
    let analyzer = AnswerAnalyzer()

    func merge(_ update: RecordingUpdate) async throws {
        let record = try await store.updateRecording(update)
        guard record.analysis == nil, let transcript = record.transcript, let seconds = record.durationSeconds else {
            return
        }
        let analysis = analyzer.analyze(transcript: transcript, seconds: seconds)
        try await store.saveAnalysis(analysis, recordingSid: record.recordingSid)
    }
}
