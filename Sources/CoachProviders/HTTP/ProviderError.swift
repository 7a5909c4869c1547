/// What went wrong talking to a provider, precise enough that the caller can count it and a log
/// line says what happened. Every case ends in a fallback (bank question, `<Say>`, Twilio's transcript).
public enum ProviderError: Error, Sendable, Equatable, CustomStringConvertible {
    /// A status the client does not handle more specifically, with the provider's error code and message.
    case http(status: Int, code: String?, message: String)
    /// 429 without a quota problem; `retryAfter` in seconds when the provider said.
    case rateLimited(retryAfter: Double?)
    /// Billing: OpenAI's `insufficient_quota` or Murf's 402. Retrying cannot help.
    case quotaExhausted(String)
    /// 401 or 403: a missing, wrong or revoked key.
    case unauthorized(status: Int, message: String)
    /// No complete answer within the deadline, in seconds.
    case timeout(Double)
    /// The answer could not be read: bad JSON, a truncated body, unexpected audio.
    case malformedResponse(String)
    /// The model declined, or stopped for its content filter.
    case refusal(String)
    /// The answer was well formed but unusable (too long, markup, a repeated question...).
    case rejectedContent(String)
    /// Too many recent failures: the call was not attempted.
    case circuitOpen(provider: String)
    /// Connection refused, reset, TLS, DNS: the request may never have reached the provider.
    case transport(String)
    /// A URL outside the configured host: credentials were not sent, nothing was fetched.
    case refusedHost(String)
    /// The provider reported an error inside an otherwise working channel (a WebSocket `error` message).
    case reported(String)

    public var description: String {
        switch self {
        case .http(let status, let code, let message):
            "HTTP \(status)\(code.map { " (\($0))" } ?? ""): \(message)"
        case .rateLimited(let retryAfter):
            "rate limited" + (retryAfter.map { ", retry after \(Self.seconds($0))" } ?? "")
        case .quotaExhausted(let message): "quota exhausted: \(message)"
        case .unauthorized(let status, let message): "unauthorized (HTTP \(status)): \(message)"
        case .timeout(let seconds): "no complete answer within \(Self.seconds(seconds))"
        case .malformedResponse(let detail): "malformed response: \(detail)"
        case .refusal(let detail): "refused: \(detail)"
        case .rejectedContent(let detail): "unusable content: \(detail)"
        case .circuitOpen(let provider): "\(provider) skipped: circuit open after repeated failures"
        case .transport(let detail): "transport error: \(detail)"
        case .refusedHost(let url): "refused to fetch \(url): not the configured host"
        case .reported(let message): "provider reported an error: \(message)"
        }
    }

    /// A short label for counters (one per case; HTTP errors by status class).
    public var kind: String {
        switch self {
        case .http(let status, _, _): status >= 500 ? "http_5xx" : "http_4xx"
        case .rateLimited: "rate_limited"
        case .quotaExhausted: "quota_exhausted"
        case .unauthorized: "unauthorized"
        case .timeout: "timeout"
        case .malformedResponse: "malformed_response"
        case .refusal: "refusal"
        case .rejectedContent: "rejected_content"
        case .circuitOpen: "circuit_open"
        case .transport: "transport"
        case .refusedHost: "refused_host"
        case .reported: "reported_error"
        }
    }

    /// Whether another attempt might succeed: overload, outages and lost connections, never our own mistakes.
    public var isRetryable: Bool {
        switch self {
        case .http(let status, _, _): status >= 500
        case .rateLimited, .timeout, .transport: true
        default: false
        }
    }

    /// Whether this failure says the provider is down or unusable for every call (so the breaker counts it),
    /// as opposed to a problem with one request or one answer.
    public var indicatesOutage: Bool {
        switch self {
        case .http(let status, _, _): status >= 500
        case .rateLimited, .timeout, .transport, .quotaExhausted, .unauthorized, .malformedResponse: true
        default: false
        }
    }

    private static func seconds(_ value: Double) -> String {
        "\((value * 100).rounded() / 100) s"
    }
}
