import Foundation
import Logging
import TwilioSupport

/// Runs one call: fetches TwiML, executes its verbs against the caller, follows actions and
/// redirects, fires callbacks, and records everything for the report.
actor CallRunner {
    /// A TwiML document to fetch next.
    private struct DocumentRequest {
        var url: String
        var method: String
        var extra: [(String, String)]
        var purpose: WebhookExchange.Purpose
        /// For Record actions: when the caller stopped talking (simulated), to measure their wait.
        var answerEnd: Duration?
    }

    /// A fetched document ready to run.
    private struct LoadedDocument {
        /// The URL relative references resolve against (without Twilio's query parameters).
        var url: String
        var verbs: [TwiMLVerb]
    }

    private enum FetchResult {
        case document(LoadedDocument)
        case failure(code: Int, message: String, url: String)
        case stopped
    }

    /// What a verb does to the flow of the document.
    private enum Flow {
        case next
        case request(DocumentRequest)
        case end
    }

    private static let maxRedirectHops = 10
    private static let beepSeconds = 0.5

    private let configuration: SimConfiguration
    private let caller: any CallerAgent
    private let identity: CallIdentity
    private let webhooks: WebhookClient
    private let audio: AudioFetcher
    private let logger: Logger
    private let scheduler = CallbackScheduler()

    private var timeline = Timeline()
    private var exchanges: [WebhookExchange] = []
    private var callbacks: [WebhookExchange] = []
    private var violations: [String] = []
    private var notes: [String] = []
    private var answerWaits: [AnswerWait] = []
    /// Waits whose next audio has not started yet: index into `answerWaits` and answer end.
    private var openWaits: [(index: Int, answerEnd: Duration)] = []
    private var audioCache: [String: AudioFetcher.Result] = [:]
    private var heardSinceInput: [String] = []
    private var webhookCount = 0
    private var answered = false
    private var endReason: EndReason?
    private let transport: any SimTransport

    init(
        configuration: SimConfiguration,
        transport: any SimTransport,
        logger: Logger,
        caller: any CallerAgent,
        callSid: String
    ) {
        self.configuration = configuration
        self.transport = transport
        self.caller = caller
        self.logger = logger
        self.identity = CallIdentity(
            callSid: callSid, accountSid: configuration.accountSid, from: caller.callerID ?? configuration.from,
            to: configuration.to, fromCountry: configuration.fromCountry, toCountry: configuration.toCountry)
        self.webhooks = WebhookClient(
            transport: transport, authToken: configuration.authToken, timeLimit: configuration.webhookTimeLimit,
            logger: logger)
        self.audio = AudioFetcher(
            transport: transport, timeLimit: configuration.webhookTimeLimit, strictAudio: configuration.strictAudio)
    }

    func run() async -> CallReport {
        var next: DocumentRequest? = DocumentRequest(
            url: configuration.voiceURL.absoluteString, method: configuration.voiceMethod.uppercased(), extra: [],
            purpose: .voice)
        while let request = next, endReason == nil {
            guard let document = await load(request) else { break }
            next = await execute(document)
        }
        let reason = endReason ?? .documentEnded
        endReason = reason
        await record(.ended(reason))
        await scheduleCallStatusCallback()
        await scheduler.waitForAll()
        return makeReport(reason)
    }

    // MARK: Fetching TwiML

    /// Fetches a document, falling back to the fallback URL when the webhook fails.
    private func load(_ request: DocumentRequest) async -> LoadedDocument? {
        switch await fetch(request) {
        case .document(let document):
            answered = true
            return document
        case .stopped:
            return nil
        case .failure(let code, let message, let url):
            addViolation("[\(code)] \(message)", url: url)
            if let fallback = configuration.fallbackURL, request.purpose != .fallback {
                addNote("requesting the fallback URL after error \(code) at \(url)")
                let retry = DocumentRequest(
                    url: fallback.absoluteString, method: "POST",
                    extra: [("ErrorCode", String(code)), ("ErrorUrl", url)], purpose: .fallback)
                return await load(retry)
            }
            endReason = .applicationError
            return nil
        }
    }

    /// One document request, following 3xx like Twilio (with GET, action parameters not re-sent).
    private func fetch(_ request: DocumentRequest) async -> FetchResult {
        var url = request.url
        var method = request.method
        var parameters = standardParameters() + request.extra
        var purpose = request.purpose
        var firstIndex: Int?
        var totalLatency = Duration.zero
        defer {
            // The caller waits after an answer whether or not the action succeeds.
            if let answerEnd = request.answerEnd, let firstIndex {
                openAnswerWait(exchangeIndex: firstIndex, latency: totalLatency, answerEnd: answerEnd)
            }
        }
        for _ in 0...Self.maxRedirectHops {
            guard withinWebhookBudget() else { return .stopped }
            let (index, outcome) = await send(purpose: purpose, method: method, url: url, parameters: parameters)
            firstIndex = firstIndex ?? index
            totalLatency += outcome.latency
            guard let response = outcome.response else {
                let failure = outcome.failure ?? .transport("no response")
                exchanges[index].error = "[\(failure.code)] \(failure.message)"
                return .failure(code: failure.code, message: failure.message, url: RequestTarget(url).url)
            }
            if (300..<400).contains(response.status), let location = response.header("Location") {
                guard let target = URLResolver.resolve(location, against: url) else {
                    return .failure(code: 11200, message: "redirect to an invalid URL '\(location)'", url: url)
                }
                url = target
                method = "GET"
                parameters = standardParameters()
                purpose = .redirectHop
                continue
            }
            switch TwiMLResponseReader.read(response) {
            case .failure(let failure):
                exchanges[index].error = "[\(failure.code)] \(failure.message)"
                return .failure(code: failure.code, message: failure.message, url: RequestTarget(url).url)
            case .success(let document):
                exchanges[index].verbs = document.verbs
                for message in document.violations { addViolation(message, url: url) }
                for message in document.notes { addNote("\(url): \(message)") }
                return .document(LoadedDocument(url: RequestTarget(url).url, verbs: document.verbs))
            }
        }
        return .failure(code: 11200, message: "more than \(Self.maxRedirectHops) redirects", url: url)
    }

    /// Sends one TwiML request and records it; the caller waits through its latency.
    private func send(
        purpose: WebhookExchange.Purpose,
        method: String,
        url: String,
        parameters: [(String, String)]
    ) async -> (Int, WebhookClient.Outcome) {
        webhookCount += 1
        let wallStart = timeline.wallNow
        let simulatedStart = timeline.simulatedNow
        await record(.request(purpose: purpose, method: method, url: url))
        logger.debug("webhook", metadata: ["purpose": "\(purpose.rawValue)", "method": "\(method)", "url": "\(url)"])
        let outcome = await webhooks.send(method: method, url: url, parameters: parameters)
        timeline.advance(by: outcome.latency)
        let exchange = Self.exchange(
            purpose: purpose, outcome: outcome, parameters: parameters, wallStart: wallStart,
            simulatedStart: simulatedStart)
        await record(
            .response(
                url: outcome.request.url, status: outcome.response?.status, latency: outcome.latency,
                error: exchange.error))
        exchanges.append(exchange)
        return (exchanges.count - 1, outcome)
    }

    private static func exchange(
        purpose: WebhookExchange.Purpose,
        outcome: WebhookClient.Outcome,
        parameters: [(String, String)],
        wallStart: Duration,
        simulatedStart: Duration
    ) -> WebhookExchange {
        WebhookExchange(
            purpose: purpose, method: outcome.request.method, url: outcome.request.url, parameters: parameters,
            signature: outcome.signature, status: outcome.response?.status,
            contentType: outcome.response?.header("Content-Type"), responseHeaders: outcome.response?.headers ?? [],
            body: outcome.response?.text ?? "", verbs: [], latency: outcome.latency, wallStart: wallStart,
            simulatedStart: simulatedStart, error: outcome.failure.map { "[\($0.code)] \($0.message)" })
    }

    private func standardParameters(callStatus: String? = nil) -> [(String, String)] {
        identity.standardParameters(callStatus: callStatus ?? (answered ? "in-progress" : "ringing"))
    }

    private func withinWebhookBudget() -> Bool {
        guard webhookCount < configuration.maxWebhooks else {
            addViolation(
                "more than \(configuration.maxWebhooks) webhooks in one call; the call was cut off",
                url: configuration.voiceURL.absoluteString)
            endReason = .limitExceeded
            return false
        }
        return true
    }

    private func withinTimeBudget() -> Bool {
        guard timeline.simulatedNow <= configuration.maxSimulatedDuration else {
            addViolation(
                "the call ran past \(configuration.maxSimulatedDuration) of simulated time; it was cut off",
                url: configuration.voiceURL.absoluteString)
            endReason = .limitExceeded
            return false
        }
        return true
    }

    // MARK: Executing verbs

    /// Runs a document; returns the next document to fetch, or nil when the call is over.
    private func execute(_ document: LoadedDocument) async -> DocumentRequest? {
        for verb in document.verbs {
            guard endReason == nil, withinTimeBudget() else { return nil }
            switch await run(verb, in: document.url) {
            case .next: continue
            case .request(let request): return request
            case .end: return nil
            }
        }
        return nil
    }

    private func run(_ verb: TwiMLVerb, in documentURL: String) async -> Flow {
        switch verb {
        case .say(let text, let voice, _, let loop):
            return await say(text, voice: voice, loop: loop, insideGather: false)
        case .play(let url, let loop, let digits):
            return await play(url, loop: loop, digits: digits, documentURL: documentURL, insideGather: false)
        case .pause(let seconds):
            await record(.pause(seconds: seconds))
            await advance(Double(seconds))
            return .next
        case .gather(let gather):
            return await self.gather(gather, documentURL: documentURL)
        case .record(let settings):
            return await self.record(settings, documentURL: documentURL)
        case .redirect(let url, let method):
            await record(.redirect(url: url, method: method))
            guard let target = URLResolver.resolve(url, against: documentURL) else {
                addViolation("[12200] <Redirect> URL '\(url)' is not a valid URL", url: documentURL)
                return .next
            }
            return .request(DocumentRequest(url: target, method: method, extra: [], purpose: .redirect))
        case .hangup:
            await record(.hangup)
            endReason = .hangupVerb
            return .end
        case .reject(let reason):
            await record(.reject(reason: reason))
            endReason = .reject
            return .end
        case .unsupported(let name):
            await record(.note("<\(name)> is not simulated; skipped"))
            return .next
        }
    }

    private func say(_ text: String, voice: String?, loop: Int, insideGather: Bool) async -> Flow {
        let seconds = CallerAnswer.estimatedSeconds(for: text)
        for _ in 0..<max(loop, 1) {
            audioStarts()
            heardSinceInput.append(text)
            await record(.say(text: text, voice: voice, seconds: seconds))
            await advance(seconds)
        }
        return endlessLoop(loop, insideGather: insideGather, what: "<Say>")
    }

    private func play(_ url: String, loop: Int, digits: String?, documentURL: String, insideGather: Bool) async -> Flow
    {
        if let digits {
            await record(.playDigits(digits))
            await advance(Double(digits.count) * GatherEvaluator.secondsPerKey)
        }
        guard !url.isEmpty else { return .next }
        guard let target = URLResolver.resolve(url, against: documentURL) else {
            addViolation("[12200] <Play> URL '\(url)' is not a valid URL", url: documentURL)
            return .next
        }
        let result = await audioFile(target)
        guard result.playable else {
            await record(.note("<Play> \(target) could not be played; skipped"))
            return .next
        }
        let seconds = result.info.durationSeconds ?? 0
        for _ in 0..<max(loop, 1) {
            audioStarts()
            let event = await record(.play(url: target, audio: result.info, seconds: seconds))
            if let label = event.heardText { heardSinceInput.append(label) }
            await advance(seconds)
        }
        return endlessLoop(loop, insideGather: insideGather, what: "<Play>")
    }

    /// `loop="0"` repeats until something stops it: a Gather's input, or else the caller hanging up.
    private func endlessLoop(_ loop: Int, insideGather: Bool, what: String) -> Flow {
        guard loop == 0, !insideGather else { return .next }
        addNote(
            "\(what) with loop=\"0\" repeats until the caller hangs up; the simulated caller hung up after one pass")
        endReason = .callerHungUp
        return .end
    }

    /// Fetches a Play file once per call, as Twilio caches by URL (unless told not to).
    private func audioFile(_ url: String) async -> AudioFetcher.Result {
        if var cached = audioCache[url] {
            cached.info.fromCache = true
            return cached
        }
        // Twilio fetches before it plays: the caller hears the download as silence.
        let started = ContinuousClock.now
        let result = await audio.fetch(url)
        timeline.advance(by: ContinuousClock.now - started)
        for message in result.violations { addViolation(message, url: url) }
        for message in result.notes { addNote(message) }
        if result.cacheable {
            audioCache[url] = result
        }
        return result
    }

    private func gather(_ gather: TwiMLVerb.Gather, documentURL: String) async -> Flow {
        for child in gather.children {
            switch child {
            case .say(let text, let voice, _, let loop):
                _ = await say(text, voice: voice, loop: loop, insideGather: true)
            case .play(let url, let loop, let digits):
                _ = await play(url, loop: loop, digits: digits, documentURL: documentURL, insideGather: true)
            case .pause(let seconds):
                await record(.pause(seconds: seconds))
                await advance(Double(seconds))
            default:
                break
            }
        }
        let modes = TwiMLVerb.InputMode.allCases.filter { gather.input.contains($0) }.map(\.rawValue)
        await record(.gatherStarted(input: modes, timeout: gather.timeout, numDigits: gather.numDigits))
        let prompt = GatherPrompt(
            heard: heardSinceInput, input: gather.input, numDigits: gather.numDigits, finishOnKey: gather.finishOnKey,
            timeout: gather.timeout,
            hints: (gather.hints ?? "").split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) },
            language: gather.language)
        let input = await caller.gather(prompt)
        heardSinceInput = []
        let evaluation = GatherEvaluator.evaluate(input, gather: gather)
        await record(.gatherInput(input, accepted: evaluation.accepted))
        if let note = evaluation.note { await record(.note(note)) }
        await advance(evaluation.seconds)
        let action = URLResolver.resolve(gather.action ?? documentURL, against: documentURL)
        switch evaluation.result {
        case .hangUp:
            endReason = .callerHungUp
            return .end
        case .empty where !gather.actionOnEmptyResult:
            return .next
        case .empty:
            return actionRequest(action, raw: gather.action, method: gather.method, extra: [], documentURL: documentURL)
        case .input(let parameters):
            return actionRequest(
                action, raw: gather.action, method: gather.method, extra: parameters, documentURL: documentURL)
        }
    }

    private func actionRequest(
        _ action: String?,
        raw: String?,
        method: String,
        extra: [(String, String)],
        documentURL: String,
        purpose: WebhookExchange.Purpose = .gatherAction,
        answerEnd: Duration? = nil
    ) -> Flow {
        guard let action else {
            addViolation("[12200] action URL '\(raw ?? "")' is not a valid URL", url: documentURL)
            endReason = .applicationError
            return .end
        }
        return .request(
            DocumentRequest(url: action, method: method, extra: extra, purpose: purpose, answerEnd: answerEnd))
    }

    // MARK: Record

    private func record(_ settings: TwiMLVerb.Record, documentURL: String) async -> Flow {
        await record(
            .recordStarted(maxLength: settings.maxLength, timeout: settings.timeout, finishOnKey: settings.finishOnKey))
        if settings.playBeep {
            await record(.beep)
            await advance(Self.beepSeconds)
        }
        let prompt = RecordPrompt(
            heard: heardSinceInput, maxLength: settings.maxLength, finishOnKey: settings.finishOnKey,
            timeout: settings.timeout, playBeep: settings.playBeep)
        var answer = await caller.record(prompt)
        heardSinceInput = []
        answer.seconds = max(0, answer.seconds)
        if case .finishKey(let key) = answer.ending, key.count != 1 || !settings.finishOnKey.contains(key) {
            await record(
                .note("key '\(key)' is not in finishOnKey '\(settings.finishOnKey)'; recording ran to the timeout"))
            answer.ending = .silenceTimeout
        }
        if answer.seconds >= Double(settings.maxLength) {
            answer.seconds = Double(settings.maxLength)
            answer.ending = .maxLength
        }
        await advance(answer.seconds)
        let answerEnd = timeline.simulatedNow
        let timedOut = answer.ending == .silenceTimeout
        // Trimming removes the trailing silence from the file, not from the caller's wait.
        let trailingSilence = timedOut && settings.trim == "do-not-trim" ? Double(settings.timeout) : 0
        let recording = Recording(
            sid: Sids.make("RE"), baseURL: configuration.recordingBaseURL,
            exactSeconds: answer.seconds + trailingSilence)
        await record(.recorded(answer, recordingSid: recording.sid, durationSeconds: recording.seconds))
        await uploadRecording(recording, answer: answer)
        if timedOut {
            // The caller sits through the silence timeout before anything happens.
            await advance(Double(settings.timeout))
        }

        let hungUp = answer.ending == .hangUp
        let callStatus = hungUp ? "completed" : "in-progress"
        await scheduleRecordingCallbacks(
            settings, recording: recording, answer: answer, callStatus: callStatus, documentURL: documentURL)

        var parameters = [
            ("RecordingUrl", recording.url), ("RecordingSid", recording.sid),
            ("RecordingDuration", String(recording.seconds)),
        ]
        switch answer.ending {
        case .finishKey(let key): parameters.append(("Digits", key))
        case .hangUp: parameters.append(("Digits", "hangup"))
        case .silenceTimeout, .maxLength: break
        }
        let action = URLResolver.resolve(settings.action ?? documentURL, against: documentURL)
        if hungUp {
            await postFinalAction(
                action, raw: settings.action, method: settings.method, parameters: parameters, documentURL: documentURL)
            endReason = .callerHungUp
            return .end
        }
        return actionRequest(
            action, raw: settings.action, method: settings.method, extra: parameters, documentURL: documentURL,
            purpose: .recordAction, answerEnd: answerEnd)
    }

    /// After a hang-up Twilio still posts the Record action, but there is no call left to run its TwiML.
    private func postFinalAction(
        _ action: String?,
        raw: String?,
        method: String,
        parameters: [(String, String)],
        documentURL: String
    ) async {
        guard let action else {
            addViolation("[12200] action URL '\(raw ?? "")' is not a valid URL", url: documentURL)
            return
        }
        guard withinWebhookBudget() else { return }
        let all = standardParameters(callStatus: "completed") + parameters
        let (_, outcome) = await send(purpose: .recordAction, method: method, url: action, parameters: all)
        if let failure = outcome.failure {
            addViolation("[\(failure.code)] \(failure.message)", url: action)
        } else if let status = outcome.response?.status, !(200..<400).contains(status) {
            addViolation("[11200] HTTP \(status) from the webhook", url: action)
        }
        await record(.note("the caller hung up during <Record>; the action's TwiML is not executed"))
    }

    /// A finished recording's identity.
    private struct Recording {
        var sid: String
        var url: String
        /// What Twilio reports: whole seconds.
        var seconds: Int
        var exactSeconds: Double

        init(sid: String, baseURL: URL, exactSeconds: Double) {
            self.sid = sid
            self.url = baseURL.appendingPathComponent(sid).absoluteString
            self.exactSeconds = exactSeconds
            self.seconds = Int(exactSeconds.rounded())
        }
    }

    // MARK: Callbacks

    private func scheduleRecordingCallbacks(
        _ settings: TwiMLVerb.Record,
        recording: Recording,
        answer: CallerAnswer,
        callStatus: String,
        documentURL: String
    ) async {
        if let raw = settings.recordingStatusCallback {
            let status = recording.seconds == 0 ? "absent" : "completed"
            if let url = URLResolver.resolve(raw, against: documentURL) {
                if settings.recordingStatusCallbackEvent.contains(status) {
                    let parameters =
                        standardParameters(callStatus: callStatus) + [
                            ("RecordingSid", recording.sid), ("RecordingUrl", recording.url),
                            ("RecordingStatus", status), ("RecordingDuration", String(recording.seconds)),
                            ("RecordingChannels", "1"), ("RecordingSource", "RecordVerb"),
                        ]
                    await scheduleCallback(
                        .recordingStatusCallback, url: url, method: settings.recordingStatusCallbackMethod,
                        parameters: parameters, delay: configuration.recordingStatusDelay)
                }
            } else {
                addViolation("[12200] recordingStatusCallback '\(raw)' is not a valid URL", url: documentURL)
            }
        }
        // An empty recording is not stored, so there is nothing to transcribe.
        guard settings.transcribe, let raw = settings.transcribeCallback, recording.exactSeconds > 0 else { return }
        guard let url = URLResolver.resolve(raw, against: documentURL) else {
            addViolation("[12200] transcribeCallback '\(raw)' is not a valid URL", url: documentURL)
            return
        }
        let text = answer.text.trimmingCharacters(in: .whitespacesAndNewlines)
        // Twilio transcribes recordings of 2 to 120 seconds only.
        let completed = (2...120).contains(recording.exactSeconds) && !text.isEmpty
        let transcriptionSid = Sids.make("TR")
        let transcriptionURL = configuration.recordingBaseURL.deletingLastPathComponent()
            .appendingPathComponent("Transcriptions").appendingPathComponent(transcriptionSid).absoluteString
        let parameters =
            standardParameters(callStatus: callStatus) + [
                ("TranscriptionSid", transcriptionSid), ("TranscriptionText", completed ? text : ""),
                ("TranscriptionStatus", completed ? "completed" : "failed"), ("TranscriptionUrl", transcriptionURL),
                ("RecordingSid", recording.sid), ("RecordingUrl", recording.url),
            ]
        await scheduleCallback(
            .transcriptionCallback, url: url, method: "POST", parameters: parameters,
            delay: configuration.transcriptionDelay)
    }

    private func scheduleCallStatusCallback() async {
        guard let url = configuration.statusCallbackURL else { return }
        let parameters =
            standardParameters(callStatus: "completed") + [
                ("CallDuration", String(Int(timeline.simulatedNow.inSeconds.rounded()))),
                ("Timestamp", Self.rfc2822(Date())), ("CallbackSource", "call-progress-events"),
                ("SequenceNumber", "0"),
            ]
        await scheduleCallback(
            .callStatusCallback, url: url.absoluteString, method: "POST", parameters: parameters, delay: .zero)
    }

    private func scheduleCallback(
        _ purpose: WebhookExchange.Purpose,
        url: String,
        method: String,
        parameters: [(String, String)],
        delay: Duration
    ) async {
        let webhooks = self.webhooks
        await scheduler.schedule(after: delay) { [self] in
            let wallStart = await self.wallNow
            let outcome = await webhooks.send(method: method, url: url, parameters: parameters)
            await self.callbackFinished(purpose, outcome: outcome, parameters: parameters, wallStart: wallStart)
        }
    }

    private var wallNow: Duration { timeline.wallNow }

    private func callbackFinished(
        _ purpose: WebhookExchange.Purpose,
        outcome: WebhookClient.Outcome,
        parameters: [(String, String)],
        wallStart: Duration
    ) async {
        let exchange = Self.exchange(
            purpose: purpose, outcome: outcome, parameters: parameters, wallStart: wallStart,
            simulatedStart: timeline.simulatedNow)
        callbacks.append(exchange)
        await record(.callback(purpose: purpose, url: exchange.url, status: exchange.status, error: exchange.error))
        if let failure = outcome.failure {
            addViolation("[\(failure.code)] \(purpose.rawValue): \(failure.message)", url: exchange.url)
        } else if !exchange.succeeded {
            addViolation(
                "[11200] \(purpose.rawValue) answered HTTP \(exchange.status.map(String.init) ?? "?")",
                url: exchange.url)
        }
    }

    static func rfc2822(_ date: Date) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss Z"
        return formatter.string(from: date)
    }

    // MARK: Bookkeeping

    @discardableResult
    private func record(_ kind: TimelineEvent.Kind) async -> TimelineEvent {
        let event = timeline.record(kind)
        if event.isAudible {
            await caller.heard(event)
        }
        return event
    }

    /// Lets simulated time pass; at a non-zero time scale the caller really waits.
    private func advance(_ seconds: Double) async {
        guard seconds > 0 else { return }
        if configuration.timeScale > 0 {
            try? await Task.sleep(for: .seconds(fractional: seconds * configuration.timeScale))
        }
        timeline.advance(by: .seconds(fractional: seconds))
    }

    /// Hands the recording to the configured media host before anyone can ask for it.
    private func uploadRecording(_ recording: Recording, answer: CallerAnswer) async {
        guard let upload = configuration.recordingUploadURL, recording.seconds > 0 else { return }
        let form =
            [("sid", recording.sid), ("text", answer.text), ("seconds", String(recording.seconds))]
            + configuration.answerDelivery.formFields
        let request = SimRequest(
            method: "POST", url: upload.absoluteString,
            headers: [("Content-Type", "application/x-www-form-urlencoded")],
            body: Array(FormEncoding.encode(form).utf8))
        do {
            let response = try await transport.send(request)
            if !(200..<300).contains(response.status) {
                addNote("recording upload to \(upload) answered \(response.status)")
            }
        } catch {
            addNote("recording upload to \(upload) failed: \(error)")
        }
    }

    private func openAnswerWait(exchangeIndex: Int, latency: Duration, answerEnd: Duration) {
        answerWaits.append(
            AnswerWait(
                exchangeIndex: exchangeIndex, url: exchanges[exchangeIndex].url, responseLatency: latency,
                silenceAfterAnswer: nil))
        openWaits.append((answerWaits.count - 1, answerEnd))
    }

    /// Audio is starting: every answer still waiting for it has its silence measured.
    private func audioStarts() {
        for wait in openWaits {
            answerWaits[wait.index].silenceAfterAnswer = timeline.simulatedNow - wait.answerEnd
        }
        openWaits = []
    }

    private func addViolation(_ message: String, url: String) {
        let text = "\(url): \(message)"
        violations.append(text)
        timeline.record(.violation(text))
        logger.warning("violation", metadata: ["detail": "\(text)"])
    }

    private func addNote(_ message: String) {
        notes.append(message)
        timeline.record(.note(message))
    }

    private func makeReport(_ reason: EndReason) -> CallReport {
        CallReport(
            callSid: identity.callSid, exchanges: exchanges,
            callbacks: callbacks.sorted { $0.wallStart < $1.wallStart }, timeline: timeline.events,
            heard: timeline.events.compactMap(\.heardText), endedBy: reason, simulatedDuration: timeline.simulatedNow,
            wallDuration: timeline.wallNow, violations: violations, notes: notes, answerWaits: answerWaits)
    }
}
