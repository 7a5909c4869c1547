import CoachAudio
import CoachCore
import CoachFakes
import CoachServer
import CoachStore
import Foundation
import Testing
import TwilioSim
import TwilioSupport

/// The whole call with every provider switched on, pointed at loopback fakes that speak the
/// vendors' wire formats: the real clients, the real server, TwilioSim over real sockets.
struct ProviderLine {
    let fakes: RunningFakes
    let control: FakeControl
    let line: TestLine

    static let accountSid = "AC" + String(repeating: "0", count: 31) + "7"
    static let authToken = "fake-auth-token"

    /// `deadlineMilliseconds`: the model and speech deadlines. Generous by default, so a machine busy
    /// with the rest of the suite does not turn a slow answer into a fallback.
    static func start(
        speech: String = "murf", murfTransport: String = "stream", deadlineMilliseconds: Int = 15000,
        adjust: (FakeControl) -> Void = { _ in }
    ) async throws -> ProviderLine {
        let control = FakeControl()
        control.twilioCredentials = (accountSid, authToken)
        adjust(control)
        let fakes = try await FakeServers.start(control: control, logger: TestLine.quiet)
        let environment = Self.environment(
            fakes: fakes, speech: speech, murfTransport: murfTransport, deadlineMilliseconds: deadlineMilliseconds)
        let settings = try Settings.load(environment: environment)
        let line = try await TestLine.start(settings: settings)
        return ProviderLine(fakes: fakes, control: control, line: line)
    }

    /// Settings that switch every provider on, pointed at `fakes`.
    static func environment(
        fakes: RunningFakes, speech: String = "murf", murfTransport: String = "stream",
        deadlineMilliseconds: Int = 15000
    ) -> [String: String] {
        var environment = [
            "OPENAI_API_KEY": "sk-fake", "OPENAI_BASE_URL": fakes.openAIBaseURL,
            "OPENAI_TIMEOUT_MS": String(deadlineMilliseconds),
            "TRANSCRIBE_PROVIDER": "openai", "TWILIO_API_BASE_URL": fakes.twilioAPIBaseURL,
            "TWILIO_ACCOUNT_SID": accountSid, "TWILIO_AUTH_TOKEN": authToken, "TTS_PROVIDER": speech,
            "SPEECH_TIMEOUT_MS": String(deadlineMilliseconds), "HOST": "127.0.0.1",
            // On a machine busy with the rest of the suite, let the wait endpoint wait for the prepared
            // question (model text and Murf audio) rather than fall back.
            "HOLD_WAIT_SECONDS": deadlineMilliseconds > 5000 ? "8" : "2",
        ]
        if speech == "murf" {
            environment["MURF_API_KEY"] = "murf-fake"
            environment["MURF_BASE_URL"] = fakes.murfBaseURL
            environment["MURF_TRANSPORT"] = murfTransport
        }
        return environment
    }

    func call(
        _ steps: [CallScript.Step], from: String = "+14155550123", timeScale: Double = 0,
        delivery: AnswerDelivery = .init()
    ) async throws -> CallReport {
        try await line.call(steps, from: from) { configuration in
            configuration.accountSid = Self.accountSid
            configuration.recordingBaseURL = URL(
                string: fakes.twilioAPIBaseURL + "/2010-04-01/Accounts/\(Self.accountSid)/Recordings")!
            configuration.recordingUploadURL = URL(string: fakes.baseURL + "/_fake/recordings")!
            configuration.strictAudio = true
            configuration.timeScale = timeScale
            configuration.answerDelivery = delivery
        }
    }

    func stop() async throws {
        try await line.stop()
        try await fakes.stop()
    }
}

@Suite struct ProvidersCallTests {
    @Test(arguments: ["stream", "rest"])
    func everyProviderOnTheFakes(murfTransport: String) async throws {
        let stack = try await ProviderLine.start(murfTransport: murfTransport)
        // First call: choose the role (its confirmation is the one text Twilio's voice must speak live,
        // since it repeats the caller's own words); it is voiced in the background for next time.
        let roleCall = try await stack.call([.press("3"), .say("product manager", confidence: 0.9), .hangUp])
        #expect(roleCall.isClean, "\(roleCall.violations)")
        await stack.line.running.settle()
        // Second call: the interview. Answers take real (scaled) time, so preparation runs meanwhile.
        // Each starts after 2 s of silence and stalls for 4 s after the third word.
        let report = try await stack.call(
            Moves.interview(seconds: 20), timeScale: 0.3, delivery: AnswerDelivery(speechStart: 2, pauses: [2: 4]))
        await stack.line.running.settle()

        #expect(report.isClean, "\(report.violations)")
        #expect(report.questionsAsked == 5)
        // Every prompt, question and the debrief were played from 8 kHz mono mu-law WAV.
        for exchange in report.exchanges where exchange.status == 200 {
            #expect(!exchange.body.contains("<Say"), "\(exchange.url): \(exchange.body)")
        }
        let audio = report.timeline.compactMap { event -> AudioInfo? in
            if case .play(_, let info, _) = event.kind { return info }
            return nil
        }
        #expect(audio.count >= 15)
        #expect(audio.allSatisfy { $0.telephonyReady })
        // Questions came from the model and name the role.
        let store = stack.line.store
        let session = try #require(try await store.session(callSid: report.callSid))
        let prepared = try await store.preparedQuestions(callSid: report.callSid)
        #expect(prepared.count == 5)
        #expect(prepared.allSatisfy { $0.question.origin == .model }, "\(prepared.map(\.question.origin))")
        #expect(prepared.contains { $0.question.text.localizedCaseInsensitiveContains("product manager") })
        // Transcripts came from the transcription endpoint, feedback from the model merged with metrics.
        let answers = try await store.answers(sessionID: session.id)
        #expect(answers.count == 5)
        for answer in answers {
            let sid = try #require(answer.recordingSid)
            let recording = try #require(try await store.recording(sid: sid))
            #expect(recording.transcriptSource == "openai", "\(recording)")
            #expect(recording.modelFeedback != nil)
            // Pace and pauses come from the word timestamps: 18 s of speech in a 20 s recording.
            let timing = try #require(recording.speechTiming)
            #expect(timing.leadingSilenceSeconds == 2 && timing.speakingSeconds == 18, "\(timing)")
            #expect(timing.longPauses == 1 && timing.longestPauseSeconds >= 3.9, "\(timing)")
            let analysis = try #require(recording.analysis)
            #expect(analysis.timing == timing)
            #expect(analysis.seconds == 18)
        }
        #expect(!stack.control.requests(.openAITranscription).isEmpty)
        #expect(!stack.control.requests(.twilioMedia).isEmpty)
        // The debrief was worded by the model (the template's "One thing you did well" is gone) and voiced.
        let debrief = try #require(session.debrief)
        #expect(!debrief.isEmpty && !debrief.contains("One thing you did well"), "\(debrief)")
        #expect(report.exchanges(to: "/webhook/response").last?.body.contains("<Play>") == true)
        // It was worded once, when its facts were final: every earlier answer analysed and its feedback
        // in (each feedback changes the template; wording each one cost 2.5 wordings per call).
        let drafts = try await store.jobs(state: .done).filter { $0.kind == "draft" && $0.payload.contains(session.id) }
        #expect(drafts.count == 1, "\(drafts.count) debrief wordings")
        // Progress on the next call: worded by the model too, prepared while the menu played.
        let progress = try await stack.call([.press("2"), .hangUp], timeScale: 0.3)
        #expect(progress.isClean, "\(progress.violations)")
        #expect(!progress.heardText.contains("You have completed"), "\(progress.heardText)")
        #expect(stack.control.requests(.openAIChat).contains { $0.bodyText.contains("spoken_summary") })
        try await stack.stop()
    }
}

/// The transcription provider fails on every answer: Twilio's transcripts, set aside while the provider
/// worked, are analysed and sent for feedback in its place.
@Suite struct TranscriptionFallbackTests {
    @Test func twiliosTranscriptIsAnalysedWhenTheProviderFails() async throws {
        let stack = try await ProviderLine.start(deadlineMilliseconds: 4000)
        stack.control.set(.openAITranscription, .failing(.badRequest))
        let report = try await stack.call(Moves.interview())
        await stack.line.running.settle()
        #expect(report.isClean, "\(report.violations)")
        let store = stack.line.store
        let session = try #require(try await store.session(callSid: report.callSid))
        let answers = try await store.answers(sessionID: session.id)
        #expect(answers.count == 5)
        for answer in answers {
            let sid = try #require(answer.recordingSid)
            let recording = try #require(try await store.recording(sid: sid))
            #expect(recording.transcriptSource == "twilio", "\(recording)")
            #expect(!recording.awaitingProvider, "the failure ended the wait")
            #expect(recording.analysis != nil, "\(recording)")
            #expect(recording.modelFeedback != nil, "\(recording)")
        }
        #expect(!stack.control.requests(.openAITranscription).isEmpty)
        try await stack.stop()
    }
}

/// The model fails every feedback: the debrief, which waits for each earlier answer's feedback, goes on
/// without it once the failure is noted, rather than waiting for feedback that will never come.
@Suite struct FeedbackFailureTests {
    @Test func theDebriefIsPreparedWhenTheFeedbackFails() async throws {
        let stack = try await ProviderLine.start(murfTransport: "rest", deadlineMilliseconds: 4000)
        stack.control.set(.openAIChat, .failing(.serverError))
        let report = try await stack.call(Moves.interview())
        await stack.line.running.settle()
        #expect(report.isClean, "\(report.violations)")
        let store = stack.line.store
        let session = try #require(try await store.session(callSid: report.callSid))
        for answer in try await store.answers(sessionID: session.id) {
            let sid = try #require(answer.recordingSid)
            let recording = try #require(try await store.recording(sid: sid))
            #expect(recording.analysis != nil && recording.modelFeedback == nil, "\(recording)")
        }
        // Its wording failed too, so the template itself was voiced ahead, once.
        let voiced = stack.control.requests(.murfGenerate).map { String(decoding: $0.body, as: UTF8.self) }
        #expect(voiced.filter { $0.contains("You answered 5 questions.") }.count == 1, "\(voiced)")
        try await stack.stop()
    }
}

/// Twilio may send the recording and transcription callbacks before the Record action: the recording
/// callback starts the provider's transcription, so Twilio's words are set aside, not analysed first
/// and sent for feedback only to be replaced.
@Suite struct CallbacksBeforeTheRecordActionTests {
    @Test func theRecordingCallbackStartsTheProviderAndTwiliosWordsWait() async throws {
        let stack = try await ProviderLine.start()
        let callSid = Webhooks.newCallSid()
        let recordingSid = "RE" + String(callSid.dropFirst(2))
        let providerWords = "I led the billing migration and we cut failed payments by 30 percent in two months."
        stack.control.addRecording(sid: recordingSid, text: providerWords, seconds: 20)
        let recordingURL =
            stack.fakes.twilioAPIBaseURL + "/2010-04-01/Accounts/\(ProviderLine.accountSid)/Recordings/\(recordingSid)"
        let hooks = Webhooks(baseURL: stack.line.baseURL)
        func post(_ pathAndQuery: String, _ extra: [(String, String)]) async throws -> Int {
            let params = Webhooks.standard(callSid: callSid) + extra
            let signature = TwilioSignature.compute(
                url: stack.line.baseURL + pathAndQuery, parameters: params, authToken: ProviderLine.authToken)
            return try await hooks.post(pathAndQuery, params, signature: signature).status
        }
        #expect(try await post("/webhook/voice", []) == 200)
        #expect(try await post("/webhook/menu?attempt=1", [("Digits", "1")]) == 200)
        let recording = [("RecordingSid", recordingSid), ("RecordingUrl", recordingURL)]
        #expect(
            try await post(
                "/webhook/transcription",
                recording + [("TranscriptionStatus", "completed"), ("TranscriptionText", "twilio words here")]) == 204)
        #expect(
            try await post(
                "/webhook/recording-status",
                recording + [("RecordingStatus", "completed"), ("RecordingDuration", "20")]) == 204)
        // Twilio's words were not analysed: no feedback was asked for them.
        let store = stack.line.store
        let early = try #require(try await store.recording(sid: recordingSid))
        #expect(early.awaitingProvider && early.analysis == nil, "\(early)")
        #expect(try await post("/webhook/response?q=1", recording + [("RecordingDuration", "20")]) == 200)
        await stack.line.running.settle()

        let final = try #require(try await store.recording(sid: recordingSid))
        #expect(final.transcriptSource == "openai" && final.transcript == providerWords, "\(final)")
        #expect(!final.awaitingProvider && final.analysis != nil && final.modelFeedback != nil, "\(final)")
        // Asked for twice (recording callback and Record action), transcribed once.
        #expect(stack.control.requests(.openAITranscription).count == 1)
        let jobs = try await store.jobs(state: .done)
        #expect(jobs.filter { $0.kind == "transcribe" }.count == 1)
        #expect(jobs.filter { $0.kind == "feedback" }.count == 1, "\(jobs.map(\.id))")
        try await stack.stop()
    }
}

/// Without a transcription provider, the Record action can be what completes an answer (Twilio's words
/// came first, the duration comes with it). It stores the recording and the answer together, so the
/// debrief, which needs the stored answer, is checked again once both are in.
@Suite struct RecordActionCompletesAnAnswerTests {
    @Test func theLastSettledAnswerPreparesTheDebrief() async throws {
        let control = FakeControl()
        control.twilioCredentials = (ProviderLine.accountSid, ProviderLine.authToken)
        let fakes = try await FakeServers.start(control: control, logger: TestLine.quiet)
        var environment = ProviderLine.environment(fakes: fakes, murfTransport: "rest")
        for key in ["OPENAI_API_KEY", "OPENAI_BASE_URL", "OPENAI_TIMEOUT_MS"] { environment[key] = nil }
        environment["TRANSCRIBE_PROVIDER"] = "twilio"
        let line = try await TestLine.start(settings: try Settings.load(environment: environment))
        let callSid = Webhooks.newCallSid()
        let hooks = Webhooks(baseURL: line.baseURL)
        func post(_ pathAndQuery: String, _ extra: [(String, String)]) async throws -> Int {
            let params = Webhooks.standard(callSid: callSid) + extra
            let signature = TwilioSignature.compute(
                url: line.baseURL + pathAndQuery, parameters: params, authToken: ProviderLine.authToken)
            return try await hooks.post(pathAndQuery, params, signature: signature).status
        }
        #expect(try await post("/webhook/voice", []) == 200)
        #expect(try await post("/webhook/menu?attempt=1", [("Digits", "1")]) == 200)
        for number in 1...4 {
            let recording = [("RecordingSid", "RE\(number)" + String(callSid.dropFirst(2))), ("RecordingUrl", "")]
            let words = "Situation: the billing system failed. I led the fix and we cut failures by 30 percent."
            #expect(
                try await post(
                    "/webhook/transcription",
                    recording + [("TranscriptionStatus", "completed"), ("TranscriptionText", words)]) == 204)
            #expect(try await post("/webhook/response?q=\(number)", recording + [("RecordingDuration", "20")]) == 200)
        }
        await line.running.settle()
        // The four answers before the last are settled: their debrief is voiced ahead.
        let voiced = control.requests(.murfGenerate).map { String(decoding: $0.body, as: UTF8.self) }
        #expect(voiced.contains { $0.contains("You answered 5 questions.") }, "\(voiced)")
        try await line.stop()
        try await fakes.stop()
    }
}

/// Outages: every provider failing the same way at once, after start-up (the prompts are cached, as on a
/// server that was running when the outage began). The caller must not notice more than a hold prompt.
@Suite struct ProviderOutageTests {
    static let failures: [FakeFailure] = [
        .badRequest, .unauthorized, .paymentRequired, .forbidden, .rateLimited, .serverError, .unavailable,
        .insufficientQuota, .malformedJSON, .truncatedBody, .refusal, .droppedStream, .notReady,
    ]

    @Test(arguments: failures)
    func everyFailureStillCompletesTheCall(failure: FakeFailure) async throws {
        let stack = try await ProviderLine.start(deadlineMilliseconds: 4000)
        stack.control.setAll(.failing(failure, retryAfterSeconds: 1))
        let report = try await stack.call(Moves.interview())
        try Self.expectCallCompleted(report, holdWaitSeconds: stack.line.settings.holdWaitSeconds)
        try await stack.stop()
    }

    @Test func tenSecondProvidersStillCompleteTheCall() async throws {
        let stack = try await ProviderLine.start(deadlineMilliseconds: 4000)
        stack.control.setAll(FakeBehavior(minLatency: 10, maxLatency: 10))
        let report = try await stack.call(Moves.interview())
        try Self.expectCallCompleted(report, holdWaitSeconds: stack.line.settings.holdWaitSeconds)
        let prepared = try await stack.line.store.preparedQuestions(callSid: report.callSid)
        #expect(prepared.allSatisfy { $0.question.origin != .model })
        try await stack.stop()
    }

    static func expectCallCompleted(_ report: CallReport, holdWaitSeconds: Double) throws {
        #expect(report.isClean, "\(report.violations)")
        #expect(report.questionsAsked == 5)
        #expect(report.exchanges(to: "/webhook/response").last?.endsWithHangup == true)
        for exchange in report.exchanges {
            // The wait endpoint waits on purpose, bounded by HOLD_WAIT_SECONDS; everything else answers at once.
            let limit: Duration = exchange.path == "/continue-interview" ? .seconds(holdWaitSeconds + 1) : .seconds(1)
            #expect(exchange.latency < limit, "\(exchange.url) took \(exchange.latency)")
        }
    }
}
