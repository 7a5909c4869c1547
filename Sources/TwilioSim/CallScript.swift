/// A caller's moves, in order, for `ScriptedCaller` (the JSON behind `--script`).
///
/// ```json
/// {
///   "from": "+14155550123",
///   "steps": [
///     {"press": "1"},
///     {"say": "interview", "confidence": 0.9},
///     {"silence": true},
///     {"answer": "I led the migration...", "seconds": 45, "end": "#"},
///     {"answer": "I would ask for help", "end": "timeout"},
///     {"hangup": true}
///   ]
/// }
/// ```
/// - `press`: keys for a Gather, finish key included if wanted (`"12#"`).
/// - `say`: words for a Gather; `confidence` (0...1) is optional, 0.9 when left out.
/// - `silence`: say nothing (a Gather times out; a Record ends empty).
/// - `answer`: speech for a Record; `seconds` defaults to the words at 2.5 words/s; `end` is a key
///   (`"#"`, default), `"timeout"` (silence), `"max"` (talk until maxLength) or `"hangup"`.
/// - `hangup`: hang up.
public struct CallScript: Codable, Sendable, Equatable {
    /// Overrides the configured caller ID (may be `anonymous`).
    public var from: String?
    public var steps: [Step]

    public init(from: String? = nil, steps: [Step]) {
        self.from = from
        self.steps = steps
    }

    public enum Step: Sendable, Equatable {
        case press(String)
        case say(String, confidence: Double? = nil)
        case silence
        case answer(String, seconds: Double? = nil, end: AnswerEnd = .key("#"))
        case hangUp
    }

    /// How an `answer` step ends.
    public enum AnswerEnd: Sendable, Equatable {
        case key(String)
        case timeout
        case maxLength
        case hangUp

        init(_ text: String) throws(ScriptError) {
            switch text {
            case "timeout": self = .timeout
            case "max", "maxLength": self = .maxLength
            case "hangup": self = .hangUp
            case let key where key.count == 1 && "0123456789*#".contains(key): self = .key(key)
            default: throw ScriptError.badEnd(text)
            }
        }

        var text: String {
            switch self {
            case .key(let key): key
            case .timeout: "timeout"
            case .maxLength: "max"
            case .hangUp: "hangup"
            }
        }
    }

    public enum ScriptError: Error, CustomStringConvertible {
        case badEnd(String)
        case unknownStep([String])

        public var description: String {
            switch self {
            case .badEnd(let text): "answer end '\(text)' must be a key (0-9, *, #), timeout, max or hangup"
            case .unknownStep(let keys): "a step needs one of press, say, silence, answer, hangup; found \(keys)"
            }
        }
    }
}

extension CallScript.Step: Codable {
    private enum Keys: String, CodingKey {
        case press, say, confidence, silence, answer, seconds, end, hangup
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: Keys.self)
        if let keys = try container.decodeIfPresent(String.self, forKey: .press) {
            self = .press(keys)
        } else if let words = try container.decodeIfPresent(String.self, forKey: .say) {
            self = .say(words, confidence: try container.decodeIfPresent(Double.self, forKey: .confidence))
        } else if try container.decodeIfPresent(Bool.self, forKey: .silence) == true {
            self = .silence
        } else if let text = try container.decodeIfPresent(String.self, forKey: .answer) {
            let end = try CallScript.AnswerEnd(try container.decodeIfPresent(String.self, forKey: .end) ?? "#")
            self = .answer(text, seconds: try container.decodeIfPresent(Double.self, forKey: .seconds), end: end)
        } else if try container.decodeIfPresent(Bool.self, forKey: .hangup) == true {
            self = .hangUp
        } else {
            throw CallScript.ScriptError.unknownStep(container.allKeys.map(\.stringValue))
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: Keys.self)
        switch self {
        case .press(let keys):
            try container.encode(keys, forKey: .press)
        case .say(let words, let confidence):
            try container.encode(words, forKey: .say)
            try container.encodeIfPresent(confidence, forKey: .confidence)
        case .silence:
            try container.encode(true, forKey: .silence)
        case .answer(let text, let seconds, let end):
            try container.encode(text, forKey: .answer)
            try container.encodeIfPresent(seconds, forKey: .seconds)
            try container.encode(end.text, forKey: .end)
        case .hangUp:
            try container.encode(true, forKey: .hangup)
        }
    }
}
