/// Whoever is on the phone: a script, a person at a terminal, or a model.
public protocol CallerAgent: Sendable {
    /// Overrides the configured `From` when set (a script may play a withheld number).
    var callerID: String? { get }
    /// A `<Gather>` is listening: press keys, speak, stay silent or hang up.
    func gather(_ prompt: GatherPrompt) async -> CallerInput
    /// A `<Record>` is recording: answer.
    func record(_ prompt: RecordPrompt) async -> CallerAnswer
    /// Called for each audible event (speech, audio, pauses, the beep, the end of the call).
    func heard(_ event: TimelineEvent) async
}

extension CallerAgent {
    public var callerID: String? { nil }
    public func heard(_ event: TimelineEvent) async {}
}

/// What a `<Gather>` asks of the caller.
public struct GatherPrompt: Sendable {
    /// What the caller heard since their last input (Say texts, audio labels).
    public var heard: [String]
    public var input: Set<TwiMLVerb.InputMode>
    public var numDigits: Int?
    public var finishOnKey: String
    /// Seconds of silence before the Gather gives up.
    public var timeout: Int
    public var hints: [String]
    public var language: String?

    public init(
        heard: [String],
        input: Set<TwiMLVerb.InputMode>,
        numDigits: Int? = nil,
        finishOnKey: String = "#",
        timeout: Int = 5,
        hints: [String] = [],
        language: String? = nil
    ) {
        self.heard = heard
        self.input = input
        self.numDigits = numDigits
        self.finishOnKey = finishOnKey
        self.timeout = timeout
        self.hints = hints
        self.language = language
    }

    public var acceptsDigits: Bool { input.contains(.dtmf) }
    public var acceptsSpeech: Bool { input.contains(.speech) }
}

/// What a `<Record>` asks of the caller.
public struct RecordPrompt: Sendable {
    /// What the caller heard since their last input.
    public var heard: [String]
    public var maxLength: Int
    /// Keys that end the recording.
    public var finishOnKey: String
    /// Seconds of silence that end the recording.
    public var timeout: Int
    public var playBeep: Bool

    public init(
        heard: [String],
        maxLength: Int = 3600,
        finishOnKey: String = "1234567890*#",
        timeout: Int = 5,
        playBeep: Bool = true
    ) {
        self.heard = heard
        self.maxLength = maxLength
        self.finishOnKey = finishOnKey
        self.timeout = timeout
        self.playBeep = playBeep
    }
}

/// The caller's reaction to a `<Gather>`.
public enum CallerInput: Sendable, Equatable {
    /// Keys pressed, in order; may include the finish key (`"1#"`).
    case digits(String)
    case speech(String, confidence: Double?)
    case silence
    case hangUp
}

/// The caller's answer to a `<Record>`.
public struct CallerAnswer: Sendable, Equatable {
    public enum Ending: Sendable, Equatable {
        /// The caller pressed this key.
        case finishKey(String)
        /// The caller stopped talking and waited for the silence timeout.
        case silenceTimeout
        /// The caller talked until `maxLength` cut them off.
        case maxLength
        /// The caller hung up while recording.
        case hangUp
    }

    /// What was said (becomes the transcription).
    public var text: String
    /// How long the caller spoke.
    public var seconds: Double
    public var ending: Ending

    /// - Parameter seconds: when nil, estimated from the words at 2.5 words per second.
    public init(text: String, seconds: Double? = nil, ending: Ending = .finishKey("#")) {
        self.text = text
        self.seconds = seconds ?? Self.estimatedSeconds(for: text)
        self.ending = ending
    }

    /// Speech at 2.5 words per second, at least one second when anything is said.
    public static func estimatedSeconds(for text: String) -> Double {
        let words = text.split(whereSeparator: \.isWhitespace).count
        return words == 0 ? 0 : max(1, Double(words) / 2.5)
    }

    /// Said nothing and let the recording time out.
    public static let silence = CallerAnswer(text: "", seconds: 0, ending: .silenceTimeout)
    /// Hung up without a word.
    public static let hangUp = CallerAnswer(text: "", seconds: 0, ending: .hangUp)
}
