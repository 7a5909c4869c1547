import CoachAudio
import CoachFakes
import Foundation
import Testing

/// The HTTP services, each driven with a request that succeeds when no failure is configured.
let httpServices: [FakeService] = [.openAIChat, .openAITranscription, .openAISpeech, .murfGenerate, .twilioMedia]
let statusFailures: [FakeFailure] = [
    .badRequest, .unauthorized, .paymentRequired, .forbidden, .notReady, .rateLimited, .serverError, .unavailable,
    .insufficientQuota,
]

func validRequest(_ service: FakeService, _ fakes: RunningFakes, _ control: FakeControl) async throws -> Fetched {
    switch service {
    case .openAIChat:
        return try await chat(fakes, chatBody([("user", "Role: teacher\nhello")]))
    case .openAITranscription:
        control.addRecording(sid: "RE1", text: "I led the project.", seconds: 1)
        return try await transcribe(fakes, audio: [UInt8](control.recordingAudio(sid: "RE1")!))
    case .openAISpeech:
        return try await postJSON(
            fakes.openAIBaseURL + "/audio/speech",
            ["model": "tts-1", "input": "Hello there friend", "voice": "alloy", "response_format": "wav"],
            headers: openAIAuth)
    case .murfGenerate:
        return try await postJSON(
            fakes.murfBaseURL + "/v1/speech/generate",
            ["text": "Hello there friend", "voiceId": "en-US-natalie", "format": "WAV", "sampleRate": 24000],
            headers: murfAuth)
    case .twilioMedia:
        control.addRecording(sid: "RE1", text: "I led the project.", seconds: 1)
        return try await fetch(fakes.twilioAPIBaseURL + "/2010-04-01/Accounts/AC1/Recordings/RE1.wav")
    case .murfStream:
        throw TestFailure("not an HTTP service")
    }
}

/// Whether the body has the vendor's error shape for this status.
func hasVendorErrorShape(_ service: FakeService, _ reply: Fetched) throws -> Bool {
    let json = try reply.json()
    switch service {
    case .openAIChat, .openAITranscription, .openAISpeech:
        guard let error = json["error"] as? [String: Any] else { return false }
        return error["message"] is String && error["type"] is String && error.keys.contains("param")
            && error.keys.contains("code")
    case .murfGenerate:
        return json["errorMessage"] is String && json["errorCode"] as? Int == reply.status
    case .twilioMedia:
        return json["code"] is Int && json["message"] is String && json["status"] as? Int == reply.status
    case .murfStream:
        return false
    }
}

/// The audio services answer audio, not JSON; their bad bodies are bad audio.
func bodyIsUsable(_ service: FakeService, _ reply: Fetched) -> Bool {
    switch service {
    case .openAISpeech, .twilioMedia: (try? WAVAudio.parse(Data(reply.body))) != nil
    default: reply.isJSON
    }
}

@Suite("Failure knobs on every HTTP service", .timeLimit(.minutes(1)))
struct FailureTests {
    @Test(arguments: httpServices, statusFailures)
    func statusFailureHasVendorShape(service: FakeService, failure: FakeFailure) async throws {
        try await withFakes { fakes, control in
            control.set(service, .failing(failure, retryAfterSeconds: 2))
            let reply = try await validRequest(service, fakes, control)
            let expected = service == .murfGenerate && failure == .insufficientQuota ? 402 : failure.httpStatus
            #expect(reply.status == expected)
            #expect(try hasVendorErrorShape(service, reply), "\(reply.text)")
            if reply.status == 429 || reply.status == 503 {
                #expect(reply.header("Retry-After") == "2")
                #expect(reply.header("retry-after-ms") == "2000")
            }
            if [.openAIChat, .openAITranscription, .openAISpeech].contains(service) {
                #expect(reply.header("x-request-id") != nil)
                #expect(reply.header("x-ratelimit-remaining-requests") != nil)
                if failure == .insufficientQuota {
                    let error = try #require(try reply.json()["error"] as? [String: Any])
                    #expect(error["code"] as? String == "insufficient_quota")
                    #expect(error["type"] as? String == "insufficient_quota")
                }
            }
            if service == .twilioMedia, failure == .unauthorized {
                #expect(reply.header("WWW-Authenticate")?.hasPrefix("Basic") == true)
            }
            #expect(control.requests(service).count == 1)
        }
    }

    @Test(arguments: httpServices)
    func happyPathBodyIsUsable(service: FakeService) async throws {
        try await withFakes { fakes, control in
            let reply = try await validRequest(service, fakes, control)
            #expect(reply.status == 200)
            #expect(bodyIsUsable(service, reply))
        }
    }

    @Test(arguments: httpServices)
    func malformedBodyIsNotUsable(service: FakeService) async throws {
        try await withFakes { fakes, control in
            control.set(service, .failing(.malformedJSON))
            let reply = try await validRequest(service, fakes, control)
            #expect(reply.status == 200)
            #expect(!reply.body.isEmpty)
            #expect(!bodyIsUsable(service, reply))
        }
    }

    @Test(arguments: httpServices)
    func truncatedBodyIsNotUsable(service: FakeService) async throws {
        try await withFakes { fakes, control in
            control.set(service, .failing(.truncatedBody))
            let reply = try await validRequest(service, fakes, control)
            #expect(reply.status == 200)
            #expect(!reply.body.isEmpty)
            #expect(!bodyIsUsable(service, reply))
            #expect(reply.header("Content-Length") == String(reply.body.count))
        }
    }

    @Test(arguments: httpServices)
    func failTimesThenSuccess(service: FakeService) async throws {
        try await withFakes { fakes, control in
            var statuses: [Int] = []
            control.set(service, .failing(.serverError, times: 2))
            for _ in 0..<4 {
                statuses.append(try await validRequest(service, fakes, control).status)
            }
            // Setting the behavior again restarts the count.
            control.set(service, .failing(.serverError, times: 1))
            for _ in 0..<2 {
                statuses.append(try await validRequest(service, fakes, control).status)
            }
            #expect(statuses == [500, 500, 200, 200, 500, 200])
        }
    }

    @Test(arguments: httpServices)
    func latencyIsHonoured(service: FakeService) async throws {
        try await withFakes { fakes, control in
            control.set(service, FakeBehavior(minLatency: 0.3, maxLatency: 0.4))
            let reply = try await validRequest(service, fakes, control)
            #expect(reply.status == 200)
            #expect(reply.elapsed >= .milliseconds(300))
        }
    }

    @Test func failuresThatDoNotApplyAreIgnoredAndNotCounted() async throws {
        try await withFakes { fakes, control in
            control.setAll(.failing(.refusal, times: 1))
            #expect(try await validRequest(.murfGenerate, fakes, control).status == 200)
            let reply = try await validRequest(.openAIChat, fakes, control)
            #expect(try assistantMessage(reply)["refusal"] as? String == "I can't help with that.")
        }
    }

    @Test func missingKeysAreRejected() async throws {
        try await withFakes { fakes, _ in
            let openAI = try await chat(fakes, chatBody([("user", "hi")]), headers: [("Authorization", "Bearer ")])
            #expect(openAI.status == 401)
            let error = try #require(try openAI.json()["error"] as? [String: Any])
            #expect(error["code"] as? String == "invalid_api_key")
            #expect(error["type"] as? String == "invalid_request_error")
            #expect(error["param"] is NSNull)
            #expect(openAI.header("x-request-id") != nil)

            let murf = try await postJSON(
                fakes.murfBaseURL + "/v1/speech/generate", ["text": "hi", "voiceId": "v"], headers: [])
            #expect(murf.status == 403)
            #expect(try murf.json()["errorMessage"] as? String == "Invalid api key")
            #expect(try murf.json()["errorCode"] as? Int == 403)
        }
    }
}
