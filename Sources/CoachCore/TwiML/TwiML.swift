/// A TwiML document as the server builds it. The shape makes Twilio's rules hard to break:
/// only speech may nest in a `Gather`, and a document ends at most once (`Record`, `Redirect`,
/// `Hangup` are terminal, so `TwiMLRenderer` refuses verbs after them).
public struct TwiMLDocument: Sendable, Equatable {
    public var verbs: [TwiMLVerb]

    public init(_ verbs: [TwiMLVerb] = []) {
        self.verbs = verbs
    }
}

/// Something the caller hears: an absolute audio URL to `<Play>`, or text for `<Say>`.
public enum Speech: Sendable, Equatable {
    case say(String)
    case play(url: String, text: String)
    case pause(seconds: Int)

    /// The words behind this speech, for logs and for the simulator's transcript.
    public var text: String {
        switch self {
        case .say(let text), .play(_, let text): text
        case .pause: ""
        }
    }
}

public enum TwiMLVerb: Sendable, Equatable {
    case speak(Speech)
    case gather(TwiMLGather)
    case record(TwiMLRecord)
    case redirect(url: String)
    case hangup

    var isTerminal: Bool {
        switch self {
        case .record, .redirect, .hangup: true
        case .speak, .gather: false
        }
    }
}

public struct TwiMLGather: Sendable, Equatable {
    public var action: String
    public var input: String = "dtmf speech"
    public var numDigits: Int? = 1
    public var timeout: Int = 5
    public var speechTimeout: String = "auto"
    public var hints: [String] = []
    public var prompts: [Speech]

    public init(
        action: String, input: String = "dtmf speech", numDigits: Int? = 1, timeout: Int = 5, hints: [String] = [],
        prompts: [Speech]
    ) {
        self.action = action
        self.input = input
        self.numDigits = numDigits
        self.timeout = timeout
        self.hints = hints
        self.prompts = prompts
    }
}

public struct TwiMLRecord: Sendable, Equatable {
    public var action: String
    public var maxLength: Int
    /// Seconds of silence that end the answer. Twilio's default of 5 is pure dead air for the caller.
    public var timeout: Int
    public var finishOnKey: String = "#"
    public var transcribeCallback: String?
    public var recordingStatusCallback: String?

    public init(
        action: String, maxLength: Int, timeout: Int, finishOnKey: String = "#", transcribeCallback: String?,
        recordingStatusCallback: String?
    ) {
        self.action = action
        self.maxLength = maxLength
        self.timeout = timeout
        self.finishOnKey = finishOnKey
        self.transcribeCallback = transcribeCallback
        self.recordingStatusCallback = recordingStatusCallback
    }
}
