import CoachProviders
import Testing

@Suite("Circuit breaker")
struct CircuitBreakerTests {
    let outage = ProviderError.http(status: 503, code: nil, message: "down")

    @Test func opensAfterConsecutiveOutageFailures() async throws {
        let breaker = CircuitBreaker(provider: "p", failureThreshold: 3, coolDownSeconds: 60)
        for _ in 0..<2 { await breaker.recordFailure(try await breaker.admit(), outage) }
        #expect(await breaker.state == .closed)
        await breaker.recordFailure(try await breaker.admit(), outage)
        #expect(await breaker.state == .open)
        await #expect(throws: ProviderError.circuitOpen(provider: "p")) { try await breaker.admit() }
    }

    @Test func aSuccessResetsTheCount() async throws {
        let breaker = CircuitBreaker(provider: "p", failureThreshold: 2, coolDownSeconds: 60)
        await breaker.recordFailure(try await breaker.admit(), outage)
        await breaker.recordSuccess(try await breaker.admit())
        await breaker.recordFailure(try await breaker.admit(), outage)
        #expect(await breaker.state == .closed)
    }

    @Test func requestErrorsDoNotCount() async throws {
        let breaker = CircuitBreaker(provider: "p", failureThreshold: 1, coolDownSeconds: 60)
        await breaker.recordFailure(try await breaker.admit(), .http(status: 400, code: nil, message: "bad"))
        await breaker.recordFailure(try await breaker.admit(), .refusal("no"))
        #expect(await breaker.state == .closed)
    }

    @Test func halfOpenLetsOneProbeThrough() async throws {
        let breaker = CircuitBreaker(provider: "p", failureThreshold: 1, coolDownSeconds: 0.1)
        await breaker.recordFailure(try await breaker.admit(), outage)
        try await Task.sleep(for: .milliseconds(150))
        #expect(await breaker.state == .halfOpen)
        let probe = try await breaker.admit()
        await #expect(throws: ProviderError.self) { try await breaker.admit() }
        // The probe fails: open again for a full cool-down.
        await breaker.recordFailure(probe, outage)
        #expect(await breaker.state == .open)
        try await Task.sleep(for: .milliseconds(150))
        await breaker.recordSuccess(try await breaker.admit())
        #expect(await breaker.state == .closed)
        _ = try await breaker.admit()
    }
}
