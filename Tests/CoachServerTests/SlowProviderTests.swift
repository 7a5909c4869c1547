import CoachAudio
import CoachCore
import CoachServer
import CoachStore
import Foundation
import Testing
import TwilioSim

/// Test doubles of the two ports that take their time, like a busy model and speech service.
struct SlowQuestionSource: QuestionSource {
    let delay: Duration
    let bank: BankQuestionSource
    var name: String { "slow-test-model" }

    func question(for request: QuestionRequest) async throws -> Question {
        try await Task.sleep(for: delay)
        var question = bank.question(for: request)
        question.origin = .model
        return question
    }
}

struct SlowSynthesizer: SpeechSynthesizer {
    let delay: Duration
    var voiceIdentity: String { "slow-test-voice" }

    func synthesize(_ text: String) async throws -> [UInt8] {
        try await Task.sleep(for: delay)
        let samples = ToneGenerator.tone(frequency: 440, seconds: 1)
        return Array(WAVAudio.telephony(muLawBytes: MuLaw.encode(samples)).encoded())
    }
}

@Suite struct SlowProviderTests {
    /// Question writing and speech take 5 s each, yet every answer's reply already holds the next
    /// question with its audio: preparation ran while the caller was answering. The sim runs in
    /// real time (each answer takes 12 s of wall time) so the flow, not the machine, is what is tested.
    @Test(.timeLimit(.minutes(5))) func slowProvidersNeverMakeTheCallerWait() async throws {
        let bank = BankQuestionSource(planner: InterviewPlanner(bank: try QuestionBank.builtIn()))
        let providers = Providers(
            questions: SlowQuestionSource(delay: .seconds(5), bank: bank), speech: SlowSynthesizer(delay: .seconds(5)))
        let line = try await TestLine.start(providers: providers)
        let report = try await line.call(Moves.interview(seconds: 12)) { configuration in
            configuration.timeScale = 1
            configuration.strictAudio = true
        }
        try await line.stop()

        #expect(report.isClean, "\(report.violations)")
        #expect(report.questionsAsked == 5)
        let responses = report.exchanges(to: "/webhook/response")
        #expect(responses.count == 5)
        for exchange in responses.dropLast() {
            #expect(exchange.endsWithRecord, "\(exchange.url) answered without the next question")
            #expect(exchange.body.contains("<Play>"), "\(exchange.url) had no prepared audio")
            #expect(exchange.latency < .seconds(1))
        }
        #expect(responses.last?.endsWithHangup == true)
        #expect(report.exchanges.allSatisfy { $0.latency < .seconds(5) })
        #expect(report.timeline.contains { if case .play = $0.kind { true } else { false } })
    }

    /// With nothing prepared in time (a cold start with a very slow model), the caller hears a short
    /// hold prompt, the wait endpoint waits a bounded moment, then a bank question is asked.
    @Test func unpreparedQuestionFallsBackAfterABoundedWait() async throws {
        let bank = BankQuestionSource(planner: InterviewPlanner(bank: try QuestionBank.builtIn()))
        let providers = Providers(
            questions: SlowQuestionSource(delay: .seconds(60), bank: bank), questionDeadlineSeconds: 60)
        let line = try await TestLine.start(
            settings: TestLine.settings { $0.holdWaitSeconds = 1 }, providers: providers)
        let report = try await line.call(Moves.interview(answers: Array(Moves.answers.prefix(2))) + [.hangUp])

        #expect(report.isClean, "\(report.violations)")
        let start = try #require(report.exchanges(to: "/webhook/menu").first)
        #expect(start.redirectsToWait)
        #expect(start.body.contains("One moment"))
        let waits = report.exchanges(to: "/continue-interview")
        #expect(waits.count >= 2)
        for wait in waits {
            #expect(wait.endsWithRecord)
            #expect(wait.latency < .seconds(5))
        }
        let session = try #require(try await line.store.session(callSid: report.callSid))
        #expect(session.status == .abandoned)
        #expect(try await line.store.preparedQuestion(callSid: report.callSid, number: 1)?.question.origin == .fallback)
        // The holds after answers 1 and 2 are part of the caller's wait, measured across the redirect.
        let metrics = try await Webhooks(baseURL: line.baseURL).get("/metrics").text
        #expect(MetricsTests.value("coachline_caller_wait_seconds_count", in: metrics) == 2, "\(metrics)")
        #expect((MetricsTests.value("coachline_caller_wait_seconds_sum", in: metrics) ?? 0) >= 2, "\(metrics)")
        try await line.stop()
    }

    /// QUESTION_TIMING=inline rebuilds the replaced design for benchmarks: nothing is prepared ahead,
    /// so each Record action writes the next question itself and the caller waits through it.
    @Test func inlineTimingWritesEachQuestionInsideTheWebhook() async throws {
        let bank = BankQuestionSource(planner: InterviewPlanner(bank: try QuestionBank.builtIn()))
        let providers = Providers(
            questions: SlowQuestionSource(delay: .milliseconds(600), bank: bank), questionDeadlineSeconds: 10)
        let line = try await TestLine.start(
            settings: TestLine.settings { $0.questionTiming = .inline }, providers: providers)
        let report = try await line.call(Moves.interview(answers: Array(Moves.answers.prefix(2))) + [.hangUp])
        try await line.stop()

        #expect(report.isClean, "\(report.violations)")
        #expect(report.exchanges(to: "/continue-interview").isEmpty, "inline never holds")
        let start = try #require(report.exchanges(to: "/webhook/menu").first)
        #expect(start.endsWithRecord)
        #expect(start.latency >= .milliseconds(600))
        let first = try #require(report.exchanges(to: "/webhook/response").first)
        #expect(first.endsWithRecord)
        #expect(first.latency >= .milliseconds(600))
    }
}
