/// When to try a failed request again: exponential backoff with jitter, but only while a new attempt
/// can still finish before the call's deadline. A retry that cannot finish would only delay the fallback.
public struct RetryPolicy: Sendable, Equatable {
    /// Attempts in total, the first one included.
    public var maxAttempts: Int
    /// Delay before the first retry; each later retry doubles it, up to `maxDelay`.
    public var baseDelay: Double
    public var maxDelay: Double
    /// Fraction of the delay drawn at random (0 = none, 1 = anywhere from 0 to the full delay), so that
    /// many calls failing together do not retry in lock step.
    public var jitter: Double
    /// The least time an attempt is assumed to need, when the last one was faster.
    public var minimumAttemptSeconds: Double
    /// Cap on one attempt, so that a hung connection leaves time to retry; nil lets an attempt use all the
    /// time left (right for slow model answers).
    public var attemptTimeoutSeconds: Double?

    public init(
        maxAttempts: Int = 3, baseDelay: Double = 0.25, maxDelay: Double = 2, jitter: Double = 0.5,
        minimumAttemptSeconds: Double = 0.2, attemptTimeoutSeconds: Double? = nil
    ) {
        self.maxAttempts = max(1, maxAttempts)
        self.baseDelay = max(0, baseDelay)
        self.maxDelay = max(self.baseDelay, maxDelay)
        self.jitter = min(max(jitter, 0), 1)
        self.minimumAttemptSeconds = max(0, minimumAttemptSeconds)
        self.attemptTimeoutSeconds = attemptTimeoutSeconds.map { max(0.05, $0) }
    }

    public static let standard = RetryPolicy()
    /// One attempt only.
    public static let none = RetryPolicy(maxAttempts: 1)

    /// The backoff before retry number `retry` (1 = the first retry), before jitter.
    public func backoff(retry: Int) -> Double {
        let exponent = Double(max(0, retry - 1))
        return min(maxDelay, baseDelay * Double.pow2(exponent))
    }

    /// Seconds to wait before the next attempt, or nil to give up now.
    ///
    /// - Parameters:
    ///   - attempt: attempts made so far (1 after the first failure).
    ///   - error: why the last attempt failed.
    ///   - lastAttemptSeconds: how long that attempt took; the next one is assumed to take as long.
    ///   - remainingSeconds: time left before the call's deadline.
    ///   - random: a number in 0..<1 (injected so that tests are exact).
    public func delay(
        afterAttempt attempt: Int, error: ProviderError, lastAttemptSeconds: Double, remainingSeconds: Double,
        random: Double = Double.random(in: 0..<1)
    ) -> Double? {
        guard attempt < maxAttempts, error.isRetryable else { return nil }
        var wait = backoff(retry: attempt)
        wait -= wait * jitter * min(max(random, 0), 1)
        // The provider's own Retry-After wins over a shorter backoff: retrying earlier is wasted.
        if case .rateLimited(let retryAfter?) = error { wait = max(wait, retryAfter) }
        let nextAttempt = max(minimumAttemptSeconds, lastAttemptSeconds)
        guard wait + nextAttempt <= remainingSeconds else { return nil }
        return wait
    }
}

extension Double {
    fileprivate static func pow2(_ exponent: Double) -> Double {
        var result = 1.0
        var remaining = Int(exponent)
        while remaining > 0 && result < 1e9 {
            result *= 2
            remaining -= 1
        }
        return result
    }
}
