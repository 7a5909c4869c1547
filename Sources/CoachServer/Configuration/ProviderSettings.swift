/// Settings of the AI providers. Each part switches on when its key is set; with no key at all
/// everything runs offline (bank questions, deterministic coaching, Twilio's voice and transcription).
public struct ProviderSettings: Sendable, Equatable {
    public enum TranscribeProvider: String, Sendable, CaseIterable { case twilio, openai }
    public enum SpeechProvider: String, Sendable, CaseIterable { case murf, openai, twilio }
    public enum MurfTransport: String, Sendable, CaseIterable { case stream, rest }

    public var openAIAPIKey: String?
    public var openAIBaseURL = "https://api.openai.com/v1"
    public var openAIModel = "gpt-4o-mini"
    public var openAITimeoutMilliseconds = 8000
    public var transcribeProvider: TranscribeProvider = .twilio
    public var transcribeBaseURL: String?
    public var transcribeAPIKey: String?
    public var transcribeModel = "whisper-1"
    public var twilioAPIBaseURL = "https://api.twilio.com"
    public var speechProvider: SpeechProvider = .twilio
    public var speechTimeoutMilliseconds = 8000
    public var murfAPIKey: String?
    public var murfBaseURL = "https://api.murf.ai"
    public var murfVoiceID = "en-US-natalie"
    public var murfStyle: String?
    public var murfRate: Int?
    public var murfTransport: MurfTransport = .rest
    public var openAISpeechModel = "tts-1"
    public var openAISpeechVoice = "alloy"

    public init() {}

    /// The chat model is used when a key is set (or a keyless local server is named, see OPENAI_BASE_URL).
    public var languageModelEnabled: Bool { openAIAPIKey != nil }

    static let catalog: [SettingSpec] = [
        .init(
            "OPENAI_API_KEY", "(unset)",
            "Switches on model-written questions, feedback and spoken summaries (any OpenAI-compatible server)."),
        .init(
            "OPENAI_BASE_URL", "https://api.openai.com/v1",
            "OpenAI-compatible API root: Ollama http://localhost:11434/v1, vLLM, llama.cpp, LocalAI."),
        .init("OPENAI_MODEL", "gpt-4o-mini", "Chat model for questions, feedback and summaries."),
        .init("OPENAI_TIMEOUT_MS", "8000", "Deadline of one model task, retries included (500 to 60000)."),
        .init("TRANSCRIBE_PROVIDER", "twilio", "twilio (Twilio's own transcription) or openai (Whisper-style API)."),
        .init("TRANSCRIBE_BASE_URL", "OPENAI_BASE_URL", "API root for transcription."),
        .init("TRANSCRIBE_API_KEY", "OPENAI_API_KEY", "Key for transcription."),
        .init(
            "TRANSCRIBE_MODEL", "whisper-1", "whisper-1 (word timings), gpt-4o-transcribe or gpt-4o-mini-transcribe."),
        .init(
            "TWILIO_API_BASE_URL", "https://api.twilio.com",
            "The only host recordings are downloaded from (with TWILIO_ACCOUNT_SID and TWILIO_AUTH_TOKEN)."),
        .init(
            "TTS_PROVIDER", "murf when MURF_API_KEY is set, else twilio",
            "murf, openai or twilio (Twilio's <Say> voice). USE_MURFAI_TTS=false forces twilio."),
        .init("SPEECH_TIMEOUT_MS", "8000", "Deadline of one synthesis (500 to 60000); then Twilio's voice reads it."),
        .init("MURF_API_KEY", "(unset)", "Murf AI key."),
        .init("MURF_BASE_URL", "https://api.murf.ai", "Murf API root (e.g. https://global.api.murf.ai)."),
        .init("MURF_VOICE_ID", "en-US-natalie", "Murf voice."),
        .init("MURF_STYLE", "(voice default)", "Murf voice style, e.g. Conversational."),
        .init("MURF_RATE", "(0)", "Murf speaking rate, -50 to 50."),
        .init(
            "MURF_TRANSPORT", "rest",
            "rest (/v1/speech/generate, measured faster for whole files) or stream (one WebSocket, reused)."),
        .init("OPENAI_TTS_MODEL", "tts-1", "OpenAI speech model (TTS_PROVIDER=openai)."),
        .init("OPENAI_TTS_VOICE", "alloy", "OpenAI speech voice (TTS_PROVIDER=openai)."),
    ]

    static func load(_ reader: SettingsReader, twilioCredentials: Bool) throws(SettingsError) -> ProviderSettings {
        var settings = ProviderSettings()
        settings.openAIAPIKey = try reader.optional("OPENAI_API_KEY")
        settings.openAIBaseURL = try reader.apiURL("OPENAI_BASE_URL", default: settings.openAIBaseURL)
        settings.openAIModel = try reader.string("OPENAI_MODEL", default: settings.openAIModel)
        settings.openAITimeoutMilliseconds = try reader.int("OPENAI_TIMEOUT_MS", default: 8000, range: 500...60000)
        settings.transcribeProvider = try reader.choice("TRANSCRIBE_PROVIDER", default: .twilio)
        settings.transcribeBaseURL = try reader.optional("TRANSCRIBE_BASE_URL").map { _ throws(SettingsError) in
            try reader.apiURL("TRANSCRIBE_BASE_URL", default: "")
        }
        settings.transcribeAPIKey = try reader.optional("TRANSCRIBE_API_KEY")
        settings.transcribeModel = try reader.string("TRANSCRIBE_MODEL", default: settings.transcribeModel)
        settings.twilioAPIBaseURL = try reader.apiURL("TWILIO_API_BASE_URL", default: settings.twilioAPIBaseURL)
        settings.speechTimeoutMilliseconds = try reader.int("SPEECH_TIMEOUT_MS", default: 8000, range: 500...60000)
        settings.murfAPIKey = try reader.optional("MURF_API_KEY")
        settings.murfBaseURL = try reader.apiURL("MURF_BASE_URL", default: settings.murfBaseURL)
        settings.murfVoiceID = try reader.string("MURF_VOICE_ID", default: settings.murfVoiceID)
        settings.murfStyle = try reader.optional("MURF_STYLE")
        settings.murfRate = try reader.optional("MURF_RATE").map { _ throws(SettingsError) in
            try reader.int("MURF_RATE", default: 0, range: -50...50)
        }
        settings.murfTransport = try reader.choice("MURF_TRANSPORT", default: .rest)
        settings.openAISpeechModel = try reader.string("OPENAI_TTS_MODEL", default: settings.openAISpeechModel)
        settings.openAISpeechVoice = try reader.string("OPENAI_TTS_VOICE", default: settings.openAISpeechVoice)

        let defaultSpeech: SpeechProvider = settings.murfAPIKey != nil ? .murf : .twilio
        settings.speechProvider = try reader.choice("TTS_PROVIDER", default: defaultSpeech)
        if let useMurf = try reader.optional("USE_MURFAI_TTS") {
            switch useMurf.lowercased() {
            case "false", "0", "no": settings.speechProvider = .twilio
            case "true", "1", "yes": break
            default: throw SettingsError(name: "USE_MURFAI_TTS", message: "must be true or false, got '\(useMurf)'")
            }
        }
        try settings.checkKeys(twilioCredentials: twilioCredentials)
        return settings
    }

    /// A provider chosen without what it needs would fail on every call: refuse to start instead.
    func checkKeys(twilioCredentials: Bool) throws(SettingsError) {
        if speechProvider == .murf, murfAPIKey == nil {
            throw SettingsError(name: "TTS_PROVIDER", message: "murf needs MURF_API_KEY")
        }
        if speechProvider == .openai, openAIAPIKey == nil {
            throw SettingsError(name: "TTS_PROVIDER", message: "openai needs OPENAI_API_KEY")
        }
        if transcribeProvider == .openai {
            guard transcribeAPIKey ?? openAIAPIKey != nil else {
                throw SettingsError(
                    name: "TRANSCRIBE_PROVIDER", message: "openai needs TRANSCRIBE_API_KEY or OPENAI_API_KEY")
            }
            guard twilioCredentials else {
                throw SettingsError(
                    name: "TRANSCRIBE_PROVIDER",
                    message: "openai downloads recordings from Twilio: set TWILIO_ACCOUNT_SID and TWILIO_AUTH_TOKEN")
            }
        }
    }
}

extension SettingsReader {
    /// An API root: absolute http(s) URL, trailing slashes dropped.
    func apiURL(_ name: String, default fallback: String) throws(SettingsError) -> String {
        guard var raw = try optional(name) else { return fallback }
        while raw.hasSuffix("/") { raw.removeLast() }
        guard raw.hasPrefix("http://") || raw.hasPrefix("https://"), raw.count > "https://".count else {
            throw SettingsError(name: name, message: "must be an absolute http(s) URL, got '\(raw)'")
        }
        return raw
    }

    func choice<T: RawRepresentable & CaseIterable>(_ name: String, default fallback: T) throws(SettingsError) -> T
    where T.RawValue == String {
        guard let raw = try optional(name) else { return fallback }
        guard let value = T(rawValue: raw.lowercased()) else {
            let options = T.allCases.map(\.rawValue).joined(separator: ", ")
            throw SettingsError(name: name, message: "must be one of \(options); got '\(raw)'")
        }
        return value
    }
}
