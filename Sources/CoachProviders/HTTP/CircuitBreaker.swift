/// Stops calling a provider that keeps failing, so an outage costs a few calls their deadline instead of
/// every call. After `failureThreshold` consecutive outage-type failures it opens for `coolDownSeconds`;
/// then one probe call is let through (half-open): success closes it, failure opens it again.
public actor CircuitBreaker {
    public enum State: Sendable, Equatable {
        case closed
        case open
        case halfOpen
    }

    /// Proof of admission, handed back with the outcome so a probe's result is never taken for another call's.
    public struct Ticket: Sendable {
        fileprivate let isProbe: Bool
    }

    public let provider: String
    public let failureThreshold: Int
    public let coolDownSeconds: Double
    private var consecutiveFailures = 0
    private var openedAt: ContinuousClock.Instant?
    private var probeInFlight = false

    public init(provider: String, failureThreshold: Int = 5, coolDownSeconds: Double = 30) {
        self.provider = provider
        self.failureThreshold = max(1, failureThreshold)
        self.coolDownSeconds = max(0, coolDownSeconds)
    }

    public var state: State {
        guard let openedAt else { return .closed }
        return ContinuousClock.now - openedAt >= .seconds(coolDownSeconds) ? .halfOpen : .open
    }

    /// Admits a call or fails at once with `circuitOpen`.
    public func admit() throws(ProviderError) -> Ticket {
        switch state {
        case .closed:
            return Ticket(isProbe: false)
        case .open:
            throw .circuitOpen(provider: provider)
        case .halfOpen:
            guard !probeInFlight else { throw .circuitOpen(provider: provider) }
            probeInFlight = true
            return Ticket(isProbe: true)
        }
    }

    public func recordSuccess(_ ticket: Ticket) {
        if ticket.isProbe { probeInFlight = false }
        consecutiveFailures = 0
        openedAt = nil
    }

    /// Counts `error` when it says the provider is down; other errors (a bad request, a refusal) reset nothing
    /// and count nothing, but a probe that ends with one still proves the provider answers.
    public func recordFailure(_ ticket: Ticket, _ error: ProviderError) {
        guard error.indicatesOutage else {
            recordSuccess(ticket)
            return
        }
        if ticket.isProbe {
            probeInFlight = false
            openedAt = .now
            return
        }
        consecutiveFailures += 1
        if consecutiveFailures >= failureThreshold, openedAt == nil {
            openedAt = .now
        }
    }

    /// A call that ended without an outcome (cancelled): frees the probe slot without judging the provider.
    public func recordAbandoned(_ ticket: Ticket) {
        if ticket.isProbe { probeInFlight = false }
    }
}
