import CoachAudio
import CoachCore
import CoachServer
import CoachStore
import Foundation
import Testing
import TwilioSim
import TwilioSupport

/// Forwards the simulator's requests to whichever server is current, and restarts the server
/// (stop, then a new process-like instance on the same database file) right before the request
/// whose URL contains `trigger`: a restart between two webhooks of one call. Like a deployment that
/// drains, the old server stops once the requests already sent to it (a recording's callbacks, say)
/// are answered.
actor RestartingTransport: SimTransport {
    private let inner = HTTPClientTransport()
    private let originalBase: String
    private let trigger: String
    private var current: Task<TestLine, any Error>
    private(set) var restarted = false
    private var inFlight = 0
    private var drainWaiters: [CheckedContinuation<Void, Never>] = []

    init(line: TestLine, restartBefore trigger: String) {
        self.originalBase = line.baseURL
        self.trigger = trigger
        self.current = Task { line }
    }

    func line() async throws -> TestLine { try await current.value }

    func send(_ request: SimRequest) async throws -> SimResponse {
        if !restarted, request.url.contains(trigger) {
            restarted = true
            let previous = current
            current = Task {
                let old = try await previous.value
                await self.drained()
                try await old.stop()
                return try await TestLine.start(settings: old.settings, databasePath: old.databasePath)
            }
        }
        let line = try await current.value
        var request = request
        request.url = request.url.replacingOccurrences(of: originalBase, with: line.baseURL)
        inFlight += 1
        defer { finished() }
        return try await inner.send(request)
    }

    private func finished() {
        inFlight -= 1
        guard inFlight == 0 else { return }
        let waiting = drainWaiters
        drainWaiters = []
        for waiter in waiting { waiter.resume() }
    }

    /// Returns once no request is on its way to a server.
    private func drained() async {
        while inFlight > 0 { await withCheckedContinuation { drainWaiters.append($0) } }
    }
}

/// Maps a public https host onto the loopback server, like a tunnel does.
struct TunnelTransport: SimTransport {
    let publicBase: String
    let localBase: String
    let inner = HTTPClientTransport()

    func send(_ request: SimRequest) async throws -> SimResponse {
        var request = request
        request.url = request.url.replacingOccurrences(of: publicBase, with: localBase)
        return try await inner.send(request)
    }
}

@Suite struct ResilienceTests {
    @Test func restartBetweenWebhooksLosesNothing() async throws {
        let line = try await TestLine.start()
        let transport = RestartingTransport(line: line, restartBefore: "/webhook/response?q=2")
        let report = try await line.call(Moves.interview(), transport: transport)
        try await transport.line().stop()

        #expect(await transport.restarted)
        #expect(report.isClean, "\(report.violations)")
        #expect(report.questionsAsked == 5)
        #expect(report.exchanges(to: "/webhook/response").last?.endsWithHangup == true)
        let store = try await SQLStore.open(.sqliteFile(path: line.databasePath), logger: TestLine.quiet)
        let session = try #require(try await store.session(callSid: report.callSid))
        #expect(session.status == .completed)
        let answers = try await store.answers(sessionID: session.id)
        #expect(answers.map(\.number) == [1, 2, 3, 4, 5])
        #expect(Set(answers.map(\.question.id)).count == 5)
        try await store.shutdown()
    }

    @Test func signedCallsPassAndForgedRequestsAreRefused() async throws {
        let line = try await TestLine.start(settings: TestLine.settings { $0.twilioAuthToken = "12345" })
        let report = try await line.call([.press("2"), .hangUp])
        #expect(report.isClean, "\(report.violations)")
        #expect(report.exchanges.allSatisfy { $0.status == 200 })

        let hooks = Webhooks(baseURL: line.baseURL)
        let params = Webhooks.standard(callSid: Webhooks.newCallSid())
        let url = line.baseURL + "/webhook/voice"
        let good = TwilioSignature.compute(url: url, parameters: params, authToken: "12345")
        #expect(try await hooks.post("/webhook/voice", params, signature: good).status == 200)
        #expect(try await hooks.post("/webhook/voice", params).status == 403)
        let forged = TwilioSignature.compute(url: url, parameters: params, authToken: "wrong")
        #expect(try await hooks.post("/webhook/voice", params, signature: forged).status == 403)
        let tampered = params.map { $0.0 == "From" ? ("From", "+19999999999") : $0 }
        #expect(try await hooks.post("/webhook/voice", tampered, signature: good).status == 403)
        #expect(try await hooks.post("/webhook/status", params, signature: forged).status == 403)
        try await line.stop()
    }

    @Test func publicBaseURLMakesAbsoluteLinksAndIsWhatIsSigned() async throws {
        let publicBase = "https://coach.example.com"
        let line = try await TestLine.start(
            settings: TestLine.settings {
                $0.publicBaseURL = publicBase
                $0.twilioAuthToken = "secret-token"
            })
        let tunnel = TunnelTransport(publicBase: publicBase, localBase: line.baseURL)
        let report = try await line.call(
            [.press("1"), .answer(Moves.answers[0], seconds: 30, end: .key("#")), .hangUp], transport: tunnel
        ) { configuration in
            configuration.voiceURL = URL(string: publicBase + "/webhook/voice")!
            configuration.statusCallbackURL = URL(string: publicBase + "/webhook/status")!
        }
        try await line.stop()

        #expect(report.isClean, "\(report.violations)")
        #expect(report.exchanges.count >= 3)
        #expect(report.exchanges.allSatisfy { $0.url.hasPrefix(publicBase) })
        #expect(report.exchanges.allSatisfy { $0.status == 200 })
        let menu = try #require(report.exchanges.first)
        #expect(menu.body.contains(#"action="https://coach.example.com/webhook/menu?attempt=1""#))
    }

    @Test func errorsInsideWebhooksStillAnswerTwiML() async throws {
        let line = try await TestLine.start()
        let hooks = Webhooks(baseURL: line.baseURL)
        // No CallSid at all: the handler fails, the caller hears an apology and goes back to the menu.
        let broken = try await hooks.post("/webhook/menu", [("Digits", "1")])
        #expect(broken.status == 200)
        #expect(broken.header("Content-Type")?.hasPrefix("text/xml") == true)
        #expect(broken.text.contains("Sorry, something went wrong"))
        #expect(broken.text.contains("/webhook/voice?resume=1"))
        // An answer for an interview that does not exist.
        let stray = try await hooks.post("/webhook/response?q=3", Webhooks.standard(callSid: Webhooks.newCallSid()))
        #expect(stray.status == 200)
        #expect(stray.text.contains("<Gather"))
        // Twilio's fallback URL recovers once, then ends politely instead of looping.
        let fallback = try await hooks.post(
            "/webhook/fallback",
            Webhooks.standard(callSid: Webhooks.newCallSid()) + [("ErrorCode", "11200"), ("ErrorUrl", "/x")])
        #expect(fallback.text.contains("<Redirect"))
        let second = try await hooks.post(
            "/webhook/fallback",
            Webhooks.standard(callSid: Webhooks.newCallSid()) + [
                ("ErrorCode", "11200"), ("ErrorUrl", line.baseURL + "/webhook/voice?resume=1"),
            ])
        #expect(second.text.contains("<Hangup/>"))
        try await line.stop()
    }

    @Test func statusEventsAreIdempotentAndOrderFree() async throws {
        let line = try await TestLine.start()
        let hooks = Webhooks(baseURL: line.baseURL)
        let sid = Webhooks.newCallSid()
        let params = Webhooks.standard(callSid: sid)
        _ = try await hooks.post("/webhook/voice", params)
        _ = try await hooks.post("/start-interview", params)
        func status(_ value: String, _ sequence: Int) async throws -> Int {
            let event =
                params.filter { $0.0 != "CallStatus" } + [
                    ("CallStatus", value), ("SequenceNumber", String(sequence)),
                    ("CallbackSource", "call-progress-events"),
                ]
            return try await hooks.post("/webhook/status", event).status
        }
        #expect(try await status("completed", 3) == 204)
        #expect(try await status("ringing", 0) == 204)  // late, out of order
        #expect(try await status("completed", 3) == 204)  // duplicate
        #expect(try await hooks.post("/webhook/status", [("Junk", "1")]).status == 204)
        #expect(try await line.store.call(callSid: sid)?.status == "completed")
        let session = try #require(try await line.store.session(callSid: sid))
        #expect(session.status == .abandoned)
        try await line.stop()
    }

    @Test func aStatusCallbackBeforeTheVoiceWebhookLosesNotTheCaller() async throws {
        let line = try await TestLine.start()
        let hooks = Webhooks(baseURL: line.baseURL)
        let sid = Webhooks.newCallSid()
        let params = Webhooks.standard(callSid: sid, from: "+14155550199")
        let ringing =
            params.filter { $0.0 != "CallStatus" } + [("CallStatus", "ringing"), ("SequenceNumber", "0")]
        #expect(try await hooks.post("/webhook/status", ringing).status == 204)
        #expect(try await line.store.call(callSid: sid)?.caller == .known("+14155550199"))
        // Even a callback without the number (a proxy dropped it) leaves the voice webhook to fill it in.
        let other = Webhooks.newCallSid()
        let bare = [("CallSid", other), ("CallStatus", "ringing"), ("SequenceNumber", "0")]
        #expect(try await hooks.post("/webhook/status", bare).status == 204)
        _ = try await hooks.post("/webhook/voice", Webhooks.standard(callSid: other, from: "+14155550198"))
        _ = try await hooks.post(
            "/webhook/menu", Webhooks.standard(callSid: other, from: "+14155550198") + [("Digits", "1")])
        let session = try #require(try await line.store.session(callSid: other))
        #expect(session.caller == .known("+14155550198"), "the interview is the caller's, for their progress")
        try await line.stop()
    }

    @Test func transcriptArrivingAfterTheCallAttachesToItsAnswer() async throws {
        let line = try await TestLine.start()
        let report = try await line.call(Moves.interview()) { $0.transcriptionDelay = .milliseconds(500) }
        let session = try #require(try await line.store.session(callSid: report.callSid))
        let answers = try await line.store.answers(sessionID: session.id)
        for (answer, text) in zip(answers, Moves.answers) {
            let sid = try #require(answer.recordingSid)
            #expect(try await line.store.recording(sid: sid)?.transcript == text)
        }
        #expect(session.status == .completed)
        #expect(try await line.store.analyses(sessionID: session.id).count == 5)
        try await line.stop()
    }

    @Test func audioIsServedByContentKeyOnly() async throws {
        let line = try await TestLine.start()
        let wav = WAVAudio.telephony(muLawBytes: MuLaw.encode(ToneGenerator.tone(frequency: 440, seconds: 0.5)))
            .encoded()
        let key = AudioLibrary.key(voice: "test", text: "hello")
        // The first half of SHA-256("test\nhello") in lowercase hex: keys of stored audio never change.
        #expect(key == "45253e1e24e4fccefdd695e06e94a05c")
        try await line.store.saveAudio(AudioClip(key: key, contentType: "audio/wav", bytes: wav))
        let hooks = Webhooks(baseURL: line.baseURL)
        let found = try await hooks.get("/audio/\(key).wav")
        #expect(found.status == 200)
        #expect(found.header("Content-Type") == "audio/wav")
        #expect(found.header("Cache-Control")?.contains("immutable") == true)
        #expect(try WAVAudio.parse(Data(found.body)).isTelephonyReady)
        #expect(try await hooks.get("/audio/\(String(repeating: "0", count: 32)).wav").status == 404)
        #expect(try await hooks.get("/audio/..%2F..%2Fetc%2Fpasswd").status == 404)
        #expect(try await hooks.get("/audio/\(key).mp3").status == 404)
        #expect(try await hooks.get("/health").status == 200)
        #expect(try await hooks.get("/ready").text == "ready\n")
        try await line.stop()
    }
}
