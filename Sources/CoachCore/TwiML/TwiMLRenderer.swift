/// Renders a `TwiMLDocument` as the XML Twilio expects: the declaration first with nothing before
/// it, every text and attribute escaped (caller speech and model text included), nothing after a
/// terminal verb.
public struct TwiMLRenderer: Sendable {
    /// The `<Say voice>` used when speech has no synthesized audio, e.g. `Polly.Joanna`.
    public var voice: String

    public init(voice: String) {
        self.voice = voice
    }

    public func render(_ document: TwiMLDocument) -> String {
        var xml = #"<?xml version="1.0" encoding="UTF-8"?>"# + "\n<Response>"
        for verb in document.verbs {
            xml += render(verb)
            if verb.isTerminal { break }  // anything later would be unreachable: Twilio never runs it
        }
        return xml + "</Response>\n"
    }

    func render(_ verb: TwiMLVerb) -> String {
        switch verb {
        case .speak(let speech):
            return render(speech)
        case .gather(let gather):
            var attributes: [(String, String)] = [
                ("input", gather.input), ("action", gather.action), ("method", "POST"),
                ("timeout", String(gather.timeout)),
            ]
            if let digits = gather.numDigits { attributes.append(("numDigits", String(digits))) }
            if gather.input.contains("speech") {
                attributes.append(("speechTimeout", gather.speechTimeout))
                if !gather.hints.isEmpty { attributes.append(("hints", gather.hints.joined(separator: ", "))) }
            }
            return element("Gather", attributes, body: gather.prompts.map(render).joined())
        case .record(let record):
            var attributes: [(String, String)] = [
                ("action", record.action), ("method", "POST"), ("maxLength", String(record.maxLength)),
                ("timeout", String(record.timeout)), ("finishOnKey", record.finishOnKey), ("playBeep", "true"),
            ]
            if let callback = record.transcribeCallback {
                attributes += [("transcribe", "true"), ("transcribeCallback", callback)]
            }
            if let callback = record.recordingStatusCallback {
                attributes += [("recordingStatusCallback", callback), ("recordingStatusCallbackEvent", "completed")]
            }
            return element("Record", attributes, body: nil)
        case .redirect(let url):
            return element("Redirect", [("method", "POST")], body: XMLText.escape(url))
        case .hangup:
            return "<Hangup/>"
        }
    }

    func render(_ speech: Speech) -> String {
        switch speech {
        case .say(let text):
            // An empty <Say> is an error at Twilio; say nothing instead.
            let spoken = XMLText.speakable(text)
            return spoken.isEmpty ? "" : element("Say", [("voice", voice)], body: XMLText.escape(spoken))
        case .play(let url, _):
            return element("Play", [], body: XMLText.escape(url))
        case .pause(let seconds):
            return element("Pause", [("length", String(max(1, seconds)))], body: nil)
        }
    }

    func element(_ name: String, _ attributes: [(String, String)], body: String?) -> String {
        let attributeText = attributes.map { " \($0.0)=\"\(XMLText.escape($0.1))\"" }.joined()
        guard let body else { return "<\(name)\(attributeText)/>" }
        return "<\(name)\(attributeText)>\(body)</\(name)>"
    }
}

/// XML escaping for TwiML. Text can come from callers (speech results, spoken roles) and from
/// language models, so nothing is trusted: markup characters are escaped and characters XML 1.0
/// forbids are dropped.
public enum XMLText {
    public static func escape(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&apos;"
            default:
                if isAllowed(scalar) { out.unicodeScalars.append(scalar) }
            }
        }
        return out
    }

    /// XML 1.0 Char production: tab, newline, carriage return, and everything from U+0020 except
    /// surrogates and U+FFFE/U+FFFF.
    static func isAllowed(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x9, 0xA, 0xD, 0x20...0xD7FF, 0xE000...0xFFFD, 0x10000...0x10FFFF: true
        default: false
        }
    }

    /// Text as a voice should read it: whitespace collapsed and Polly's 3000 character limit kept.
    public static func speakable(_ text: String, limit: Int = 3000) -> String {
        let collapsed = text.split(whereSeparator: { $0.isWhitespace }).joined(separator: " ")
        return collapsed.count > limit ? String(collapsed.prefix(limit)) : collapsed
    }
}
