/// Where and how to reach an OpenAI-compatible endpoint. The chat, transcription and speech clients each take
/// their own, so that (for example) transcription can run on a local server while chat uses OpenAI.
public struct OpenAIConfiguration: Sendable, Equatable {
    public static let defaultBaseURL = "https://api.openai.com/v1"
    public static let defaultChatModel = "gpt-4o-mini"
    public static let defaultTranscriptionModel = "whisper-1"
    public static let defaultSpeechModel = "tts-1"

    /// Includes the version path, e.g. `https://api.openai.com/v1` or `http://localhost:11434/v1`.
    public var baseURL: String
    /// Sent as a Bearer token; may be empty for local servers that need none.
    public var apiKey: String
    public var model: String
    /// The whole call, retries included.
    public var timeoutSeconds: Double

    public init(
        baseURL: String = OpenAIConfiguration.defaultBaseURL, apiKey: String,
        model: String = OpenAIConfiguration.defaultChatModel, timeoutSeconds: Double = 8
    ) {
        var base = baseURL
        while base.hasSuffix("/") { base.removeLast() }
        self.baseURL = base
        self.apiKey = apiKey
        self.model = model
        self.timeoutSeconds = timeoutSeconds
    }

    func url(_ path: String) -> String { baseURL + path }

    var authorization: [(String, String)] {
        apiKey.isEmpty ? [] : [("Authorization", "Bearer \(apiKey)")]
    }
}
