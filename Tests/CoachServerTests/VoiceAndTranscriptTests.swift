import CoachAudio
import CoachCore
import CoachServer
import CoachStore
import Foundation
import Testing
import TwilioSim

/// A synthesizer double that answers at once with a real telephone WAV, or fails for chosen texts.
struct ToneSynthesizer: SpeechSynthesizer {
    var failing: Set<String> = []
    var voiceIdentity: String { "tone:test" }

    struct Refused: Error {}

    func synthesize(_ text: String) async throws -> [UInt8] {
        if failing.contains(text) { throw Refused() }
        let samples = ToneGenerator.tone(frequency: 440, seconds: 0.5)
        return Array(WAVAudio.telephony(muLawBytes: MuLaw.encode(samples)).encoded())
    }
}

@Suite struct VoiceAndTranscriptTests {
    @Test func promptsArePlayedFromStoredAudioAndFailuresFallBackToSay() async throws {
        let bank = BankQuestionSource(planner: InterviewPlanner(bank: try QuestionBank.builtIn()))
        let providers = Providers(questions: bank, speech: ToneSynthesizer(failing: [SpokenCopy.menu]))
        let line = try await TestLine.start(providers: providers)
        let report = try await line.call(Moves.interview()) { $0.strictAudio = true }
        try await line.stop()

        #expect(report.isClean, "\(report.violations)")
        let greeting = try #require(report.exchanges.first)
        #expect(greeting.body.contains("<Play>/audio/"))  // the welcome, synthesised at start-up
        #expect(greeting.body.contains("<Say voice=\"Polly.Joanna\">Press 1"))  // its synthesis failed
        for response in report.exchanges(to: "/webhook/response").dropLast() {
            #expect(!response.body.contains("<Say"), "every prompt and question had audio: \(response.body)")
        }
        let played = report.timeline.compactMap { event -> AudioInfo? in
            if case .play(_, let audio, _) = event.kind { return audio }
            return nil
        }
        #expect(played.count > 10)
        #expect(played.allSatisfy { $0.telephonyReady })
    }

    @Test func providerTranscriptReplacesTwiliosButNotTheReverse() async throws {
        let store = try await SQLStore.open(.sqliteMemory, logger: TestLine.quiet)
        try await store.migrate()
        _ = try await store.updateRecording(.init(recordingSid: "RE1", durationSeconds: 30))
        var record = try await store.updateRecording(
            .init(recordingSid: "RE1", transcript: "twilio words", transcriptSource: "twilio"))
        #expect(record.transcript == "twilio words")
        let analysis = AnswerAnalyzer().analyze(transcript: "twilio words", seconds: 30)
        try await store.saveAnalysis(analysis, recordingSid: "RE1")

        record = try await store.updateRecording(
            .init(recordingSid: "RE1", transcript: "provider words", transcriptSource: "openai"))
        #expect(record.transcript == "provider words")
        #expect(record.transcriptSource == "openai")
        #expect(record.analysis == nil, "the analysis of the old text must go")

        record = try await store.updateRecording(
            .init(recordingSid: "RE1", transcript: "late twilio words", transcriptSource: "twilio"))
        #expect(record.transcript == "provider words")
        #expect(record.durationSeconds == 30)

        // The same words from a provider after Twilio's: the source changes, the analysis stays.
        _ = try await store.updateRecording(.init(recordingSid: "RE3", transcript: "same", transcriptSource: "twilio"))
        try await store.saveAnalysis(AnswerAnalyzer().analyze(transcript: "same", seconds: 5), recordingSid: "RE3")
        record = try await store.updateRecording(
            .init(recordingSid: "RE3", transcript: "same", transcriptSource: "openai"))
        #expect(record.transcriptSource == "openai")
        #expect(record.analysis != nil)
        try await store.shutdown()
    }

    @Test func wordTimingsTravelWithTheirTranscript() async throws {
        let store = try await SQLStore.open(.sqliteMemory, logger: TestLine.quiet)
        try await store.migrate()
        let timing = SpeechTiming(speakingSeconds: 18, leadingSilenceSeconds: 2, pauses: 1, longPauses: 1)
        // Timings without a transcript belong to nothing and are not kept.
        var record = try await store.updateRecording(
            .init(recordingSid: "RE4", durationSeconds: 25, speechTiming: timing))
        #expect(record.speechTiming == nil)
        record = try await store.updateRecording(
            .init(recordingSid: "RE4", transcript: "same words", transcriptSource: "twilio"))
        try await store.saveAnalysis(
            AnswerAnalyzer().analyze(transcript: "same words", seconds: 25), recordingSid: "RE4")
        // The provider hears the same words but brings timings: pace must be measured again.
        record = try await store.updateRecording(
            .init(recordingSid: "RE4", transcript: "same words", transcriptSource: "openai", speechTiming: timing))
        #expect(record.speechTiming == timing)
        #expect(record.analysis == nil)
        // Twilio's late transcript changes neither the text nor its timings.
        record = try await store.updateRecording(
            .init(recordingSid: "RE4", transcript: "other words", transcriptSource: "twilio"))
        #expect(record.transcript == "same words")
        #expect(record.speechTiming == timing)
        try await store.shutdown()
    }

    @Test func modelFeedbackIsStoredForItsTranscriptOnly() async throws {
        let store = try await SQLStore.open(.sqliteMemory, logger: TestLine.quiet)
        try await store.migrate()
        _ = try await store.updateRecording(.init(recordingSid: "RE2", durationSeconds: 20, transcript: "first"))
        try await store.saveAnalysis(AnswerAnalyzer().analyze(transcript: "first", seconds: 20), recordingSid: "RE2")
        let feedback = ModelFeedback(
            scores: ["structure": 5], strength: "Model strength.", improvement: "Model tip.", outline: "Outline.")
        try await store.saveModelFeedback(feedback, recordingSid: "RE2", transcript: "stale text")
        #expect(try await store.recording(sid: "RE2")?.modelFeedback == nil)
        try await store.saveModelFeedback(feedback, recordingSid: "RE2", transcript: "first")
        let coaching = try #require(try await store.recording(sid: "RE2")?.coaching)
        #expect(coaching.strength == "Model strength.")
        #expect(coaching.score(.structure) == 5)
        try await store.shutdown()
    }
}
