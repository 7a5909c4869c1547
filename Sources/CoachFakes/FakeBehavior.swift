/// The vendor endpoints the fakes imitate; each has its own behavior, failure count and request log.
public enum FakeService: String, CaseIterable, Sendable, Codable {
    case openAIChat, openAITranscription, openAISpeech, murfGenerate, murfStream, twilioMedia
}

/// A way a vendor can fail. Each service ignores the failures that make no sense for it (see `applies(to:)`);
/// an ignored failure does not count against `failTimes`.
public enum FakeFailure: String, CaseIterable, Sendable, Codable {
    case badRequest = "400"
    case unauthorized = "401"
    case paymentRequired = "402"
    case forbidden = "403"
    case rateLimited = "429"
    case serverError = "500"
    case unavailable = "503"
    /// OpenAI 429 with error.code/type insufficient_quota; Murf answers 402 (characters exhausted), Twilio 429.
    case insufficientQuota = "quota"
    /// 200 with a body that is not JSON (not audio, for the audio endpoints).
    case malformedJSON = "malformed"
    /// 200 with the real body cut in the middle (JSON that does not parse, WAV shorter than its header says).
    case truncatedBody = "truncated"
    /// Chat only: message.content null, message.refusal set.
    case refusal
    /// Murf WebSocket only: close the connection after the first audio chunk.
    case droppedStream = "drop"
    /// 404: for Twilio media "recording not written yet", elsewhere "model/resource not found".
    case notReady = "404"

    /// The HTTP status this failure answers with, or `nil` for the 200-with-a-bad-body kinds.
    /// `insufficientQuota` is 429 here; Murf maps it to 402 itself.
    public var httpStatus: Int? {
        switch self {
        case .badRequest: 400
        case .unauthorized: 401
        case .paymentRequired: 402
        case .forbidden: 403
        case .notReady: 404
        case .rateLimited, .insufficientQuota: 429
        case .serverError: 500
        case .unavailable: 503
        case .malformedJSON, .truncatedBody, .refusal, .droppedStream: nil
        }
    }

    /// Whether `service` can show this failure. A refusal only exists in chat, a dropped stream only on a socket.
    public func applies(to service: FakeService) -> Bool {
        switch self {
        case .refusal: service == .openAIChat
        case .droppedStream: service == .murfStream
        default: true
        }
    }
}

/// How one fake service behaves: latency, and which failure for how many requests.
public struct FakeBehavior: Sendable, Codable, Equatable {
    /// Seconds, drawn uniformly from minLatency...maxLatency; applied before answering
    /// (Murf WebSocket: before the first chunk of each utterance).
    public var minLatency: Double = 0
    public var maxLatency: Double = 0
    public var failure: FakeFailure? = nil
    /// Fail the first N requests then behave; nil = fail every request. Counting restarts when the behavior is set.
    public var failTimes: Int? = nil
    /// Retry-After sent with 429 and 503 (rounded up to whole seconds; `retry-after-ms` carries the exact value).
    public var retryAfterSeconds: Double = 1
    /// Chat only: word every question differently, as a model sampling above temperature 0 does, so no two calls
    /// share a question's audio. Off, the same prompt gets the same words, which tests rely on.
    public var sampled: Bool = false

    public init(
        minLatency: Double = 0,
        maxLatency: Double = 0,
        failure: FakeFailure? = nil,
        failTimes: Int? = nil,
        retryAfterSeconds: Double = 1,
        sampled: Bool = false
    ) {
        self.minLatency = minLatency
        self.maxLatency = maxLatency
        self.failure = failure
        self.failTimes = failTimes
        self.retryAfterSeconds = retryAfterSeconds
        self.sampled = sampled
    }

    /// Answer normally, at once.
    public static let normal = FakeBehavior()

    /// Fail with `failure`, for the first `times` requests only when given.
    public static func failing(_ failure: FakeFailure, times: Int? = nil, retryAfterSeconds: Double = 1) -> FakeBehavior
    {
        FakeBehavior(failure: failure, failTimes: times, retryAfterSeconds: retryAfterSeconds)
    }

    /// Every key is optional so the admin endpoint accepts partial JSON such as `{"failure":"429"}`.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        minLatency = try container.decodeIfPresent(Double.self, forKey: .minLatency) ?? 0
        maxLatency = try container.decodeIfPresent(Double.self, forKey: .maxLatency) ?? minLatency
        failure = try container.decodeIfPresent(FakeFailure.self, forKey: .failure)
        failTimes = try container.decodeIfPresent(Int.self, forKey: .failTimes)
        retryAfterSeconds = try container.decodeIfPresent(Double.self, forKey: .retryAfterSeconds) ?? 1
        sampled = try container.decodeIfPresent(Bool.self, forKey: .sampled) ?? false
    }

    /// A latency drawn from the configured range; a reversed range counts as its lower end.
    func drawLatency() -> Double {
        let low = max(0, minLatency)
        let high = max(low, maxLatency)
        return high > low ? Double.random(in: low...high) : low
    }

    /// Sleeps for a drawn latency.
    func sleepLatency() async throws {
        let seconds = drawLatency()
        if seconds > 0 {
            try await Task.sleep(for: .seconds(seconds))
        }
    }
}
