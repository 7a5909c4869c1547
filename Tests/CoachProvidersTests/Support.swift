// Time bounds in these tests compare a fast failure (seconds) with a 30 s default deadline or a 20 s
// fake latency, so a busy machine cannot make them flake.
import CoachAudio
import CoachFakes
import CoachProviders
import CoachTestSupport
import Foundation
import Logging

/// A logger that prints nothing: test output stays readable when many fakes run in parallel.
let quietLogger = Logger(label: "coachline.providers.tests", factory: { _ in SwiftLogNoOpLogHandler() })

/// Fresh fakes for one test (see `CoachTestSupport.withFakes`), logging to this target's logger.
func withFakes(_ body: (RunningFakes, FakeControl) async throws -> Void) async throws {
    try await CoachTestSupport.withFakes(logger: quietLogger, body)
}

/// A transport with a breaker that will not open during a test unless asked to.
func transport(
    _ provider: String, retry: RetryPolicy = .standard, failureThreshold: Int = 100, coolDownSeconds: Double = 30
) -> ProviderHTTPClient {
    ProviderHTTPClient(
        provider: provider, retryPolicy: retry,
        circuitBreaker: CircuitBreaker(
            provider: provider, failureThreshold: failureThreshold, coolDownSeconds: coolDownSeconds),
        logger: quietLogger)
}

func chatClient(
    _ fakes: RunningFakes, timeout: Double = 30, transport custom: ProviderHTTPClient? = nil
) -> OpenAIChatClient {
    OpenAIChatClient(
        configuration: OpenAIConfiguration(baseURL: fakes.openAIBaseURL, apiKey: "sk-test", timeoutSeconds: timeout),
        transport: custom ?? transport("openai-chat"), logger: quietLogger)
}

/// Runs `operation` and returns its error (nil on success) and how long it took.
func timed<T>(_ operation: () async throws -> T) async -> (error: (any Error)?, seconds: Double) {
    let start = ContinuousClock.now
    do {
        _ = try await operation()
        return (nil, elapsed(since: start))
    } catch {
        return (error, elapsed(since: start))
    }
}

func elapsed(since start: ContinuousClock.Instant) -> Double {
    let parts = (ContinuousClock.now - start).components
    return Double(parts.seconds) + Double(parts.attoseconds) / 1e18
}

/// Parses a synthesizer's output and checks it is what a phone call plays without conversion.
func telephonyWAV(_ bytes: [UInt8]) throws -> WAVAudio {
    let wav = try WAVAudio.parse(Data(bytes))
    guard wav.isTelephonyReady, !wav.payload.isEmpty else {
        throw TestFailure("not 8 kHz mono mu-law audio: \(wav.encoding) \(wav.sampleRate) Hz \(wav.channels) ch")
    }
    return wav
}

struct TestFailure: Error, CustomStringConvertible {
    let description: String

    init(_ description: String) {
        self.description = description
    }
}
