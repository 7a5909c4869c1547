import Foundation
import Testing
import TwilioSim

/// Webhook failures: what Twilio calls application errors, fallbacks, and the loop guards.
@Suite("Failures and limits")
struct FailureTests {
    @Test func slowWebhookWithoutFallbackEndsTheCall() async throws {
        try await withTwiMLServer { request in
            var reply = Reply.twiml("<Say>Too late.</Say>")
            reply.delay = .seconds(12)
            return reply
        } test: { base, _ in
            var configuration = simConfiguration(base)
            configuration.webhookTimeLimit = .seconds(1)
            let started = ContinuousClock.now
            let report = try await placeCall(configuration, [])
            // Gave up at the limit instead of waiting for the 12 s reply (a generous bound: a machine busy
            // with the whole suite has stalled this test for several seconds).
            #expect(ContinuousClock.now - started < .seconds(8))
            #expect(report.endedBy == .applicationError)
            #expect(report.heard.isEmpty)
            #expect(report.violations.count == 1)
            #expect(report.violations.first?.contains("[11205]") == true)
            #expect(report.exchanges.first?.status == nil)
            #expect(report.exchanges.first?.error?.contains("11205") == true)
        }
    }

    @Test func slowWebhookWithFallbackContinuesWithFallbackTwiML() async throws {
        try await withTwiMLServer(authToken: "fallback-token") { request in
            switch request.path {
            case "/voice":
                var reply = Reply.twiml("<Say>Too late.</Say>")
                reply.delay = .seconds(10)
                return reply
            case "/fallback":
                return .twiml("<Say>Sorry, something went wrong.</Say><Hangup/>")
            default:
                return .notFound()
            }
        } test: { base, log in
            var configuration = simConfiguration(base, token: "fallback-token")
            // Long enough for the fallback to answer on a machine busy with the whole suite (1 s was not).
            configuration.webhookTimeLimit = .seconds(4)
            configuration.fallbackURL = base.path("/fallback")
            let report = try await placeCall(configuration, [])
            #expect(report.endedBy == .hangupVerb)
            #expect(report.heard == ["Sorry, something went wrong."])
            #expect(!report.isClean)
            #expect(report.violations.first?.contains("[11205]") == true)
            #expect(report.exchanges.map(\.purpose) == [.voice, .fallback])
            let fallback = try #require(await log.requests(to: "/fallback").first)
            #expect(fallback.signatureValid == true)
            #expect(fallback.parameter("ErrorCode") == "11205")
            #expect(fallback.parameter("ErrorUrl") == base.path("/voice").absoluteString)
            #expect(fallback.parameter("CallSid") == report.callSid)
        }
    }

    @Test func serverErrorOnActionUsesFallbackWithCode11200() async throws {
        try await withTwiMLServer { request in
            switch request.path {
            case "/voice": .twiml(#"<Gather numDigits="1" action="/menu"><Say>Pick.</Say></Gather>"#)
            case "/menu": .raw("boom", contentType: "text/plain", status: 500)
            case "/fallback": .twiml("<Say>Fallback.</Say>")
            default: .notFound()
            }
        } test: { base, log in
            var configuration = simConfiguration(base)
            configuration.fallbackURL = base.path("/fallback")
            let report = try await placeCall(configuration, [.press("1")])
            #expect(report.heard == ["Pick.", "Fallback."])
            #expect(report.violations.count == 1)
            #expect(report.violations.first?.contains("[11200] HTTP 500") == true)
            let fallback = try #require(await log.requests(to: "/fallback").first)
            #expect(fallback.parameter("ErrorCode") == "11200")
            #expect(fallback.parameter("ErrorUrl") == base.path("/menu").absoluteString)
            #expect(fallback.parameter("CallStatus") == "in-progress")
        }
    }

    @Test func slowRecordActionStillCountsAsTheCallersWait() async throws {
        try await withTwiMLServer { request in
            switch request.path {
            case "/voice": return .twiml(#"<Record action="/answer" timeout="2"/>"#)
            case "/answer":
                var reply = Reply.twiml("<Say>Too late.</Say>")
                reply.delay = .seconds(10)
                return reply
            default: return .twiml("<Say>Sorry.</Say>")
            }
        } test: { base, _ in
            var configuration = simConfiguration(base)
            // Generous enough that /voice never trips it on a loaded machine (2 s once did in CI).
            configuration.webhookTimeLimit = .seconds(5)
            configuration.fallbackURL = base.path("/fallback")
            let report = try await placeCall(configuration, [.answer("My answer", seconds: 4, end: .key("#"))])
            #expect(report.heard == ["Sorry."])
            let wait = try #require(report.answerWaits.first)
            #expect(report.answerWaits.count == 1)
            #expect(wait.responseLatency >= .seconds(5))
            #expect(try #require(wait.silenceAfterAnswer) >= .seconds(5))
            #expect(report.summary.contains("silence before next audio"))
        }
    }

    @Test func failingFallbackEndsWithApplicationError() async throws {
        try await withTwiMLServer { request in
            .raw("<Response/>", contentType: "text/plain")
        } test: { base, _ in
            var configuration = simConfiguration(base)
            configuration.fallbackURL = base.path("/fallback")
            let report = try await placeCall(configuration, [])
            #expect(report.endedBy == .applicationError)
            #expect(report.exchanges.map(\.purpose) == [.voice, .fallback])
            #expect(report.violations.count == 2)
        }
    }

    @Test func connectionRefusedIsATransportFailure() async throws {
        var configuration = SimConfiguration(voiceURL: try #require(URL(string: "http://127.0.0.1:1/voice")))
        configuration.webhookTimeLimit = .seconds(5)
        let report = try await placeCall(configuration, [])
        #expect(report.endedBy == .applicationError)
        #expect(report.violations.first?.contains("[11200] HTTP retrieval failure") == true)
    }

    @Test func redirectLoopHitsTheWebhookLimit() async throws {
        try await withTwiMLServer { _ in
            .twiml("<Redirect>/voice</Redirect>")
        } test: { base, log in
            var configuration = simConfiguration(base)
            configuration.maxWebhooks = 20
            let report = try await placeCall(configuration, [])
            #expect(report.endedBy == .limitExceeded)
            #expect(report.exchanges.count == 20)
            #expect(await log.requests.count == 20)
            #expect(report.violations.contains { $0.contains("more than 20 webhooks") })
        }
    }

    @Test func simulatedTimeLimitEndsALongCall() async throws {
        try await withTwiMLServer { _ in
            .twiml(#"<Pause length="100"/><Redirect>/voice</Redirect>"#)
        } test: { base, _ in
            var configuration = simConfiguration(base)
            configuration.maxSimulatedDuration = .seconds(250)
            let report = try await placeCall(configuration, [])
            #expect(report.endedBy == .limitExceeded)
            #expect(report.exchanges.count == 3)
            #expect(report.violations.contains { $0.contains("simulated time") })
        }
    }

    @Test func timeScaleMakesTheCallerWait() async throws {
        try await withTwiMLServer { _ in
            .twiml(#"<Pause length="2"/>"#)
        } test: { base, _ in
            var configuration = simConfiguration(base)
            configuration.timeScale = 0.1
            let started = ContinuousClock.now
            let report = try await placeCall(configuration, [])
            #expect(ContinuousClock.now - started >= .milliseconds(200))
            #expect(report.simulatedDuration >= .seconds(2))
        }
    }

    @Test func invalidConfigurationThrows() async throws {
        let configuration = SimConfiguration(voiceURL: try #require(URL(string: "ftp://example.com/voice")))
        await #expect(throws: TwilioSimError.self) {
            try await TwilioSim(configuration: configuration).placeCall(caller: ScriptedCaller(steps: []))
        }
    }
}
