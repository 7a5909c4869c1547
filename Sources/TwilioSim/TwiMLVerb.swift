/// One executable TwiML instruction, with Twilio's defaults filled in.
public enum TwiMLVerb: Sendable, Equatable {
    case say(text: String, voice: String?, language: String?, loop: Int)
    /// `digits` is `<Play digits="...">`, which plays DTMF tones instead of a file.
    case play(url: String, loop: Int, digits: String?)
    case pause(seconds: Int)
    case gather(Gather)
    case record(Record)
    case redirect(url: String, method: String)
    case hangup
    case reject(reason: String?)
    /// A real Twilio verb the simulator does not run (`<Dial>`, `<Connect>`, ...): skipped with a note.
    case unsupported(name: String)

    /// The element name as written in TwiML.
    public var name: String {
        switch self {
        case .say: "Say"
        case .play: "Play"
        case .pause: "Pause"
        case .gather: "Gather"
        case .record: "Record"
        case .redirect: "Redirect"
        case .hangup: "Hangup"
        case .reject: "Reject"
        case .unsupported(let name): name
        }
    }

    /// How a `<Gather>` listens.
    public enum InputMode: String, Sendable, Equatable, CaseIterable {
        case dtmf
        case speech
    }

    /// `<Gather>` with Twilio's defaults.
    public struct Gather: Sendable, Equatable {
        public var input: Set<InputMode> = [.dtmf]
        public var action: String?
        public var method: String = "POST"
        /// Seconds of silence after the nested audio before giving up.
        public var timeout: Int = 5
        public var numDigits: Int?
        public var finishOnKey: String = "#"
        /// A number of seconds or `auto`; absent means `timeout`.
        public var speechTimeout: String?
        public var actionOnEmptyResult: Bool = false
        public var hints: String?
        public var language: String?
        public var speechModel: String?
        /// Only `<Say>`, `<Play>` and `<Pause>`.
        public var children: [TwiMLVerb] = []
        /// Every attribute as written, including ones the simulator does not act on.
        public var attributes: [String: String] = [:]

        public init() {}
    }

    /// `<Record>` with Twilio's defaults.
    public struct Record: Sendable, Equatable {
        public var action: String?
        public var method: String = "POST"
        /// Seconds of silence that end the recording; the caller hears that much dead air.
        public var timeout: Int = 5
        /// Any key ends a recording unless told otherwise.
        public var finishOnKey: String = "1234567890*#"
        public var maxLength: Int = 3600
        public var playBeep: Bool = true
        /// `trim-silence` (default) or `do-not-trim`.
        public var trim: String = "trim-silence"
        public var recordingStatusCallback: String?
        public var recordingStatusCallbackMethod: String = "POST"
        public var recordingStatusCallbackEvent: [String] = ["completed"]
        public var transcribe: Bool = false
        public var transcribeCallback: String?
        public var attributes: [String: String] = [:]

        public init() {}
    }
}
