import AsyncHTTPClient
import Logging
import NIOCore

/// Sends requests to one provider within a deadline: retries what may succeed (per `RetryPolicy`), fails at
/// once while the provider's circuit is open, and counts every attempt. Shared by all clients of a provider,
/// so that they share its breaker and counters.
public final class ProviderHTTPClient: Sendable {
    public let provider: String
    public let retryPolicy: RetryPolicy
    public let circuitBreaker: CircuitBreaker
    public let metrics: ProviderMetrics
    /// Largest body read; anything bigger is an error rather than a memory spike.
    public let maxResponseBytes: Int
    private let http: HTTPClient
    private let logger: Logger

    public init(
        provider: String, retryPolicy: RetryPolicy = .standard, circuitBreaker: CircuitBreaker? = nil,
        maxResponseBytes: Int = 32 << 20, httpClient: HTTPClient = .providers, logger: Logger
    ) {
        self.provider = provider
        self.retryPolicy = retryPolicy
        self.circuitBreaker = circuitBreaker ?? CircuitBreaker(provider: provider)
        self.metrics = ProviderMetrics(provider: provider)
        self.maxResponseBytes = maxResponseBytes
        self.http = httpClient
        var logger = logger
        logger[metadataKey: "provider"] = .string(provider)
        self.logger = logger
    }

    /// Sends `request` until `decode` accepts a 2xx answer, a failure cannot be retried, or no retry could
    /// finish within `timeoutSeconds` (measured from now, retries and back-off included).
    ///
    /// - Parameters:
    ///   - accept: statuses handed to `decode` instead of being turned into errors (2xx by default).
    ///   - decode: reads the answer; throws `ProviderError` for an unusable one (counted, never retried).
    /// - Throws: `ProviderError`, or `CancellationError` when the calling task was cancelled.
    public func send<T: Sendable>(
        _ request: ProviderRequest, timeoutSeconds: Double,
        accept: @Sendable (Int) -> Bool = { (200..<300).contains($0) },
        decode: (ProviderResponse) throws(ProviderError) -> T
    ) async throws -> T {
        // A bad setting must not trap in Duration: treat it as no time at all.
        let timeoutSeconds = timeoutSeconds.isFinite ? max(0, timeoutSeconds) : 0
        let deadline = ContinuousClock.now + .seconds(timeoutSeconds)
        var attempt = 0
        var lastError: ProviderError?
        while true {
            attempt += 1
            let ticket: CircuitBreaker.Ticket
            do {
                ticket = try await circuitBreaker.admit()
            } catch {
                // Mid-retry, the error that opened the circuit says more than the circuit itself.
                if let lastError { throw lastError }
                metrics.failed(error)
                logger.debug("call skipped: circuit open")
                throw error
            }
            let started = ContinuousClock.now
            let result: Result<T, ProviderError>
            do {
                let response = try await perform(request, until: deadline, timeoutSeconds: timeoutSeconds)
                metrics.latency(seconds(since: started))
                if accept(response.status) {
                    result = Result { () throws(ProviderError) in try decode(response) }
                } else {
                    result = .failure(
                        ProviderErrorMapper.error(
                            status: response.status, headers: response.headers, body: response.body))
                }
            } catch let error as ProviderError {
                result = .failure(error)
            } catch {
                await circuitBreaker.recordAbandoned(ticket)
                throw error
            }

            switch result {
            case .success(let value):
                await circuitBreaker.recordSuccess(ticket)
                metrics.succeeded()
                return value
            case .failure(let error):
                await circuitBreaker.recordFailure(ticket, error)
                metrics.failed(error)
                lastError = error
                let remaining = seconds(until: deadline)
                guard
                    let wait = retryPolicy.delay(
                        afterAttempt: attempt, error: error, lastAttemptSeconds: seconds(since: started),
                        remainingSeconds: remaining)
                else {
                    logger.debug("call failed", metadata: ["error": "\(error)", "attempts": "\(attempt)"])
                    throw error
                }
                logger.debug(
                    "retrying", metadata: ["error": "\(error)", "attempt": "\(attempt)", "wait": "\(wait)"])
                metrics.retryStarted()
                try await Task.sleep(for: .seconds(wait))
            }
        }
    }

    /// One attempt: the whole response, body included, or a `ProviderError` by the deadline.
    private func perform(
        _ request: ProviderRequest, until deadline: ContinuousClock.Instant, timeoutSeconds: Double
    ) async throws -> ProviderResponse {
        let remaining = seconds(until: deadline)
        guard remaining > 0 else { throw ProviderError.timeout(timeoutSeconds) }
        let limit = retryPolicy.attemptTimeoutSeconds.map { min($0, remaining) } ?? remaining
        metrics.requestSent()
        let http = self.http
        let maxBytes = maxResponseBytes
        do {
            return try await withTimeLimit(seconds: limit) {
                let response: HTTPClientResponse
                do {
                    response = try await http.execute(
                        request.clientRequest(), deadline: .now() + .nanoseconds(Int64(limit * 1e9)))
                } catch {
                    throw Self.map(error, timeoutSeconds: timeoutSeconds)
                }
                let status = Int(response.status.code)
                do {
                    let body = try await response.body.collect(upTo: maxBytes)
                    return ProviderResponse(status: status, headers: response.headers, body: Array(buffer: body))
                } catch let error as NIOTooManyBytesError {
                    throw ProviderError.malformedResponse("body over \(error.maxBytes ?? maxBytes) bytes")
                } catch is CancellationError {
                    throw CancellationError()
                } catch {
                    // The head arrived, so the provider answered: a body cut short is an unreadable answer.
                    throw ProviderError.malformedResponse("body cut off after status \(status): \(error)")
                }
            }
        } catch is TimeLimitExceeded {
            throw ProviderError.timeout(timeoutSeconds)
        }
    }

    private static func map(_ error: any Error, timeoutSeconds: Double) -> any Error {
        if error is CancellationError { return error }
        if let error = error as? HTTPClientError {
            switch error {
            case .deadlineExceeded, .readTimeout, .writeTimeout, .connectTimeout, .tlsHandshakeTimeout,
                .getConnectionFromPoolTimeout:
                return ProviderError.timeout(timeoutSeconds)
            case .cancelled:
                return CancellationError()
            default:
                return ProviderError.transport("\(error)")
            }
        }
        return ProviderError.transport(String(describing: error))
    }

    private func seconds(since instant: ContinuousClock.Instant) -> Double {
        (ContinuousClock.now - instant).seconds
    }

    private func seconds(until instant: ContinuousClock.Instant) -> Double {
        (instant - ContinuousClock.now).seconds
    }
}

extension HTTPClient {
    /// The client every provider uses unless told otherwise. It never follows redirects: a redirect could carry
    /// an API key to another host; the one place that needs redirects (recordings) follows them itself.
    public static let providers: HTTPClient = {
        var configuration = HTTPClient.Configuration(
            redirectConfiguration: .disallow,
            timeout: .init(connect: .seconds(5)),
            decompression: .enabled(limit: .ratio(25))
        )
        // The default (8 per host) would queue requests behind each other inside this process and
        // count the queueing as provider latency. Jobs are bounded by JOB_CONCURRENCY anyway; only
        // the inline benchmark design calls a provider from every webhook at once.
        configuration.connectionPool.concurrentHTTP1ConnectionsPerHostSoftLimit = 256
        return HTTPClient(eventLoopGroup: HTTPClient.defaultEventLoopGroup, configuration: configuration)
    }()
}

extension Duration {
    var seconds: Double {
        let parts = components
        return Double(parts.seconds) + Double(parts.attoseconds) / 1e18
    }
}
