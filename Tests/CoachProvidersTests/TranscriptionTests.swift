import CoachCore
import CoachFakes
import CoachProviders
import Foundation
import Testing

@Suite("Twilio recordings and transcription", .timeLimit(.minutes(1)))
struct TranscriptionTests {
    static let accountSid = "AC" + String(repeating: "0123456789abcdef", count: 2)
    static let authToken = "token-secret-123"

    private func recordingURL(_ base: String, sid: String) -> String {
        "\(base)/2010-04-01/Accounts/\(Self.accountSid)/Recordings/\(sid)"
    }

    /// Deadlines far beyond what the fakes take, so a machine busy with the rest of the suite does not
    /// cut a test short; the tests about deadlines set their own.
    private func fetcher(_ apiBaseURL: String, timeout: Double = 30, notFoundDelays: [Double] = [0.2, 0.3, 0.5])
        -> TwilioRecordingFetcher
    {
        TwilioRecordingFetcher(
            configuration: TwilioConfiguration(
                accountSid: Self.accountSid, authToken: Self.authToken, apiBaseURL: apiBaseURL),
            timeoutSeconds: timeout, notFoundDelays: notFoundDelays, transport: transport("twilio"),
            logger: quietLogger)
    }

    private func transcriber(_ fakes: RunningFakes, model: String = "whisper-1", fetcher: TwilioRecordingFetcher)
        -> OpenAITranscriber
    {
        OpenAITranscriber(
            configuration: OpenAIConfiguration(
                baseURL: fakes.openAIBaseURL, apiKey: "sk-test", model: model, timeoutSeconds: 30),
            fetcher: fetcher, transport: transport("openai-transcription"), logger: quietLogger)
    }

    @Test func whisperGivesTextAndWordTimings() async throws {
        try await withFakes { fakes, control in
            control.twilioCredentials = (Self.accountSid, Self.authToken)
            control.addRecording(sid: "RE1", text: "I led the team and we shipped early.", seconds: 4)
            let transcript = try await transcriber(fakes, fetcher: fetcher(fakes.twilioAPIBaseURL))
                .transcribe(recordingURL: recordingURL(fakes.twilioAPIBaseURL, sid: "RE1"), recordingSid: "RE1")
            #expect(transcript.text == "I led the team and we shipped early.")
            #expect(transcript.durationSeconds == 4)
            #expect(transcript.words.map(\.word) == ["I", "led", "the", "team", "and", "we", "shipped", "early"])
            #expect(transcript.words.last?.end == 4)
            #expect(zip(transcript.words, transcript.words.dropFirst()).allSatisfy { $0.end <= $1.start })

            let upload = try #require(control.requests(.openAITranscription).first)
            #expect(upload.bodyText.contains(#"filename="recording.wav""#))
            #expect(upload.bodyText.contains("Content-Type: audio/wav"))
            #expect(upload.bodyText.contains("verbose_json"))
            #expect(upload.bodyText.contains("timestamp_granularities[]"))
        }
    }

    @Test func gpt4oModelsAskForPlainJSON() async throws {
        try await withFakes { fakes, control in
            control.addRecording(sid: "RE2", text: "We cut costs by a third.", seconds: 3)
            let transcript = try await transcriber(
                fakes, model: "gpt-4o-mini-transcribe", fetcher: fetcher(fakes.twilioAPIBaseURL)
            ).transcribe(recordingURL: recordingURL(fakes.twilioAPIBaseURL, sid: "RE2"), recordingSid: "RE2")
            #expect(transcript.text == "We cut costs by a third.")
            #expect(transcript.words.isEmpty)
            // No timings from the model: the duration comes from the WAV itself.
            #expect(transcript.durationSeconds.map { abs($0 - 3) < 0.01 } == true)
        }
    }

    @Test func sendsBasicAuthToTwilioAndFollowsTheRedirect() async throws {
        try await withFakes { fakes, control in
            control.twilioCredentials = (Self.accountSid, Self.authToken)
            control.addRecording(sid: "RE3", text: "Hello.", seconds: 1)
            let bytes = try await fetcher(fakes.twilioAPIBaseURL).fetch(
                recordingURL: recordingURL(fakes.twilioAPIBaseURL, sid: "RE3"))
            #expect(bytes == [UInt8](try #require(control.recordingAudio(sid: "RE3"))))
            let requests = control.requests(.twilioMedia)
            #expect(
                requests.map(\.path) == [
                    "/2010-04-01/Accounts/\(Self.accountSid)/Recordings/RE3.wav", "/_fake/media/RE3.wav",
                ])
            let expected = "Basic " + Data("\(Self.accountSid):\(Self.authToken)".utf8).base64EncodedString()
            #expect(requests.first?.header("Authorization") == expected)
        }
    }

    @Test func dropsCredentialsWhenARedirectLeavesTheTwilioOrigin() async throws {
        try await withFakes { fakes, control in
            control.addRecording(sid: "RE4", text: "Hello.", seconds: 1)
            // Configured as localhost: the fake redirects to 127.0.0.1, another origin.
            let base = fakes.twilioAPIBaseURL.replacingOccurrences(of: "127.0.0.1", with: "localhost")
            _ = try await fetcher(base).fetch(recordingURL: recordingURL(base, sid: "RE4"))
            let requests = control.requests(.twilioMedia)
            #expect(requests.count == 2)
            #expect(requests.first?.header("Authorization") != nil)
            #expect(requests.last?.path == "/_fake/media/RE4.wav")
            #expect(requests.last?.header("Authorization") == nil)
        }
    }

    @Test func refusesAForeignHostWithoutSendingAnything() async throws {
        try await withFakes { twilio, _ in
            try await withFakes { foreign, foreignControl in
                foreignControl.addRecording(sid: "RE5", text: "Hello.", seconds: 1)
                let fetcher = fetcher(twilio.twilioAPIBaseURL)
                for url in [
                    recordingURL(foreign.twilioAPIBaseURL, sid: "RE5"),
                    recordingURL(twilio.twilioAPIBaseURL.replacingOccurrences(of: "http:", with: "https:"), sid: "RE5"),
                    "http://\(Self.accountSid):x@" + recordingURL(twilio.twilioAPIBaseURL, sid: "RE5").dropFirst(7),
                    "file:///etc/passwd",
                ] {
                    await #expect(throws: ProviderError.refusedHost(url)) { try await fetcher.fetch(recordingURL: url) }
                }
                #expect(foreignControl.requests(.twilioMedia).isEmpty)
            }
        }
    }

    @Test func waitsForARecordingThatIsNotStoredYet() async throws {
        try await withFakes { fakes, control in
            control.addRecording(sid: "RE6", text: "Hello.", seconds: 1)
            control.set(.twilioMedia, .failing(.notReady, times: 2))
            _ = try await fetcher(fakes.twilioAPIBaseURL).fetch(
                recordingURL: recordingURL(fakes.twilioAPIBaseURL, sid: "RE6"))
            let first = control.requests(.twilioMedia).filter { $0.path.hasPrefix("/2010-04-01") }
            #expect(first.count == 3)
        }
    }

    @Test func givesUpOnAMissingRecordingAfterAFewTries() async throws {
        try await withFakes { fakes, control in
            let outcome = await timed {
                try await fetcher(fakes.twilioAPIBaseURL).fetch(
                    recordingURL: recordingURL(fakes.twilioAPIBaseURL, sid: "REmissing"))
            }
            #expect(
                (outcome.error as? ProviderError).map { if case .http(404, _, _) = $0 { true } else { false } } == true)
            #expect(control.requests(.twilioMedia).count == 4)
            #expect(outcome.seconds < 20)  // gave up after its few tries (1 s of waits), not at the 30 s timeout
        }
    }

    @Test func aCutOffRecordingIsMalformed() async throws {
        try await withFakes { fakes, control in
            control.addRecording(sid: "RE7", text: "Hello.", seconds: 1)
            control.set(.twilioMedia, .failing(.truncatedBody))
            await #expect {
                try await fetcher(fakes.twilioAPIBaseURL).fetch(
                    recordingURL: recordingURL(fakes.twilioAPIBaseURL, sid: "RE7"))
            } throws: { error in
                (error as? ProviderError)?.kind == "malformed_response"
            }
        }
    }

    @Test func transcriptionOutageIsRetried() async throws {
        try await withFakes { fakes, control in
            control.addRecording(sid: "RE8", text: "Fine.", seconds: 1)
            control.set(.openAITranscription, .failing(.unavailable, times: 1, retryAfterSeconds: 0.1))
            let transcriber = transcriber(fakes, fetcher: fetcher(fakes.twilioAPIBaseURL))
            let transcript = try await transcriber.transcribe(
                recordingURL: recordingURL(fakes.twilioAPIBaseURL, sid: "RE8"), recordingSid: "RE8")
            #expect(transcript.text == "Fine.")
            #expect(control.requests(.openAITranscription).count == 2)
            let metrics = transcriber.providerMetrics
            #expect(metrics.map(\.provider) == ["twilio", "openai-transcription"])
            #expect(metrics[1].failures["http_5xx"] == 1 && metrics[1].successes == 1 && metrics[1].retries == 1)
        }
    }

    @Test func badTranscriptionKeyIsNotRetried() async throws {
        try await withFakes { fakes, control in
            control.addRecording(sid: "RE9", text: "Fine.", seconds: 1)
            control.set(.openAITranscription, .failing(.unauthorized))
            await #expect {
                try await transcriber(fakes, fetcher: fetcher(fakes.twilioAPIBaseURL))
                    .transcribe(recordingURL: recordingURL(fakes.twilioAPIBaseURL, sid: "RE9"), recordingSid: "RE9")
            } throws: { error in
                (error as? ProviderError)?.kind == "unauthorized"
            }
            #expect(control.requests(.openAITranscription).count == 1)
        }
    }
}
