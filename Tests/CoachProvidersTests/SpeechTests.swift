import CoachAudio
import CoachFakes
import CoachProviders
import Foundation
import Testing

@Suite("Speech: OpenAI and Murf REST", .timeLimit(.minutes(1)))
struct SpeechTests {
    private func murf(_ fakes: RunningFakes, style: String? = nil, timeout: Double = 30) -> MurfConfiguration {
        MurfConfiguration(
            apiKey: "murf-key", baseURL: fakes.murfBaseURL, streamURL: fakes.murfStreamURL, style: style,
            timeoutSeconds: timeout)
    }

    @Test func openAISpeechBecomesTelephonyAudio() async throws {
        try await withFakes { fakes, control in
            let synthesizer = OpenAISpeechSynthesizer(
                configuration: OpenAIConfiguration(
                    baseURL: fakes.openAIBaseURL, apiKey: "sk-test", model: OpenAIConfiguration.defaultSpeechModel),
                transport: transport("openai-speech"), logger: quietLogger)
            let wav = try telephonyWAV(try await synthesizer.synthesize("Tell me about a time you led a team."))
            #expect(wav.durationSeconds > 0.5)
            #expect(synthesizer.voiceIdentity == "openai:tts-1:alloy")
            let body = try #require(control.requests(.openAISpeech).first?.bodyText)
            #expect(body.contains(#""response_format":"pcm""#) && body.contains(#""voice":"alloy""#))
        }
    }

    @Test func murfRESTAsksForMuLawAndReturnsTelephonyAudio() async throws {
        try await withFakes { fakes, control in
            let synthesizer = MurfRESTSynthesizer(
                configuration: murf(fakes, style: "Conversational"), transport: transport("murf"), logger: quietLogger)
            let wav = try telephonyWAV(try await synthesizer.synthesize("Welcome back. Let's practise."))
            #expect(wav.durationSeconds > 0.5)
            #expect(synthesizer.voiceIdentity == "murf:en-US-natalie:Conversational:gen2")
            let sent = try #require(control.requests(.murfGenerate).first)
            #expect(sent.path == "/v1/speech/generate")
            #expect(sent.header("api-key") == "murf-key")
            let body = try #require(try JSONSerialization.jsonObject(with: Data(sent.body)) as? [String: Any])
            #expect(body["format"] as? String == "ULAW")
            #expect(body["sampleRate"] as? Int == 8000)
            #expect(body["channelType"] as? String == "MONO")
            #expect(body["encodeAsBase64"] as? Bool == true)
            #expect(body["modelVersion"] as? String == "GEN2")
            #expect(body["voiceId"] as? String == "en-US-natalie")
            #expect(body["style"] as? String == "Conversational")
        }
    }

    @Test func murfRESTSplitsTextOverItsLimitAndJoinsTheAudioInOrder() async throws {
        try await withFakes { fakes, control in
            let synthesizer = MurfRESTSynthesizer(
                configuration: murf(fakes), transport: transport("murf"), logger: quietLogger)
            let sentence = "I planned the release with the team and we shipped two weeks early. "
            let text = String(repeating: sentence, count: 60)
            let whole = try telephonyWAV(try await synthesizer.synthesize(text))
            let requests = control.requests(.murfGenerate)
            #expect(requests.count == 2)
            var parts = 0.0
            for request in requests {
                let body = try #require(try JSONSerialization.jsonObject(with: Data(request.body)) as? [String: Any])
                let piece = try #require(body["text"] as? String)
                #expect(piece.count <= 3000)
                parts += try telephonyWAV(try await synthesizer.synthesize(piece)).durationSeconds
            }
            #expect(abs(whole.durationSeconds - parts) < 0.01)
        }
    }

    @Test(arguments: [
        (FakeFailure.badRequest, "http_4xx"), (.paymentRequired, "quota_exhausted"),
        (.insufficientQuota, "quota_exhausted"), (.forbidden, "unauthorized"), (.malformedJSON, "malformed_response"),
        (.truncatedBody, "malformed_response"),
    ])
    func murfRESTFailuresAreReportedAndNotRetried(failure: FakeFailure, kind: String) async throws {
        try await withFakes { fakes, control in
            control.set(.murfGenerate, .failing(failure))
            let synthesizer = MurfRESTSynthesizer(
                configuration: murf(fakes), transport: transport("murf"), logger: quietLogger)
            await #expect {
                try await synthesizer.synthesize("Hello there.")
            } throws: { error in
                (error as? ProviderError)?.kind == kind
            }
            #expect(control.requests(.murfGenerate).count == 1)
        }
    }

    @Test func murfRESTRetriesAnOutage() async throws {
        try await withFakes { fakes, control in
            control.set(.murfGenerate, .failing(.serverError, times: 1))
            let synthesizer = MurfRESTSynthesizer(
                configuration: murf(fakes), transport: transport("murf"), logger: quietLogger)
            _ = try telephonyWAV(try await synthesizer.synthesize("Hello there."))
            #expect(control.requests(.murfGenerate).count == 2)
        }
    }
}

@Suite("Speech: Murf streaming", .timeLimit(.minutes(1)))
struct MurfStreamTests {
    private func stream(_ fakes: RunningFakes, timeout: Double = 30, breaker: CircuitBreaker? = nil)
        -> MurfStreamSynthesizer
    {
        MurfStreamSynthesizer(
            configuration: MurfConfiguration(
                apiKey: "murf-key", baseURL: fakes.murfBaseURL, streamURL: fakes.murfStreamURL,
                timeoutSeconds: timeout),
            circuitBreaker: breaker, logger: quietLogger)
    }

    @Test func oneConnectionServesManyUtterances() async throws {
        try await withFakes { fakes, control in
            let synthesizer = stream(fakes)
            #expect(synthesizer.voiceIdentity == "murf:en-US-natalie:default:falcon")
            for text in ["First question.", "Second question, a little longer than the first."] {
                _ = try telephonyWAV(try await synthesizer.synthesize(text))
            }
            // Several at once on the same connection, matched by context id.
            let texts = ["Short.", "A much longer sentence that takes more time to say out loud.", "Medium length."]
            let durations = try await withThrowingTaskGroup(of: (Int, Double).self) { group in
                for (index, text) in texts.enumerated() {
                    group.addTask { (index, try telephonyWAV(try await synthesizer.synthesize(text)).durationSeconds) }
                }
                var result = [Double](repeating: 0, count: texts.count)
                for try await (index, seconds) in group { result[index] = seconds }
                return result
            }
            #expect(durations[1] > durations[2] && durations[2] > durations[0])
            #expect(await synthesizer.connectionsOpened == 1)
            let upgrades = control.requests(.murfStream)
            #expect(upgrades.count == 1)
            let query = upgrades.first?.query ?? ""
            for part in ["model=FALCON", "sample_rate=8000", "channel_type=MONO", "format=ULAW"] {
                #expect(query.contains(part))
            }
            #expect(upgrades.first?.header("api-key") == "murf-key")
            let messages = control.murfStreamMessages()
            #expect(messages.filter { $0.contains("voice_config") }.count == 5)
            #expect(messages.allSatisfy { $0.contains("context_id") })
            await synthesizer.close()
        }
    }

    @Test func acceptsTheCookbookSpelling() async throws {
        try await withFakes { fakes, control in
            control.murfUsesCookbookSpelling = true
            let synthesizer = stream(fakes)
            _ = try telephonyWAV(try await synthesizer.synthesize("Hello there."))
            _ = try telephonyWAV(try await synthesizer.synthesize("Hello again."))
            #expect(await synthesizer.connectionsOpened == 1)
            await synthesizer.close()
        }
    }

    @Test func aDroppedConnectionFailsThatUtteranceAndTheNextReconnects() async throws {
        try await withFakes { fakes, control in
            control.set(.murfStream, .failing(.droppedStream, times: 1))
            let synthesizer = stream(fakes)
            let outcome = await timed { try await synthesizer.synthesize("This one is cut off in the middle.") }
            #expect((outcome.error as? ProviderError)?.kind == "transport")
            #expect(outcome.seconds < 20)  // generous for a busy machine; the deadline is 30 s
            _ = try telephonyWAV(try await synthesizer.synthesize("This one arrives whole."))
            #expect(await synthesizer.connectionsOpened == 2)
            #expect(control.requests(.murfStream).count == 2)
            await synthesizer.close()
        }
    }

    @Test(arguments: [FakeFailure.malformedJSON, .truncatedBody])
    func garbledMessagesFailFast(failure: FakeFailure) async throws {
        try await withFakes { fakes, control in
            control.set(.murfStream, .failing(failure, times: 1))
            let synthesizer = stream(fakes)
            let outcome = await timed { try await synthesizer.synthesize("Hello there.") }
            #expect((outcome.error as? ProviderError)?.kind == "malformed_response")
            #expect(outcome.seconds < 20)  // generous for a busy machine; the deadline is 30 s
            await synthesizer.close()
        }
    }

    @Test func refusedUpgradeFailsAtOnce() async throws {
        try await withFakes { fakes, control in
            control.set(.murfStream, .failing(.forbidden))
            let synthesizer = stream(fakes)
            let outcome = await timed { try await synthesizer.synthesize("Hello there.") }
            #expect((outcome.error as? ProviderError)?.kind == "transport")
            #expect(outcome.seconds < 20)  // generous for a busy machine; the deadline is 30 s
        }
    }

    @Test func slowStreamCostsTheDeadline() async throws {
        try await withFakes { fakes, control in
            control.set(.murfStream, FakeBehavior(minLatency: 40, maxLatency: 40))
            // 5 s: short beside the 40 s latency, long enough for the next utterance on a machine busy
            // with the whole suite (3 s was not).
            let synthesizer = stream(fakes, timeout: 5)
            let outcome = await timed { try await synthesizer.synthesize("Hello there.") }
            #expect(outcome.error as? ProviderError == .timeout(5))
            #expect(outcome.seconds >= 4.9 && outcome.seconds < 30)  // the 5 s deadline, not the 40 s latency
            // The timed-out utterance was cleared, so the connection stays usable.
            control.set(.murfStream, .normal)
            _ = try telephonyWAV(try await synthesizer.synthesize("Hello again."))
            #expect(await synthesizer.connectionsOpened == 1)
            // The clear goes out beside the next utterance, not necessarily before it. Up to 20 s: the
            // fake saw it later than 5 s once, on a slow host busy with the whole suite.
            var cleared = false
            for _ in 0..<400 where !cleared {
                cleared = control.murfStreamMessages().contains { $0.contains(#""clear":true"#) }
                if !cleared { try await Task.sleep(for: .milliseconds(50)) }
            }
            #expect(cleared)
            await synthesizer.close()
        }
    }

    @Test func circuitOpensAfterRepeatedConnectFailures() async throws {
        try await withFakes { fakes, control in
            control.set(.murfStream, .failing(.serverError))
            let synthesizer = stream(fakes, breaker: CircuitBreaker(provider: "murf-stream", failureThreshold: 2))
            for _ in 0..<2 {
                await #expect(throws: ProviderError.self) { try await synthesizer.synthesize("Hello.") }
            }
            await #expect(throws: ProviderError.circuitOpen(provider: "murf-stream")) {
                try await synthesizer.synthesize("Hello.")
            }
            #expect(control.requests(.murfStream).count == 2)
            #expect(synthesizer.metrics.snapshot.failures["circuit_open"] == 1)
        }
    }
}
