/// Why a request or a call went wrong.
public enum TwilioSimError: Error, Sendable, CustomStringConvertible {
    /// The server broke a rule of Twilio's protocol (a bad document, a failed webhook, a bad audio file).
    case violation(String, url: String)
    /// The request never got an answer: connection refused, reset, DNS...
    case transport(String, url: String)
    /// No complete answer within the webhook time limit (Twilio error 11205).
    case timeLimitExceeded(Duration, url: String)
    /// The simulator cannot start with this configuration.
    case invalidConfiguration(String)

    public var description: String {
        switch self {
        case .violation(let message, let url): "\(url): \(message)"
        case .transport(let message, let url): "\(url): transport failure: \(message)"
        case .timeLimitExceeded(let limit, let url): "\(url): no answer within \(limit)"
        case .invalidConfiguration(let message): "invalid configuration: \(message)"
        }
    }
}
