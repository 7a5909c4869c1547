import CoachAudio
import Foundation

/// Fetches `<Play>` files like Twilio's media proxy: GET, no Twilio parameters, redirects
/// followed, then checks that what came back is audio a phone can play.
struct AudioFetcher: Sendable {
    let transport: any SimTransport
    let timeLimit: Duration
    let strictAudio: Bool

    struct Result: Sendable {
        var info: AudioInfo
        /// Whether the caller hears anything: Twilio skips a file it cannot fetch.
        var playable: Bool
        var violations: [String] = []
        var notes: [String] = []

        /// False when the response asked not to be cached.
        var cacheable: Bool {
            let directives = (info.cacheControl ?? "").lowercased()
            return !["no-store", "no-cache", "max-age=0"].contains { directives.contains($0) }
        }
    }

    static let maxAudioBytes = 32 << 20
    static let wavTypes: Set<String> = ["audio/wav", "audio/x-wav", "audio/wave", "audio/vnd.wave"]
    /// The types Twilio documents for `<Play>`.
    static let supportedTypes: Set<String> = wavTypes.union([
        "audio/mpeg", "audio/mp3", "audio/aiff", "audio/x-aiff", "audio/x-aifc", "audio/gsm", "audio/x-gsm",
        "audio/ulaw", "audio/basic",
    ])

    func fetch(_ url: String) async -> Result {
        var current = url
        for _ in 0..<5 {
            let request = SimRequest(
                method: "GET", url: RequestTarget(current).url, headers: [("User-Agent", "TwilioProxy/1.1")],
                timeout: timeLimit + .seconds(1), maxResponseBytes: Self.maxAudioBytes)
            let response: SimResponse
            do {
                response = try await WebhookClient.withTimeLimit(timeLimit) { [transport] in
                    try await transport.send(request)
                }
            } catch {
                return failure("[11200] <Play> \(url): could not fetch: \(error)", status: nil)
            }
            if (300..<400).contains(response.status), let location = response.header("Location"),
                let next = URLResolver.resolve(location, against: current)
            {
                current = next
                continue
            }
            return inspect(response, url: url)
        }
        return failure("[11200] <Play> \(url): too many redirects", status: nil)
    }

    private func failure(_ message: String, status: Int?) -> Result {
        let info = AudioInfo(
            status: status, contentType: nil, cacheControl: nil, bytes: 0, encoding: nil, sampleRate: nil,
            channels: nil, durationSeconds: nil, telephonyReady: false, fromCache: false)
        return Result(info: info, playable: false, violations: [message])
    }

    private func inspect(_ response: SimResponse, url: String) -> Result {
        let contentType = response.header("Content-Type")
        var info = AudioInfo(
            status: response.status, contentType: contentType, cacheControl: response.header("Cache-Control"),
            bytes: response.body.count, encoding: nil, sampleRate: nil, channels: nil, durationSeconds: nil,
            telephonyReady: false, fromCache: false)
        guard response.status == 200 else {
            return Result(
                info: info, playable: false, violations: ["[11200] <Play> \(url): GET answered \(response.status)"])
        }
        let mediaType =
            contentType?.split(separator: ";").first.map { $0.trimmingCharacters(in: .whitespaces).lowercased() } ?? ""
        guard mediaType.hasPrefix("audio/") else {
            let shown = contentType ?? "none"
            return Result(
                info: info, playable: false,
                violations: ["[12300] <Play> \(url): Content-Type \(shown) is not audio/*"])
        }
        if response.bodyTruncated {
            return Result(
                info: info, playable: false,
                violations: ["<Play> \(url): file is larger than \(Self.maxAudioBytes) bytes"])
        }
        var result = Result(info: info, playable: true)
        if !Self.supportedTypes.contains(mediaType) {
            result.notes.append("<Play> \(url): \(mediaType) is not a type Twilio documents for <Play>")
        }
        let looksLikeWAV = response.body.starts(with: Array("RIFF".utf8))
        if Self.wavTypes.contains(mediaType) || looksLikeWAV {
            do {
                let wav = try WAVHeader(response.body)
                info.encoding = String(describing: wav.encoding)
                info.sampleRate = wav.sampleRate
                info.channels = wav.channels
                info.durationSeconds = wav.durationSeconds
                info.telephonyReady = wav.isTelephonyReady
                result.info = info
                if !wav.isTelephonyReady {
                    let message =
                        "<Play> \(url): \(wav.encoding) \(wav.sampleRate) Hz \(wav.channels) channel(s) is not 8 kHz mono mu-law;"
                        + " Twilio transcodes it"
                    if strictAudio {
                        result.violations.append(message)
                    } else {
                        result.notes.append(message)
                    }
                }
            } catch {
                result.playable = false
                result.violations.append(
                    "[12300] <Play> \(url): served as \(mediaType) but does not parse as WAV: \(error)")
            }
        } else {
            // No decoder for these here: estimate so the timeline stays plausible.
            let bytesPerSecond: Double = ["audio/ulaw", "audio/basic"].contains(mediaType) ? 8000 : 16000
            info.durationSeconds = Double(response.body.count) / bytesPerSecond
            result.info = info
            let message = "<Play> \(url): \(mediaType) duration estimated; not 8 kHz mono mu-law WAV"
            if strictAudio {
                result.violations.append(message)
            } else {
                result.notes.append(message)
            }
        }
        return result
    }
}

/// Resolves TwiML URLs the way Twilio does: relative to the URL of the document being run.
enum URLResolver {
    static func resolve(_ reference: String, against base: String) -> String? {
        let trimmed = reference.trimmingCharacters(in: .whitespacesAndNewlines)
        guard let baseURL = URL(string: base),
            let resolved = URL(string: trimmed, relativeTo: baseURL)?.absoluteURL,
            let scheme = resolved.scheme?.lowercased(), scheme == "http" || scheme == "https",
            resolved.host != nil
        else { return nil }
        return resolved.absoluteString
    }
}
