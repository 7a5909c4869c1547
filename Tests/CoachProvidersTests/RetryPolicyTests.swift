import Foundation
import NIOHTTP1
import Testing

@testable import CoachProviders

@Suite("Retry policy")
struct RetryPolicyTests {
    let policy = RetryPolicy(maxAttempts: 5, baseDelay: 0.25, maxDelay: 1, jitter: 0.5, minimumAttemptSeconds: 0.2)
    let serverError = ProviderError.http(status: 500, code: nil, message: "boom")

    @Test func backoffDoublesUpToTheCap() {
        #expect((1...5).map(policy.backoff(retry:)) == [0.25, 0.5, 1, 1, 1])
    }

    @Test func jitterOnlyShortensTheDelay() {
        let none = policy.delay(
            afterAttempt: 2, error: serverError, lastAttemptSeconds: 0, remainingSeconds: 10, random: 0)
        let most = policy.delay(
            afterAttempt: 2, error: serverError, lastAttemptSeconds: 0, remainingSeconds: 10, random: 0.999)
        #expect(none == 0.5)
        #expect(most.map { $0 >= 0.25 && $0 < 0.5 } == true)
    }

    @Test(arguments: [
        ProviderError.http(status: 500, code: nil, message: ""), .http(status: 503, code: nil, message: ""),
        .rateLimited(retryAfter: nil), .timeout(1), .transport("reset"),
    ])
    func retriesWhatMaySucceed(_ error: ProviderError) {
        #expect(policy.delay(afterAttempt: 1, error: error, lastAttemptSeconds: 0.1, remainingSeconds: 10) != nil)
    }

    @Test(arguments: [
        ProviderError.http(status: 400, code: nil, message: ""), .http(status: 404, code: nil, message: ""),
        .unauthorized(status: 401, message: ""), .unauthorized(status: 403, message: ""), .quotaExhausted("x"),
        .malformedResponse("x"), .refusal("x"), .rejectedContent("x"), .circuitOpen(provider: "p"),
        .refusedHost("x"),
    ])
    func neverRetriesOurMistakesOrBilling(_ error: ProviderError) {
        #expect(policy.delay(afterAttempt: 1, error: error, lastAttemptSeconds: 0.1, remainingSeconds: 10) == nil)
    }

    @Test func stopsAfterMaxAttempts() {
        #expect(policy.delay(afterAttempt: 4, error: serverError, lastAttemptSeconds: 0, remainingSeconds: 10) != nil)
        #expect(policy.delay(afterAttempt: 5, error: serverError, lastAttemptSeconds: 0, remainingSeconds: 10) == nil)
    }

    @Test func honoursRetryAfterOverAShorterBackoff() {
        let wait = policy.delay(
            afterAttempt: 1, error: .rateLimited(retryAfter: 2), lastAttemptSeconds: 0.1, remainingSeconds: 10,
            random: 0)
        #expect(wait == 2)
    }

    @Test func neverStartsARetryThatCannotFinishBeforeTheDeadline() {
        // Retry-After beyond the deadline: fail now, the fallback is better than waiting for nothing.
        #expect(
            policy.delay(
                afterAttempt: 1, error: .rateLimited(retryAfter: 5), lastAttemptSeconds: 0.1, remainingSeconds: 4)
                == nil)
        // The last attempt took 3 s; 0.25 s of back-off plus another 3 s does not fit in 3 s.
        #expect(
            policy.delay(afterAttempt: 1, error: serverError, lastAttemptSeconds: 3, remainingSeconds: 3, random: 0)
                == nil)
        #expect(
            policy.delay(afterAttempt: 1, error: serverError, lastAttemptSeconds: 3, remainingSeconds: 3.5, random: 0)
                == 0.25)
        // A fast failure still needs the minimum attempt time.
        #expect(
            policy.delay(afterAttempt: 1, error: serverError, lastAttemptSeconds: 0, remainingSeconds: 0.3, random: 0)
                == nil)
    }

    @Test func retryAfterHeaderForms() {
        #expect(ProviderErrorMapper.retryAfter(["Retry-After": "3"]) == 3)
        #expect(ProviderErrorMapper.retryAfter(["Retry-After": "1", "retry-after-ms": "250"]) == 0.25)
        #expect(ProviderErrorMapper.retryAfter([:]) == nil)
        let now = Date(timeIntervalSince1970: 1_700_000_000)
        let date = ProviderErrorMapper.retryAfter(["Retry-After": "Tue, 14 Nov 2023 22:13:30 GMT"], now: now)
        #expect(date.map { abs($0 - 10) < 0.001 } == true)
    }

    @Test func errorBodiesBecomePreciseErrors() {
        let quota = Array(
            #"{"error":{"message":"You exceeded your quota","type":"insufficient_quota","code":"insufficient_quota"}}"#
                .utf8)
        #expect(
            ProviderErrorMapper.error(status: 429, headers: [:], body: quota)
                == .quotaExhausted("You exceeded your quota"))
        #expect(
            ProviderErrorMapper.error(status: 429, headers: ["retry-after-ms": "500"], body: [])
                == .rateLimited(retryAfter: 0.5))
        let murf = Array(#"{"errorMessage":"Invalid api key","errorCode":403}"#.utf8)
        #expect(
            ProviderErrorMapper.error(status: 403, headers: [:], body: murf)
                == .unauthorized(status: 403, message: "Invalid api key"))
        let bad = Array(#"{"error":{"message":"bad schema","type":"invalid_request_error","code":null}}"#.utf8)
        #expect(
            ProviderErrorMapper.error(status: 400, headers: [:], body: bad)
                == .http(status: 400, code: "invalid_request_error", message: "bad schema"))
    }
}
