/// The settings a server under benchmark runs with: every provider switched on and pointed at the
/// fakes, signatures checked (their HMAC is part of every real webhook's cost), the design chosen.
public enum BenchEnvironment {
    public static let accountSid = "AC00000000000000000000000000000001"
    public static let authToken = "bench-token"

    /// `fakesURL`: where `coachline fakes` (or `FakeServers`) listens, e.g. `http://127.0.0.1:4010`.
    public static func server(fakesURL: String, design: BenchPlan.Design, databaseURL: String) -> [String: String] {
        [
            "DATABASE_URL": databaseURL, "QUESTION_TIMING": design.rawValue,
            "OPENAI_API_KEY": "fake", "OPENAI_BASE_URL": fakesURL + "/v1", "TRANSCRIBE_PROVIDER": "openai",
            "TWILIO_API_BASE_URL": fakesURL, "TWILIO_ACCOUNT_SID": accountSid,
            "TWILIO_AUTH_TOKEN": authToken, "TTS_PROVIDER": "murf", "MURF_API_KEY": "fake", "MURF_BASE_URL": fakesURL,
        ]
    }

    /// Where the benchmark's calls go: that server, with recordings uploaded to the fakes.
    public static func target(baseURL: String, fakesURL: String) -> BenchTarget {
        BenchTarget(baseURL: baseURL, authToken: authToken, accountSid: accountSid, fakesURL: fakesURL)
    }
}
