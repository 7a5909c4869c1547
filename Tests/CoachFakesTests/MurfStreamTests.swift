import CoachAudio
import CoachFakes
import Foundation
import HTTPTypes
import HummingbirdWSClient
import Testing

/// Connects, sends `messages`, and reads until `done` says so (or the server closes); returns what arrived.
func murfExchange(
    _ url: String,
    apiKey: String? = "murf-test-key",
    messages: [String],
    into received: Received = Received(),
    done: @escaping @Sendable (Received) -> Bool
) async throws -> Received {
    var configuration = WebSocketClientConfiguration()
    if let apiKey {
        configuration.additionalHeaders[HTTPField.Name("api-key")!] = apiKey
    }
    try await WebSocketClient.connect(url: url, configuration: configuration, logger: testLogger) {
        inbound, outbound, _ in
        for message in messages {
            try await outbound.write(.text(message))
        }
        for try await message in inbound.messages(maxSize: 1 << 20) {
            if case .text(let text) = message { received.append(text) }
            if done(received) { return }
        }
    }
    return received
}

func voiceConfig(_ context: String, cookbook: Bool = false) -> String {
    cookbook
        ? jsonText(["voiceId": "en-US-natalie", "context_id": context])
        : jsonText([
            "voice_config": ["voice_id": "en-US-natalie", "style": "Conversational", "rate": 0, "pitch": 0],
            "context_id": context,
        ])
}

func textMessage(_ context: String, _ text: String, end: Bool = false) -> String {
    jsonText(["text": text, "context_id": context, "end": end])
}

func endMessage(_ context: String) -> String {
    jsonText(["context_id": context, "end": true])
}

@Suite("Murf WebSocket fake", .timeLimit(.minutes(1)))
struct MurfStreamTests {
    @Test func wavUtteranceArrivesInChunksThenFinal() async throws {
        try await withFakes { fakes, control in
            let url = fakes.murfStreamURL + "?model=FALCON&sample_rate=24000&channel_type=MONO&format=WAV"
            let received = try await murfExchange(
                url,
                messages: [
                    voiceConfig("q1"), textMessage("q1", "Tell me about "),
                    textMessage("q1", "a time you led a team."), endMessage("q1"),
                ]
            ) { $0.finished(context: "q1") }
            #expect(received.chunkCount(context: "q1") >= 3)
            let audio = received.audio(context: "q1")
            #expect(Array(audio.prefix(4)) == Array("RIFF".utf8))
            let wav = try WAVAudio.parse(Data(audio))
            #expect(wav.sampleRate == 24_000)
            #expect(wav.encoding == .pcm16)
            #expect(wav.durationSeconds == 3.6)  // 9 words at 2.5 a second
            // One connection logged, with its query; every client message recorded.
            let logged = control.requests(.murfStream)
            #expect(logged.count == 1)
            #expect(logged.first?.query?.contains("format=WAV") == true)
            #expect(logged.first?.header("api-key") == "murf-test-key")
            #expect(control.murfStreamMessages().count == 4)
        }
    }

    @Test func cookbookSpellingAndRawULaw() async throws {
        try await withFakes { fakes, control in
            control.murfUsesCookbookSpelling = true
            let url = fakes.murfStreamURL + "?sample_rate=8000&channel_type=MONO&format=ULAW&api-key=query-key"
            let received = try await murfExchange(
                url, apiKey: nil,
                messages: [voiceConfig("q1", cookbook: true), textMessage("q1", "One two three four five", end: true)]
            ) { $0.finished(context: "q1", key: "isFinalAudio") }
            #expect(!received.finished(context: "q1"))
            #expect(received.chunkCount(context: "q1") >= 3)
            let audio = received.audio(context: "q1")
            #expect(audio.count == 16_000)  // 2 s of 8 kHz mu-law, no header
            #expect(MuLaw.decode(audio).contains { $0 > 5000 })
        }
    }

    @Test func twoContextsOnOneConnection() async throws {
        try await withFakes { fakes, control in
            control.set(.murfStream, FakeBehavior(minLatency: 0.05, maxLatency: 0.05))
            let url = fakes.murfStreamURL + "?sample_rate=8000&format=PCM"
            let received = try await murfExchange(
                url,
                messages: [
                    voiceConfig("q1"), voiceConfig("q2"), textMessage("q1", "one two three four five"),
                    textMessage("q2", "one two three four five six seven eight nine ten"), endMessage("q1"),
                    endMessage("q2"),
                ]
            ) { $0.finished(context: "q1") && $0.finished(context: "q2") }
            #expect(received.audio(context: "q1").count == 8000 * 2 * 2)
            #expect(received.audio(context: "q2").count == 8000 * 2 * 4)
            #expect(control.requests(.murfStream).count == 1)
        }
    }

    @Test func connectionStaysOpenBetweenUtterances() async throws {
        try await withFakes { fakes, _ in
            let url = fakes.murfStreamURL + "?format=WAV"
            let received = Received()
            var configuration = WebSocketClientConfiguration()
            configuration.additionalHeaders[HTTPField.Name("api-key")!] = "k"
            try await WebSocketClient.connect(url: url, configuration: configuration, logger: testLogger) {
                inbound, outbound, _ in
                var iterator = inbound.messages(maxSize: 1 << 20).makeAsyncIterator()
                for context in ["q1", "q2"] {
                    try await outbound.write(.text(textMessage(context, "Hello there", end: true)))
                    while let message = try await iterator.next() {
                        if case .text(let text) = message { received.append(text) }
                        if received.finished(context: context) { break }
                    }
                }
            }
            #expect(received.finished(context: "q1") && received.finished(context: "q2"))
        }
    }

    @Test func clearDropsTheContext() async throws {
        try await withFakes { fakes, control in
            control.set(.murfStream, FakeBehavior(minLatency: 0.3, maxLatency: 0.3))
            let url = fakes.murfStreamURL + "?format=WAV"
            let received = try await murfExchange(
                url,
                messages: [
                    textMessage("q1", "This one is cancelled", end: true),
                    textMessage("q2", "This one is heard", end: true),
                    jsonText(["clear": true, "context_id": "q1"]),
                ]
            ) { $0.finished(context: "q2") }
            // Wait past q1's latency: nothing may arrive for it.
            try await Task.sleep(for: .milliseconds(400))
            #expect(received.chunkCount(context: "q1") == 0)
            #expect(!received.finished(context: "q1"))
            #expect(received.chunkCount(context: "q2") >= 3)
        }
    }

    @Test func droppedStreamClosesAfterFirstChunk() async throws {
        try await withFakes { fakes, control in
            control.set(.murfStream, .failing(.droppedStream, times: 1))
            let url = fakes.murfStreamURL + "?format=WAV"
            // Read until the server goes away; an abrupt close may surface as an error, which is the point.
            let dropped = Received()
            _ = try? await murfExchange(
                url, messages: [textMessage("q1", "A long sentence of many words", end: true)], into: dropped
            ) { _ in false }
            #expect(dropped.chunkCount(context: "q1") == 1)
            #expect(!dropped.finished(context: "q1"))

            // failTimes 1: the next connection behaves.
            let healthy = try await murfExchange(url, messages: [textMessage("q1", "Whole", end: true)]) {
                $0.finished(context: "q1")
            }
            #expect(healthy.finished(context: "q1"))
            #expect(control.requests(.murfStream).count == 2)
        }
    }

    @Test func missingKeyGetsAnErrorMessage() async throws {
        try await withFakes { fakes, _ in
            let received = try await murfExchange(fakes.murfStreamURL, apiKey: nil, messages: []) { _ in false }
            #expect(received.objects.first?["error"] as? String == "Invalid api key")
        }
    }

    @Test func missingKeyAfterFirstMessage() async throws {
        try await withFakes { fakes, _ in
            let received = try await murfExchange(
                fakes.murfStreamURL, apiKey: nil, messages: [voiceConfig("q1")]
            ) { _ in false }
            #expect(received.objects.map { $0["error"] as? String } == ["Invalid api key"])
        }
    }

    @Test func statusFailureRefusesTheUpgrade() async throws {
        try await withFakes { fakes, control in
            control.set(.murfStream, .failing(.unavailable, times: 1))
            await #expect(throws: WebSocketClientError.webSocketUpgradeFailed) {
                _ = try await murfExchange(fakes.murfStreamURL, messages: []) { _ in true }
            }
            let healthy = try await murfExchange(
                fakes.murfStreamURL, messages: [textMessage("q1", "Hello", end: true)]
            ) { $0.finished(context: "q1") }
            #expect(healthy.finished(context: "q1"))
            #expect(control.requests(.murfStream).count == 2)
        }
    }

    @Test(arguments: [FakeFailure.rateLimited, .unavailable, .insufficientQuota, .serverError, .forbidden])
    func statusFailureIsReportedOnTheSocket(failure: FakeFailure) async throws {
        try await withFakes { fakes, control in
            control.murfStreamFailuresAsMessages = true
            control.set(.murfStream, .failing(failure, times: 1))
            let refused = try await murfExchange(
                fakes.murfStreamURL, messages: [textMessage("q1", "Hello", end: true)]
            ) { _ in false }
            let error = try #require(refused.objects.first)
            #expect(error["error"] is String)
            #expect(error["code"] as? Int == (failure == .insufficientQuota ? 402 : failure.httpStatus))
            #expect(refused.chunkCount(context: "q1") == 0)

            let healthy = try await murfExchange(
                fakes.murfStreamURL, messages: [textMessage("q1", "Hello", end: true)]
            ) { $0.finished(context: "q1") }
            #expect(healthy.finished(context: "q1"))
            #expect(control.requests(.murfStream).count == 2)
        }
    }

    @Test func plainGetIsNotAnUpgrade() async throws {
        try await withFakes { fakes, _ in
            let plain = try await fetch(fakes.baseURL + "/v1/speech/stream-input")
            #expect(plain.status == 426)
        }
    }

    @Test func latencyDelaysTheFirstChunk() async throws {
        try await withFakes { fakes, control in
            control.set(.murfStream, FakeBehavior(minLatency: 0.3, maxLatency: 0.35))
            let clock = ContinuousClock()
            let start = clock.now
            let received = try await murfExchange(
                fakes.murfStreamURL, messages: [textMessage("q1", "Hello", end: true)]
            ) { $0.chunkCount(context: "q1") > 0 }
            #expect(clock.now - start >= .milliseconds(300))
            #expect(received.chunkCount(context: "q1") == 1)
        }
    }

    @Test func malformedAndTruncatedMessages() async throws {
        try await withFakes { fakes, control in
            control.set(.murfStream, .failing(.malformedJSON))
            let malformed = try await murfExchange(
                fakes.murfStreamURL, messages: [textMessage("q1", "Hello", end: true)]
            ) { $0.all.count == 1 }
            #expect(malformed.objects.first?["unparsed"] != nil)

            control.set(.murfStream, .failing(.truncatedBody))
            let truncated = try await murfExchange(
                fakes.murfStreamURL, messages: [textMessage("q1", "Hello", end: true)]
            ) { $0.all.count >= 1 }
            #expect(truncated.objects.first?["unparsed"] != nil)
        }
    }
}
