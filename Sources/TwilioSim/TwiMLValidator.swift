import Foundation

/// Checks a `<Response>` tree against TwiML's schema and turns it into verbs.
///
/// Twilio reports schema problems as error 12200 and carries on where it can; the validator
/// does the same: an invalid element is reported and skipped, an invalid attribute value is
/// reported and replaced by Twilio's default, so one run shows every problem.
struct TwiMLValidator {
    struct Output: Sendable {
        var verbs: [TwiMLVerb] = []
        var violations: [String] = []
        var notes: [String] = []
    }

    /// Real Twilio verbs the simulator does not act on.
    static let unsupportedVerbs: Set<String> = [
        "Dial", "Enqueue", "Leave", "Connect", "Start", "Stop", "Pay", "Refer", "Sms", "Message", "Echo", "Prompt",
    ]
    static let supportedVerbs: Set<String> = [
        "Say", "Play", "Pause", "Gather", "Record", "Redirect", "Hangup", "Reject",
    ]
    /// After these the document is over: anything that follows can never run.
    static let terminalVerbs: Set<String> = ["Record", "Redirect", "Hangup", "Reject"]

    static let allowedAttributes: [String: Set<String>] = [
        "Response": [],
        "Say": ["voice", "language", "loop"],
        "Play": ["loop", "digits"],
        "Pause": ["length"],
        "Gather": [
            "input", "action", "method", "timeout", "speechTimeout", "maxSpeechTime", "profanityFilter", "finishOnKey",
            "numDigits", "partialResultCallback", "partialResultCallbackMethod", "language", "hints", "bargeIn",
            "debug", "actionOnEmptyResult", "speechModel", "enhanced",
        ],
        "Record": [
            "action", "method", "timeout", "finishOnKey", "maxLength", "playBeep", "trim", "recordingStatusCallback",
            "recordingStatusCallbackMethod", "recordingStatusCallbackEvent", "storageUrl", "storageUrlMethod",
            "transcribe", "transcribeCallback",
        ],
        "Redirect": ["method"],
        "Hangup": [],
        "Reject": ["reason"],
    ]

    private var output = Output()

    static func validate(_ root: XMLElementNode) -> Output {
        var validator = TwiMLValidator()
        validator.checkAttributes(root)
        validator.output.verbs = validator.verbs(in: root)
        return validator.output
    }

    private mutating func violation(_ element: XMLElementNode, _ message: String) {
        output.violations.append("[12200] line \(element.line): <\(element.name)> \(message)")
    }

    private mutating func note(_ element: XMLElementNode, _ message: String) {
        output.notes.append("line \(element.line): <\(element.name)> \(message)")
    }

    private mutating func verbs(in response: XMLElementNode) -> [TwiMLVerb] {
        var result: [TwiMLVerb] = []
        var endedBy: XMLElementNode?
        for content in response.contents {
            switch content {
            case .text(let text):
                if !text.allSatisfy(\.isWhitespace) {
                    violation(response, "contains stray text \"\(Self.excerpt(text))\"")
                }
            case .element(let element):
                if let terminal = endedBy {
                    violation(
                        element,
                        "is unreachable: it follows <\(terminal.name)> (line \(terminal.line)), after which no verb runs"
                    )
                    continue
                }
                if Self.terminalVerbs.contains(element.name) {
                    endedBy = element
                }
                if let verb = verb(element, insideGather: false) {
                    result.append(verb)
                }
            }
        }
        return result
    }

    private mutating func verb(_ element: XMLElementNode, insideGather: Bool) -> TwiMLVerb? {
        if element.name == "Response" {
            violation(element, "cannot nest inside another element")
            return nil
        }
        if Self.unsupportedVerbs.contains(element.name) {
            if insideGather {
                violation(element, "cannot nest in <Gather> (only <Say>, <Play>, <Pause>)")
                return nil
            }
            note(element, "is not simulated; skipped")
            return .unsupported(name: element.name)
        }
        guard Self.supportedVerbs.contains(element.name) else {
            let hint = Self.supportedVerbs.union(Self.unsupportedVerbs).first {
                $0.lowercased() == element.name.lowercased()
            }
            violation(element, "is not a TwiML verb" + (hint.map { " (names are case-sensitive: <\($0)>)" } ?? ""))
            return nil
        }
        if insideGather && !["Say", "Play", "Pause"].contains(element.name) {
            violation(element, "cannot nest in <Gather> (only <Say>, <Play>, <Pause>)")
            return nil
        }
        checkAttributes(element)
        switch element.name {
        case "Say": return say(element)
        case "Play": return play(element)
        case "Pause": return pause(element)
        case "Gather": return gather(element)
        case "Record": return record(element)
        case "Redirect": return redirect(element)
        case "Hangup":
            requireEmpty(element)
            return .hangup
        default:
            requireEmpty(element)
            return reject(element)
        }
    }

    private mutating func checkAttributes(_ element: XMLElementNode) {
        let allowed = Self.allowedAttributes[element.name] ?? []
        for name in element.attributes.keys.sorted() where !allowed.contains(name) {
            let hint = allowed.first { $0.lowercased() == name.lowercased() }
            violation(
                element,
                "has no attribute '\(name)'" + (hint.map { " (names are case-sensitive: '\($0)')" } ?? "")
            )
        }
    }

    /// Elements that take no element children; `allowText` for those whose text is their argument.
    private mutating func requireEmpty(_ element: XMLElementNode, allowText: Bool = false) {
        for child in element.elements {
            violation(child, "cannot nest in <\(element.name)>")
        }
        if !allowText && !element.text.allSatisfy(\.isWhitespace) {
            violation(element, "takes no text, found \"\(Self.excerpt(element.text))\"")
        }
    }

    // MARK: Verbs

    private mutating func say(_ element: XMLElementNode) -> TwiMLVerb? {
        for child in element.elements {
            violation(child, "cannot nest in <Say> (text only)")
        }
        let text = element.text.trimmingCharacters(in: .whitespacesAndNewlines)
        let voice = element.attributes["voice"]
        if let voice, !Self.isKnownVoice(voice) {
            violation(element, "voice '\(voice)' is not a Twilio voice (man, woman, alice, Polly.*, Google.*)")
        }
        let limit = Self.textLimit(voice: voice)
        if text.count > limit {
            violation(element, "text is \(text.count) characters; the limit for this voice is \(limit)")
        }
        let loop = count(element, "loop", default: 1, minimum: 0)
        guard !text.isEmpty else {
            violation(element, "is empty")
            return nil
        }
        return .say(text: text, voice: voice, language: element.attributes["language"], loop: loop)
    }

    private mutating func play(_ element: XMLElementNode) -> TwiMLVerb? {
        requireEmpty(element, allowText: true)
        let url = element.text.trimmingCharacters(in: .whitespacesAndNewlines)
        let loop = count(element, "loop", default: 1, minimum: 0)
        let digits = element.attributes["digits"]
        if let digits, !digits.allSatisfy({ "0123456789*#wW".contains($0) }) {
            violation(element, "digits '\(digits)' may hold only 0-9, *, # and w")
        }
        guard !url.isEmpty || digits != nil else {
            violation(element, "has no URL")
            return nil
        }
        return .play(url: url, loop: loop, digits: digits)
    }

    private mutating func pause(_ element: XMLElementNode) -> TwiMLVerb {
        requireEmpty(element)
        return .pause(seconds: count(element, "length", default: 1, minimum: 0))
    }

    private mutating func gather(_ element: XMLElementNode) -> TwiMLVerb {
        var gather = TwiMLVerb.Gather()
        gather.attributes = element.attributes
        if let input = element.attributes["input"] {
            let modes = input.split(separator: " ").map { TwiMLVerb.InputMode(rawValue: String($0)) }
            if modes.isEmpty || modes.contains(nil) {
                violation(element, "input '\(input)' must be dtmf, speech or \"dtmf speech\"")
            } else {
                gather.input = Set(modes.compactMap { $0 })
            }
        }
        gather.action = element.attributes["action"]
        gather.method = method(element, "method")
        gather.timeout = count(element, "timeout", default: 5, minimum: 0)
        if element.attributes["numDigits"] != nil {
            gather.numDigits = count(element, "numDigits", default: 1, minimum: 1)
        }
        if let key = element.attributes["finishOnKey"] {
            if key.count > 1 || !key.allSatisfy({ "0123456789*#".contains($0) }) {
                violation(element, "finishOnKey '\(key)' must be one of 0-9, * or #, or empty")
            } else {
                gather.finishOnKey = key
            }
        }
        if let speechTimeout = element.attributes["speechTimeout"] {
            if speechTimeout == "auto" {
                if let model = element.attributes["speechModel"] {
                    violation(element, "speechTimeout=\"auto\" cannot be combined with speechModel=\"\(model)\"")
                }
                gather.speechTimeout = speechTimeout
            } else if let seconds = Int(speechTimeout), seconds >= 0 {
                gather.speechTimeout = speechTimeout
            } else {
                violation(element, "speechTimeout '\(speechTimeout)' must be a whole number of seconds or auto")
            }
        }
        gather.actionOnEmptyResult = flag(element, "actionOnEmptyResult", default: false)
        for name in ["profanityFilter", "bargeIn", "debug", "enhanced"] {
            _ = flag(element, name, default: false)
        }
        gather.hints = element.attributes["hints"]
        gather.language = element.attributes["language"]
        gather.speechModel = element.attributes["speechModel"]
        for content in element.contents {
            switch content {
            case .text(let text):
                if !text.allSatisfy(\.isWhitespace) {
                    violation(element, "contains stray text \"\(Self.excerpt(text))\"")
                }
            case .element(let child):
                if let verb = verb(child, insideGather: true) {
                    gather.children.append(verb)
                }
            }
        }
        return .gather(gather)
    }

    private mutating func record(_ element: XMLElementNode) -> TwiMLVerb {
        requireEmpty(element)
        var record = TwiMLVerb.Record()
        record.attributes = element.attributes
        record.action = element.attributes["action"]
        record.method = method(element, "method")
        record.timeout = count(element, "timeout", default: 5, minimum: 0)
        if let keys = element.attributes["finishOnKey"] {
            if keys.allSatisfy({ "0123456789*#".contains($0) }) {
                record.finishOnKey = keys
            } else {
                violation(element, "finishOnKey '\(keys)' may hold only 0-9, * and #")
            }
        }
        record.maxLength = count(element, "maxLength", default: 3600, minimum: 1)
        record.playBeep = flag(element, "playBeep", default: true)
        if let trim = element.attributes["trim"] {
            if ["trim-silence", "do-not-trim"].contains(trim) {
                record.trim = trim
            } else {
                violation(element, "trim '\(trim)' must be trim-silence or do-not-trim")
            }
        }
        record.recordingStatusCallback = element.attributes["recordingStatusCallback"]
        record.recordingStatusCallbackMethod = method(element, "recordingStatusCallbackMethod")
        if let events = element.attributes["recordingStatusCallbackEvent"] {
            let list = events.split(whereSeparator: { $0 == " " || $0 == "," }).map(String.init)
            let unknown = list.filter { !["in-progress", "completed", "absent"].contains($0) }
            if list.isEmpty || !unknown.isEmpty {
                violation(element, "recordingStatusCallbackEvent '\(events)' must list in-progress, completed, absent")
            } else {
                record.recordingStatusCallbackEvent = list
            }
        }
        record.transcribe = flag(element, "transcribe", default: false)
        record.transcribeCallback = element.attributes["transcribeCallback"]
        if record.transcribeCallback != nil && !record.transcribe {
            note(element, "has transcribeCallback without transcribe=\"true\": no transcription is made")
        }
        return .record(record)
    }

    private mutating func redirect(_ element: XMLElementNode) -> TwiMLVerb? {
        requireEmpty(element, allowText: true)
        let url = element.text.trimmingCharacters(in: .whitespacesAndNewlines)
        let method = method(element, "method")
        guard !url.isEmpty else {
            violation(element, "has no URL")
            return nil
        }
        return .redirect(url: url, method: method)
    }

    private mutating func reject(_ element: XMLElementNode) -> TwiMLVerb {
        let reason = element.attributes["reason"]
        if let reason, !["rejected", "busy"].contains(reason) {
            violation(element, "reason '\(reason)' must be rejected or busy")
        }
        return .reject(reason: reason)
    }

    // MARK: Attribute values

    private mutating func count(_ element: XMLElementNode, _ name: String, default fallback: Int, minimum: Int) -> Int {
        guard let raw = element.attributes[name] else { return fallback }
        guard let value = Int(raw.trimmingCharacters(in: .whitespaces)) else {
            violation(element, "\(name) '\(raw)' is not a whole number")
            return fallback
        }
        guard value >= minimum else {
            violation(element, "\(name) \(value) is below \(minimum)")
            return fallback
        }
        return value
    }

    private mutating func flag(_ element: XMLElementNode, _ name: String, default fallback: Bool) -> Bool {
        guard let raw = element.attributes[name] else { return fallback }
        switch raw {
        case "true": return true
        case "false": return false
        default:
            violation(element, "\(name) '\(raw)' must be true or false")
            return fallback
        }
    }

    private mutating func method(_ element: XMLElementNode, _ name: String) -> String {
        guard let raw = element.attributes[name] else { return "POST" }
        let upper = raw.uppercased()
        guard upper == "GET" || upper == "POST" else {
            violation(element, "\(name) '\(raw)' must be GET or POST")
            return "POST"
        }
        return upper
    }

    // MARK: Say limits

    static func isKnownVoice(_ voice: String) -> Bool {
        ["man", "woman", "alice"].contains(voice) || voice.hasPrefix("Polly.") || voice.hasPrefix("Google.")
    }

    static func textLimit(voice: String?) -> Int {
        guard let voice else { return 4096 }
        if voice.hasPrefix("Polly.") { return 3000 }
        if voice.hasPrefix("Google.") { return 5000 }
        return 4096
    }

    static func excerpt(_ text: String) -> String {
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        return trimmed.count > 40 ? String(trimmed.prefix(40)) + "..." : trimmed
    }
}
