/// Every URL the call flow hands to Twilio. Paths are the seed system's where one existed, so a
/// Twilio number configured for it keeps working.
public enum Route: Sendable, Equatable {
    case voice(resume: Bool)
    case menu(attempt: Int)
    case role(attempt: Int)
    case startInterview
    case response(question: Int)
    /// `heldSince`: when the caller's answer arrived (Unix milliseconds), so whichever instance
    /// finally asks the question can measure how long the caller waited.
    case continueInterview(question: Int, attempt: Int, heldSince: Int64? = nil)
    case transcription
    case recordingStatus
    case status
    case fallback
    case audio(key: String)

    public var path: String {
        switch self {
        case .voice: "/webhook/voice"
        case .menu: "/webhook/menu"
        case .role: "/webhook/role"
        case .startInterview: "/start-interview"
        case .response: "/webhook/response"
        case .continueInterview: "/continue-interview"
        case .transcription: "/webhook/transcription"
        case .recordingStatus: "/webhook/recording-status"
        case .status: "/webhook/status"
        case .fallback: "/webhook/fallback"
        case .audio(let key): "/audio/\(key).wav"
        }
    }

    public var query: [(String, String)] {
        switch self {
        case .voice(let resume): resume ? [("resume", "1")] : []
        case .menu(let attempt), .role(let attempt): [("attempt", String(attempt))]
        case .response(let question): [("q", String(question))]
        case .continueInterview(let question, let attempt, let heldSince):
            [("q", String(question)), ("attempt", String(attempt))] + (heldSince.map { [("since", String($0))] } ?? [])
        default: []
        }
    }

    public var pathAndQuery: String {
        let query = self.query
        guard !query.isEmpty else { return path }
        return path + "?" + query.map { "\($0.0)=\($0.1)" }.joined(separator: "&")
    }
}

/// Turns routes into the URLs written into TwiML: absolute from the public base URL when one is
/// configured (Twilio then needs no guessing behind proxies and tunnels), relative otherwise.
public struct Links: Sendable {
    public let baseURL: String?

    public init(baseURL: String?) {
        var base = baseURL
        while base?.hasSuffix("/") == true { base?.removeLast() }
        self.baseURL = (base?.isEmpty ?? true) ? nil : base
    }

    public func url(_ route: Route) -> String {
        (baseURL ?? "") + route.pathAndQuery
    }
}
