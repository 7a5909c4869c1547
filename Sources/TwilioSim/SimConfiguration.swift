import Foundation

/// How the simulated Twilio number is set up, and how strict and how fast the simulation is.
public struct SimConfiguration: Sendable {
    /// The number's "A call comes in" webhook.
    public var voiceURL: URL
    /// `POST` (Twilio's default) or `GET` for the voice webhook.
    public var voiceMethod: String
    /// The number's status callback, posted once when the call ends.
    public var statusCallbackURL: URL?
    /// Requested with `ErrorCode` and `ErrorUrl` when a TwiML webhook fails.
    public var fallbackURL: URL?
    /// When set, every request carries `X-Twilio-Signature`.
    public var authToken: String?
    /// `AC` + 32 hex digits.
    public var accountSid: String
    /// The caller: a phone number, or `anonymous`, `unknown`, `restricted`, empty.
    public var from: String
    /// The number that was called.
    public var to: String
    /// Sent as `FromCountry`/`CallerCountry` when `from` looks like a phone number.
    public var fromCountry: String
    /// Sent as `ToCountry`/`CalledCountry`.
    public var toCountry: String
    /// 0 runs instantly; 1 waits as long as a caller would (speech, audio, pauses, answers, timeouts).
    public var timeScale: Double
    /// Twilio gives up on a webhook after 15 s (error 11205).
    public var webhookTimeLimit: Duration
    /// Wall-clock delay before the transcription callback is posted.
    public var transcriptionDelay: Duration
    /// Wall-clock delay before the recording status callback is posted.
    public var recordingStatusDelay: Duration
    /// When true a `<Play>` that is not 8 kHz mono mu-law WAV is a violation, not just a note.
    public var strictAudio: Bool
    /// Where recordings are "uploaded" as Twilio's media host would hold them: each answer is POSTed
    /// here as a form (`sid`, `text`, `seconds`) before the Record action, so a fake media host can
    /// serve it at RecordingUrl and a fake transcriber can hear it. Nil: recordings exist only as URLs.
    public var recordingUploadURL: URL?
    /// How the simulated caller's answers are laid out in time, sent with each upload
    /// (`speech_start`, `pauses`) so a fake transcriber's word timestamps show the hesitation.
    public var answerDelivery = AnswerDelivery()
    /// A server that loops (Redirect to itself, say) must not keep the simulator busy forever.
    public var maxWebhooks: Int
    /// Simulated time after which the call is cut off.
    public var maxSimulatedDuration: Duration

    private var recordingBaseURLOverride: URL?

    /// Where recording URLs point; by default Twilio's API for `accountSid`.
    public var recordingBaseURL: URL {
        get {
            recordingBaseURLOverride
                ?? URL(string: "https://api.twilio.com/2010-04-01/Accounts/\(accountSid)/Recordings")
                ?? voiceURL
        }
        set { recordingBaseURLOverride = newValue }
    }

    public init(
        voiceURL: URL,
        voiceMethod: String = "POST",
        statusCallbackURL: URL? = nil,
        fallbackURL: URL? = nil,
        authToken: String? = nil,
        accountSid: String = "AC" + String(repeating: "0", count: 31) + "1",
        from: String = "+14155550100",
        to: String = "+14155550199",
        fromCountry: String = "US",
        toCountry: String = "US",
        recordingBaseURL: URL? = nil,
        timeScale: Double = 0,
        webhookTimeLimit: Duration = .seconds(15),
        transcriptionDelay: Duration = .zero,
        recordingStatusDelay: Duration = .zero,
        strictAudio: Bool = false,
        recordingUploadURL: URL? = nil,
        maxWebhooks: Int = 200,
        maxSimulatedDuration: Duration = .seconds(2 * 60 * 60)
    ) {
        self.voiceURL = voiceURL
        self.voiceMethod = voiceMethod
        self.statusCallbackURL = statusCallbackURL
        self.fallbackURL = fallbackURL
        self.authToken = authToken
        self.accountSid = accountSid
        self.from = from
        self.to = to
        self.fromCountry = fromCountry
        self.toCountry = toCountry
        self.recordingBaseURLOverride = recordingBaseURL
        self.timeScale = timeScale
        self.webhookTimeLimit = webhookTimeLimit
        self.transcriptionDelay = transcriptionDelay
        self.recordingStatusDelay = recordingStatusDelay
        self.strictAudio = strictAudio
        self.recordingUploadURL = recordingUploadURL
        self.maxWebhooks = maxWebhooks
        self.maxSimulatedDuration = maxSimulatedDuration
    }
}

/// Silence in a simulated answer: before the first word, and after chosen words.
public struct AnswerDelivery: Sendable, Equatable {
    /// Seconds of silence before the first word.
    public var speechStart: Double
    /// Word index (0-based) -> seconds of silence after that word.
    public var pauses: [Int: Double]

    public init(speechStart: Double = 0, pauses: [Int: Double] = [:]) {
        self.speechStart = speechStart
        self.pauses = pauses
    }

    /// The upload form fields; none for an evenly spoken answer.
    var formFields: [(String, String)] {
        var fields: [(String, String)] = []
        if speechStart > 0 { fields.append(("speech_start", String(speechStart))) }
        if !pauses.isEmpty {
            fields.append(
                ("pauses", pauses.sorted { $0.key < $1.key }.map { "\($0.key):\($0.value)" }.joined(separator: ",")))
        }
        return fields
    }
}
