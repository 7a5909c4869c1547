/// Murf AI settings shared by the REST and the streaming synthesizer.
public struct MurfConfiguration: Sendable, Equatable {
    public static let defaultBaseURL = "https://api.murf.ai"
    public static let defaultStreamURL = "wss://global.api.murf.ai/v1/speech/stream-input"

    public var apiKey: String
    /// `MURF_BASE_URL`, without the `/v1/...` path.
    public var baseURL: String
    /// The WebSocket endpoint, without query; the audio format parameters are added by the client.
    public var streamURL: String
    public var voiceId: String
    public var style: String?
    /// -50...50.
    public var rate: Int?
    /// -50...50.
    public var pitch: Int?
    /// One utterance, retries included.
    public var timeoutSeconds: Double

    public init(
        apiKey: String, baseURL: String = MurfConfiguration.defaultBaseURL,
        streamURL: String = MurfConfiguration.defaultStreamURL, voiceId: String = "en-US-natalie",
        style: String? = nil, rate: Int? = nil, pitch: Int? = nil, timeoutSeconds: Double = 8
    ) {
        var base = baseURL
        while base.hasSuffix("/") { base.removeLast() }
        self.apiKey = apiKey
        self.baseURL = base
        self.streamURL = streamURL
        self.voiceId = voiceId
        self.style = style
        self.rate = rate.map { min(max($0, -50), 50) }
        self.pitch = pitch.map { min(max($0, -50), 50) }
        self.timeoutSeconds = timeoutSeconds
    }

    /// `murf:<voice>:<style>[:rate<r>][:pitch<p>]:<model>`: everything that changes the sound, so the audio
    /// cache never serves one voice's audio for another.
    func voiceIdentity(model: String) -> String {
        var identity = "murf:\(voiceId):\(style ?? "default")"
        if let rate { identity += ":rate\(rate)" }
        if let pitch { identity += ":pitch\(pitch)" }
        return identity + ":" + model.lowercased()
    }
}
