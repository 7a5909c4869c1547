import Foundation
import Logging
import Testing
import TwilioSim

@Suite("Call flow")
struct CallFlowTests {
    static let token = "test-auth-token"

    @Test func menuGatherPostsDigitsToAction() async throws {
        try await withTwiMLServer(authToken: Self.token) { request in
            switch request.path {
            case "/voice":
                .twiml(
                    #"<Gather numDigits="1" action="/menu"><Say>Press 1 for an interview.</Say></Gather>"#
                        + "<Say>We did not hear you.</Say>")
            case "/menu" where request.parameter("Digits") == "1":
                .twiml("<Say>Starting your interview.</Say><Hangup/>")
            default:
                .notFound()
            }
        } test: { base, log in
            let report = try await placeCall(simConfiguration(base, token: Self.token), [.press("1")])
            #expect(report.isClean, "\(report.violations)")
            #expect(report.endedBy == .hangupVerb)
            #expect(report.heard == ["Press 1 for an interview.", "Starting your interview."])
            #expect(report.exchanges.map(\.purpose) == [.voice, .gatherAction])
            let requests = await log.requests
            #expect(requests.map(\.path) == ["/voice", "/menu"])
            #expect(requests.allSatisfy { $0.signatureValid == true })
            let first = requests[0]
            #expect(first.method == "POST")
            #expect(first.parameter("CallStatus") == "ringing")
            #expect(first.parameter("ApiVersion") == "2010-04-01")
            #expect(first.parameter("Direction") == "inbound")
            #expect(first.parameter("AccountSid") == "AC" + String(repeating: "a", count: 32))
            #expect(first.parameter("From") == "+14155550100")
            #expect(first.parameter("Caller") == "+14155550100")
            #expect(first.parameter("To") == "+14155550199")
            #expect(first.parameter("Called") == "+14155550199")
            #expect(first.parameter("FromCountry") == "US")
            #expect(first.parameter("Digits") == nil)
            let callSid = try #require(first.parameter("CallSid"))
            #expect(callSid.count == 34 && callSid.hasPrefix("CA") && callSid.dropFirst(2).allSatisfy(\.isHexDigit))
            #expect(report.callSid == callSid)
            let menu = requests[1]
            #expect(menu.parameter("CallStatus") == "in-progress")
            #expect(menu.parameter("CallSid") == callSid)
            #expect(menu.parameter("Digits") == "1")
            #expect(menu.parameter("FinishedOnKey") == "")
        }
    }

    @Test func finishKeyIsStrippedAndReported() async throws {
        try await withTwiMLServer { request in
            request.path == "/voice"
                ? .twiml(#"<Gather action="/pin"><Say>Enter your PIN then pound.</Say></Gather>"#)
                : .twiml("<Hangup/>")
        } test: { base, log in
            let report = try await placeCall(simConfiguration(base), [.press("4321#9")])
            #expect(report.isClean)
            let pin = try #require(await log.requests(to: "/pin").first)
            #expect(pin.parameter("Digits") == "4321")
            #expect(pin.parameter("FinishedOnKey") == "#")
        }
    }

    @Test func speechGatherPostsSpeechResultAndConfidence() async throws {
        try await withTwiMLServer { request in
            switch request.path {
            case "/voice":
                .twiml(
                    #"<Gather input="speech" speechTimeout="auto" action="/topic" hints="system design, behavioral">"#
                        + "<Say>Which topic?</Say></Gather>")
            default:
                .twiml("<Say>Great choice.</Say>")
            }
        } test: { base, log in
            let report = try await placeCall(simConfiguration(base), [.say("system design", confidence: 0.82)])
            #expect(report.isClean)
            #expect(report.endedBy == .documentEnded)
            let topic = try #require(await log.requests(to: "/topic").first)
            #expect(topic.parameter("SpeechResult") == "system design")
            #expect(topic.parameter("Confidence") == "0.82")
            #expect(topic.parameter("Digits") == nil)
        }
    }

    @Test func silenceFallsThroughToRedirect() async throws {
        try await withTwiMLServer { request in
            switch request.path {
            case "/voice":
                .twiml(
                    #"<Gather action="/menu" timeout="4"><Say>Press any key.</Say></Gather>"#
                        + "<Redirect>/goodbye</Redirect>")
            case "/goodbye":
                .twiml("<Say>Goodbye.</Say>")
            default:
                .notFound()
            }
        } test: { base, log in
            let report = try await placeCall(simConfiguration(base), [.silence])
            #expect(report.isClean)
            #expect(await log.requests.map(\.path) == ["/voice", "/goodbye"])
            #expect(report.exchanges.map(\.purpose) == [.voice, .redirect])
            #expect(report.heard == ["Press any key.", "Goodbye."])
            #expect(report.endedBy == .documentEnded)
            // "Press any key." (3 words at 2.5 words/s) then the 4 s timeout, then "Goodbye.".
            #expect(report.simulatedDuration >= .seconds(5.2))
        }
    }

    @Test func actionOnEmptyResultPostsWithoutInput() async throws {
        try await withTwiMLServer { request in
            request.path == "/voice"
                ? .twiml(#"<Gather action="/menu" actionOnEmptyResult="true"><Say>Press a key.</Say></Gather>"#)
                : .twiml("<Hangup/>")
        } test: { base, log in
            let report = try await placeCall(simConfiguration(base), [.silence])
            #expect(report.isClean)
            let menu = try #require(await log.requests(to: "/menu").first)
            #expect(menu.parameter("Digits") == nil)
            #expect(menu.parameter("SpeechResult") == nil)
        }
    }

    @Test func callerHangingUpAtGatherEndsTheCall() async throws {
        try await withTwiMLServer(authToken: Self.token) { request in
            switch request.path {
            case "/voice": .twiml(#"<Gather action="/menu"><Say>Press a key.</Say></Gather>"#)
            case "/status": .empty
            default: .notFound()
            }
        } test: { base, log in
            var configuration = simConfiguration(base, token: Self.token)
            configuration.statusCallbackURL = base.path("/status")
            let report = try await placeCall(configuration, [])
            #expect(report.isClean)
            #expect(report.endedBy == .callerHungUp)
            #expect(await log.requests.map(\.path) == ["/voice", "/status"])
            let status = try #require(await log.requests(to: "/status").first)
            #expect(status.signatureValid == true)
            #expect(status.parameter("CallStatus") == "completed")
            #expect(status.parameter("CallbackSource") == "call-progress-events")
            #expect(status.parameter("SequenceNumber") == "0")
            // "Press a key." takes 1.2 s, plus the webhook's latency (which a busy machine stretches).
            let seconds = Int((report.simulatedDuration / .seconds(1)).rounded())
            #expect(status.parameter("CallDuration") == String(seconds))
            #expect((1...5).contains(seconds))
            let timestamp = try #require(status.parameter("Timestamp"))
            #expect(
                timestamp.wholeMatch(of: /[A-Z][a-z]{2}, \d{2} [A-Z][a-z]{2} \d{4} \d{2}:\d{2}:\d{2} \+0000/) != nil)
            #expect(report.callbacks.map(\.purpose) == [.callStatusCallback])
        }
    }

    @Test func relativeURLsResolveAgainstTheCurrentDocument() async throws {
        try await withTwiMLServer { request in
            switch request.uri {
            case "/app/voice":
                .twiml(#"<Gather numDigits="1" action="menu"><Say>Choose.</Say></Gather>"#)
            case "/app/menu":
                .twiml("<Redirect>../other/next?step=2</Redirect>")
            case "/other/next?step=2" where request.parameter("Digits") == nil:
                // No action: the default is the current document's URL.
                .twiml(#"<Gather numDigits="2"><Say>Two digits.</Say></Gather>"#)
            case "/other/next?step=2":
                .twiml("<Hangup/>")
            default:
                .notFound()
            }
        } test: { base, log in
            let report = try await placeCall(simConfiguration(base, voice: "/app/voice"), [.press("1"), .press("42")])
            #expect(report.isClean, "\(report.violations)")
            #expect(report.endedBy == .hangupVerb)
            let requests = await log.requests
            #expect(requests.map(\.uri) == ["/app/voice", "/app/menu", "/other/next?step=2", "/other/next?step=2"])
            #expect(requests.last?.parameter("Digits") == "42")
        }
    }

    @Test func getMethodPutsParametersInTheSignedQuery() async throws {
        try await withTwiMLServer(authToken: Self.token) { request in
            switch request.path {
            case "/voice":
                .twiml(#"<Gather numDigits="1" action="/menu?lang=en" method="GET"><Say>Pick.</Say></Gather>"#)
            default: .twiml("<Hangup/>")
            }
        } test: { base, log in
            var configuration = simConfiguration(base, token: Self.token)
            configuration.voiceMethod = "GET"
            let report = try await placeCall(configuration, [.press("7")])
            #expect(report.isClean, "\(report.violations)")
            let requests = await log.requests
            #expect(requests.map(\.method) == ["GET", "GET"])
            #expect(requests.allSatisfy { $0.signatureValid == true })
            #expect(requests[0].parameter("CallStatus") == "ringing")
            #expect(requests[1].parameter("lang") == "en")
            #expect(requests[1].parameter("Digits") == "7")
            #expect(report.exchanges[1].url.contains("Digits=7"))
        }
    }

    @Test func redirectFromActionIsFollowedWithoutDigits() async throws {
        try await withTwiMLServer(authToken: Self.token) { request in
            switch request.path {
            case "/voice": .twiml(#"<Gather numDigits="1" action="/menu"><Say>Pick.</Say></Gather>"#)
            case "/menu": Reply(status: 303, contentType: nil, headers: [("Location", "/moved")])
            case "/moved": .twiml("<Say>Moved here.</Say>")
            default: .notFound()
            }
        } test: { base, log in
            let report = try await placeCall(simConfiguration(base, token: Self.token), [.press("3")])
            #expect(report.isClean, "\(report.violations)")
            #expect(report.heard.last == "Moved here.")
            let moved = try #require(await log.requests(to: "/moved").first)
            #expect(moved.method == "GET")
            #expect(moved.signatureValid == true)
            #expect(moved.parameter("Digits") == nil)
            #expect(moved.parameter("CallSid") == report.callSid)
            #expect(report.exchanges.map(\.purpose) == [.voice, .gatherAction, .redirectHop])
        }
    }

    @Test func playFetchesAudioOnceAndReportsItsDuration() async throws {
        try await withTwiMLServer(authToken: Self.token) { request in
            switch request.path {
            case "/voice":
                .twiml(#"<Play>/audio/tone.wav</Play><Play loop="2">/audio/tone.wav</Play><Hangup/>"#)
            case "/audio/tone.wav":
                .wav(seconds: 2.4, headers: [("Cache-Control", "max-age=3600")])
            default:
                .notFound()
            }
        } test: { base, log in
            let report = try await placeCall(simConfiguration(base, token: Self.token), [])
            #expect(report.isClean, "\(report.violations)")
            #expect(report.notes.isEmpty, "\(report.notes)")
            let label = "[audio \(base.absoluteString)/audio/tone.wav 2.4s]"
            #expect(report.heard == [label, label, label])
            let audio = await log.requests(to: "/audio/tone.wav")
            #expect(audio.count == 1)
            #expect(audio.first?.method == "GET")
            #expect(audio.first?.uri == "/audio/tone.wav")
            #expect(audio.first?.headers.contains { $0.0.lowercased() == "x-twilio-signature" } == false)
            #expect(report.simulatedDuration >= .seconds(7.2))
            let plays = report.timeline.compactMap { event -> AudioInfo? in
                if case .play(_, let info, _) = event.kind { info } else { nil }
            }
            #expect(plays.count == 3)
            #expect(plays.first?.telephonyReady == true)
            #expect(plays.first?.cacheControl == "max-age=3600")
            #expect(plays.map(\.fromCache) == [false, true, true])
        }
    }

    @Test func sayLoopAndPauseAdvanceSimulatedTime() async throws {
        try await withTwiMLServer { _ in
            .twiml(#"<Say loop="2" voice="Polly.Joanna">one two three four five</Say><Pause length="3"/>"#)
        } test: { base, _ in
            let report = try await placeCall(simConfiguration(base), [])
            #expect(report.isClean)
            #expect(report.heard == ["one two three four five", "one two three four five"])
            // 2 × (5 words / 2.5) + 3 s pause = 7 s, plus webhook latency.
            // Simulated time without the webhook's own latency is exact, however busy the machine.
            let latency = report.exchanges.reduce(Duration.zero) { $0 + $1.latency }
            #expect(report.simulatedDuration - latency >= .seconds(7))
            #expect(report.simulatedDuration - latency < .seconds(7.1))
            #expect(report.summary.contains("Webhooks: 1"))
        }
    }

    @Test func anonymousCallerHasNoCountry() async throws {
        try await withTwiMLServer { _ in
            .twiml("<Hangup/>")
        } test: { base, log in
            var logger = Logger(label: "test")
            logger.logLevel = .critical
            let sim = TwilioSim(configuration: simConfiguration(base), logger: logger)
            let report = try await sim.placeCall(caller: ScriptedCaller(steps: [], from: "anonymous"))
            #expect(report.isClean)
            let request = try #require(await log.requests.first)
            #expect(request.parameter("From") == "anonymous")
            #expect(request.parameter("FromCountry") == "")
        }
    }
}
