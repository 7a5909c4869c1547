import CoachAudio
import Foundation
import Logging
import NIOHTTP1

/// The Twilio account whose recordings may be fetched, and the only origin its credentials go to.
public struct TwilioConfiguration: Sendable, Equatable {
    public static let defaultAPIBaseURL = "https://api.twilio.com"

    public var accountSid: String
    public var authToken: String
    /// `TWILIO_API_BASE_URL`: scheme, host and port that recording URLs must match.
    public var apiBaseURL: String

    public init(accountSid: String, authToken: String, apiBaseURL: String = TwilioConfiguration.defaultAPIBaseURL) {
        self.accountSid = accountSid
        self.authToken = authToken
        self.apiBaseURL = apiBaseURL
    }
}

/// Downloads a caller's recorded answer as WAV. Credentials go only to the configured Twilio origin: a
/// `RecordingUrl` naming any other host is refused outright, since a forged webhook could otherwise collect the
/// Auth Token. Redirects are followed here (the HTTP client never follows them) so that the Authorization
/// header is dropped when one leads elsewhere.
public final class TwilioRecordingFetcher: Sendable {
    public let configuration: TwilioConfiguration
    public let transport: ProviderHTTPClient
    /// The whole download, 404 retries and redirects included.
    public let timeoutSeconds: Double
    /// Waits before each retry of a 404 (the recording may not be stored yet): 4 tries over about 3 s.
    public let notFoundDelays: [Double]
    public let maxRedirects = 5
    private let origin: Origin?
    private let logger: Logger

    public init(
        configuration: TwilioConfiguration, timeoutSeconds: Double = 10, notFoundDelays: [Double] = [0.5, 1, 1.5],
        transport: ProviderHTTPClient? = nil, logger: Logger
    ) {
        self.configuration = configuration
        self.timeoutSeconds = timeoutSeconds
        self.notFoundDelays = notFoundDelays
        self.transport = transport ?? ProviderHTTPClient(provider: "twilio-recordings", logger: logger)
        self.origin = Origin(configuration.apiBaseURL)
        self.logger = logger
    }

    /// The recording's WAV bytes. `recordingURL` is the `RecordingUrl` Twilio posted, without extension.
    ///
    /// - Throws: `ProviderError.refusedHost` (nothing sent) for a URL outside the configured origin.
    public func fetch(recordingURL: String) async throws -> [UInt8] {
        guard let origin, let url = URL(string: recordingURL), Origin(url) == origin else {
            logger.warning(
                "refused to fetch a recording outside the Twilio API origin",
                metadata: ["url": "\(recordingURL.prefix(200))"])
            throw ProviderError.refusedHost(String(recordingURL.prefix(200)))
        }
        let start = ContinuousClock.now
        var retries = notFoundDelays[...]
        while true {
            let remaining = timeoutSeconds - (ContinuousClock.now - start).seconds
            do {
                return try await download(Self.wavURL(url), remainingSeconds: remaining)
            } catch ProviderError.http(status: 404, let code, let message) {
                let left = timeoutSeconds - (ContinuousClock.now - start).seconds
                guard let delay = retries.popFirst(), delay + transport.retryPolicy.minimumAttemptSeconds < left else {
                    throw ProviderError.http(status: 404, code: code, message: message)
                }
                logger.debug("recording not there yet; retrying", metadata: ["wait": "\(delay)"])
                try await Task.sleep(for: .seconds(delay))
            }
        }
    }

    /// One download, following up to `maxRedirects` redirects within `remainingSeconds`.
    private func download(_ url: URL, remainingSeconds: Double) async throws -> [UInt8] {
        let start = ContinuousClock.now
        var current = url
        for _ in 0...maxRedirects {
            var headers = HTTPHeaders([("Accept", "audio/wav, audio/x-wav, */*")])
            // Only the configured origin ever sees the credentials, on the first hop or after a redirect.
            if Origin(current) == origin { headers.add(name: "Authorization", value: basicAuthorization) }
            let request = ProviderRequest(method: .GET, url: current.absoluteString, headers: headers)
            let left = remainingSeconds - (ContinuousClock.now - start).seconds
            guard left > 0 else { throw ProviderError.timeout(timeoutSeconds) }
            let outcome = try await transport.send(request, timeoutSeconds: left, accept: Self.successOrRedirect) {
                (response) throws(ProviderError) -> Hop in
                guard (300..<400).contains(response.status) else {
                    // Check the file now: a cut-off or non-WAV body would only fail later, as a worse transcript.
                    // Its chunks are enough; the samples are not copied.
                    do {
                        _ = try WAVHeader(response.body)
                    } catch {
                        throw .malformedResponse("recording is not a usable WAV file: \(error)")
                    }
                    return .body(response.body)
                }
                guard let location = response.headers.first(name: "Location"),
                    let next = URL(string: location, relativeTo: current)?.absoluteURL,
                    let scheme = next.scheme?.lowercased(), scheme == "https" || scheme == "http"
                else {
                    throw .malformedResponse("redirect \(response.status) without a usable Location")
                }
                return .redirect(next)
            }
            switch outcome {
            case .body(let bytes): return bytes
            case .redirect(let next): current = next
            }
        }
        throw ProviderError.malformedResponse("more than \(maxRedirects) redirects")
    }

    /// Redirects come back as answers (not errors) so that each hop is checked here.
    private static let successOrRedirect: @Sendable (Int) -> Bool = { (200..<400).contains($0) }

    private var basicAuthorization: String {
        "Basic " + Data("\(configuration.accountSid):\(configuration.authToken)".utf8).base64EncodedString()
    }

    /// Twilio serves the recording as WAV when `.wav` is appended; a URL with an extension is left alone.
    static func wavURL(_ url: URL) -> URL {
        let last = url.lastPathComponent.lowercased()
        guard !last.hasSuffix(".wav"), !last.hasSuffix(".mp3") else { return url }
        guard var components = URLComponents(url: url, resolvingAgainstBaseURL: true) else { return url }
        components.percentEncodedPath += ".wav"
        return components.url ?? url
    }

    private enum Hop: Sendable {
        case body([UInt8])
        case redirect(URL)
    }
}

/// Scheme, host and port, the unit of trust for credentials (default ports made explicit).
struct Origin: Equatable {
    let scheme: String
    let host: String
    let port: Int

    init?(_ url: URL) {
        guard let scheme = url.scheme?.lowercased(), scheme == "https" || scheme == "http",
            let host = url.host?.lowercased(), !host.isEmpty, url.user == nil, url.password == nil
        else { return nil }
        self.scheme = scheme
        self.host = host
        self.port = url.port ?? (scheme == "https" ? 443 : 80)
    }

    init?(_ string: String) {
        guard let url = URL(string: string) else { return nil }
        self.init(url)
    }
}
