import Foundation
import Testing
import TwilioSim

@Suite("Record")
struct RecordTests {
    static let token = "record-test-token"

    static let interview =
        ##"<Say>Tell me about a project.</Say><Record action="/answer" maxLength="120" finishOnKey="#" timeout="3""##
        + #" recordingStatusCallback="/recording-status" transcribe="true" transcribeCallback="/transcription"/>"#

    @Test func recordActionAndBothCallbacksCarryExactParameters() async throws {
        try await withTwiMLServer(authToken: Self.token) { request in
            switch request.path {
            case "/voice": .twiml(Self.interview)
            case "/answer": .twiml("<Say>Thanks.</Say><Hangup/>")
            case "/recording-status", "/transcription", "/status": .empty
            default: .notFound()
            }
        } test: { base, log in
            var configuration = simConfiguration(base, token: Self.token)
            configuration.statusCallbackURL = base.path("/status")
            let text = "I rebuilt our scheduler so that batch jobs finish before the morning."
            let report = try await placeCall(configuration, [.answer(text, seconds: 45, end: .key("#"))])
            #expect(report.isClean, "\(report.violations)")
            #expect(report.endedBy == .hangupVerb)
            #expect(report.heard == ["Tell me about a project.", "Thanks."])

            let requests = await log.requests
            #expect(requests.allSatisfy { $0.signatureValid == true })
            let standard: Set<String> = [
                "AccountSid", "ApiVersion", "CallSid", "CallStatus", "Called", "CalledCity", "CalledCountry",
                "CalledState", "CalledZip", "Caller", "CallerCity", "CallerCountry", "CallerState", "CallerZip",
                "Direction", "From", "FromCity", "FromCountry", "FromState", "FromZip", "To", "ToCity", "ToCountry",
                "ToState", "ToZip",
            ]
            let answer = try #require(await log.requests(to: "/answer").first)
            #expect(
                answer.parameterNames
                    == standard.union(["RecordingUrl", "RecordingSid", "RecordingDuration", "Digits"]))
            let recordingSid = try #require(answer.parameter("RecordingSid"))
            #expect(recordingSid.hasPrefix("RE") && recordingSid.count == 34)
            let recordingURL =
                "https://api.twilio.com/2010-04-01/Accounts/\(configuration.accountSid)/Recordings/\(recordingSid)"
            #expect(answer.parameter("RecordingUrl") == recordingURL)
            #expect(answer.parameter("RecordingDuration") == "45")
            #expect(answer.parameter("Digits") == "#")
            #expect(answer.parameter("CallStatus") == "in-progress")

            let status = try #require(await log.requests(to: "/recording-status").first)
            #expect(
                status.parameterNames
                    == standard.union([
                        "RecordingSid", "RecordingUrl", "RecordingStatus", "RecordingDuration", "RecordingChannels",
                        "RecordingSource",
                    ]))
            #expect(status.parameter("RecordingSid") == recordingSid)
            #expect(status.parameter("RecordingUrl") == recordingURL)
            #expect(status.parameter("RecordingStatus") == "completed")
            #expect(status.parameter("RecordingDuration") == "45")
            #expect(status.parameter("RecordingChannels") == "1")
            #expect(status.parameter("RecordingSource") == "RecordVerb")

            let transcription = try #require(await log.requests(to: "/transcription").first)
            #expect(
                transcription.parameterNames
                    == standard.union([
                        "TranscriptionSid", "TranscriptionText", "TranscriptionStatus", "TranscriptionUrl",
                        "RecordingSid", "RecordingUrl",
                    ]))
            let transcriptionSid = try #require(transcription.parameter("TranscriptionSid"))
            #expect(transcriptionSid.hasPrefix("TR") && transcriptionSid.count == 34)
            #expect(transcription.parameter("TranscriptionText") == text)
            #expect(transcription.parameter("TranscriptionStatus") == "completed")
            #expect(
                transcription.parameter("TranscriptionUrl")
                    == "https://api.twilio.com/2010-04-01/Accounts/\(configuration.accountSid)/Transcriptions/\(transcriptionSid)"
            )
            #expect(transcription.parameter("RecordingSid") == recordingSid)
            #expect(transcription.parameter("RecordingUrl") == recordingURL)

            #expect(
                Set(report.callbacks.map(\.purpose)) == [
                    .recordingStatusCallback, .transcriptionCallback, .callStatusCallback,
                ])
            #expect(report.callbacks.allSatisfy { $0.status == 204 })

            // The caller's wait after the answer: straight into "Thanks." after the webhook.
            let wait = try #require(report.answerWaits.first)
            #expect(report.answerWaits.count == 1)
            #expect(report.exchanges[wait.exchangeIndex].purpose == .recordAction)
            let silence = try #require(wait.silenceAfterAnswer)
            #expect(silence >= wait.responseLatency)
            #expect(silence - wait.responseLatency < .milliseconds(50))
            // The beep, 45 s of answer, "Thanks." (0.8 s) and the prompt (2 s).
            #expect(report.simulatedDuration >= .seconds(48))
        }
    }

    @Test func silenceTimeoutIsDeadAirBeforeTheNextPrompt() async throws {
        try await withTwiMLServer { request in
            switch request.path {
            case "/voice": .twiml(#"<Record action="/answer" timeout="5"/>"#)
            default: .twiml("<Say>Next question.</Say>")
            }
        } test: { base, log in
            let report = try await placeCall(
                simConfiguration(base), [.answer("short answer", seconds: 10, end: .timeout)])
            #expect(report.isClean)
            let answer = try #require(await log.requests(to: "/answer").first)
            #expect(answer.parameter("Digits") == nil)
            #expect(answer.parameter("RecordingDuration") == "10")
            let wait = try #require(report.answerWaits.first)
            let silence = try #require(wait.silenceAfterAnswer)
            #expect(silence >= .seconds(5))
            #expect(silence - wait.responseLatency < .seconds(5.05))
        }
    }

    @Test func maxLengthCutsTheAnswer() async throws {
        try await withTwiMLServer { request in
            request.path == "/voice" ? .twiml(#"<Record action="/answer" maxLength="30"/>"#) : .twiml("<Hangup/>")
        } test: { base, log in
            let report = try await placeCall(
                simConfiguration(base), [.answer("a very long story", seconds: 90, end: .key("#"))])
            #expect(report.isClean)
            let answer = try #require(await log.requests(to: "/answer").first)
            #expect(answer.parameter("RecordingDuration") == "30")
            #expect(answer.parameter("Digits") == nil)
        }
    }

    @Test func hangUpDuringRecordPostsDigitsHangupAndEnds() async throws {
        try await withTwiMLServer(authToken: Self.token) { request in
            switch request.path {
            case "/voice": .twiml(Self.interview)
            case "/answer": .twiml("<Say>This is never heard.</Say>")
            case "/recording-status", "/transcription": .empty
            default: .notFound()
            }
        } test: { base, log in
            let report = try await placeCall(
                simConfiguration(base, token: Self.token), [.answer("I started by", seconds: 3.2, end: .hangUp)])
            #expect(report.isClean, "\(report.violations)")
            #expect(report.endedBy == .callerHungUp)
            #expect(!report.heard.contains("This is never heard."))
            #expect(report.exchanges.last?.purpose == .recordAction)
            let answer = try #require(await log.requests(to: "/answer").first)
            #expect(answer.signatureValid == true)
            #expect(answer.parameter("Digits") == "hangup")
            #expect(answer.parameter("CallStatus") == "completed")
            #expect(answer.parameter("RecordingDuration") == "3")
            // The recording outlives the call: its callbacks still arrive.
            #expect(await log.requests(to: "/recording-status").first?.parameter("CallStatus") == "completed")
            let transcription = try #require(await log.requests(to: "/transcription").first)
            #expect(transcription.parameter("TranscriptionStatus") == "completed")
        }
    }

    @Test func transcriptionFailsOutsideTwoToOneHundredTwentySeconds() async throws {
        try await withTwiMLServer { request in
            switch request.path {
            case "/voice", "/answer":
                .twiml(Self.interview.replacingOccurrences(of: #"maxLength="120""#, with: #"maxLength="600""#))
            default: .empty
            }
        } test: { base, log in
            let report = try await placeCall(
                simConfiguration(base),
                [
                    .answer("Yes.", seconds: 1, end: .key("#")),
                    .answer("A long story", seconds: 200, end: .key("#")),
                    .answer("", seconds: 5, end: .key("#")),
                    .answer("Just right.", seconds: 3, end: .key("#")),
                ])
            #expect(report.isClean, "\(report.violations)")
            let statuses = await log.requests(to: "/transcription").map { $0.parameter("TranscriptionStatus") ?? "?" }
            #expect(statuses.sorted() == ["completed", "failed", "failed", "failed"])
            let texts = await log.requests(to: "/transcription").compactMap { $0.parameter("TranscriptionText") }
            #expect(texts.sorted() == ["", "", "", "Just right."])
            #expect(report.endedBy == .callerHungUp)
        }
    }

    @Test func callbacksMayLandAfterTheCallEndsAndAreAwaited() async throws {
        try await withTwiMLServer { request in
            switch request.path {
            case "/voice": .twiml(Self.interview)
            case "/answer": .twiml("<Hangup/>")
            case "/transcription": Reply(status: 500, contentType: "text/plain")
            default: .empty
            }
        } test: { base, log in
            var configuration = simConfiguration(base)
            configuration.transcriptionDelay = .milliseconds(300)
            configuration.recordingStatusDelay = .milliseconds(100)
            let report = try await placeCall(configuration, [.answer("An answer of some length.", seconds: 12)])
            #expect(report.endedBy == .hangupVerb)
            #expect(await log.requests(to: "/transcription").count == 1)
            let transcription = try #require(report.callbacks.first { $0.purpose == .transcriptionCallback })
            let lastExchange = try #require(report.exchanges.last)
            #expect(transcription.wallStart > lastExchange.wallStart + .milliseconds(150))
            #expect(transcription.status == 500)
            // A failing callback does not disturb the call but is reported.
            #expect(report.violations.count == 1)
            #expect(report.violations.first?.contains("transcriptionCallback answered HTTP 500") == true)
        }
    }
}
