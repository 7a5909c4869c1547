import CoachAudio
import CoachCore
import Foundation
import Logging
import NIOHTTP1

/// Speech to text through an OpenAI-compatible `/audio/transcriptions` endpoint. whisper-1 (and other
/// non-gpt-4o models) are asked for `verbose_json` with word timings, so pace and pauses come from real times.
public struct OpenAITranscriber: Transcriber {
    public let configuration: OpenAIConfiguration
    public let fetcher: TwilioRecordingFetcher
    public let transport: ProviderHTTPClient
    /// ISO-639-1 hint; nil lets the model detect the language.
    public var language: String?

    public var name: String { "openai" }

    public init(
        configuration: OpenAIConfiguration, fetcher: TwilioRecordingFetcher, language: String? = "en",
        transport: ProviderHTTPClient? = nil, logger: Logger
    ) {
        self.configuration = configuration
        self.fetcher = fetcher
        self.language = language
        self.transport = transport ?? ProviderHTTPClient(provider: "openai-transcription", logger: logger)
    }

    public func transcribe(recordingURL: String, recordingSid: String) async throws -> Transcript {
        let audio = try await fetcher.fetch(recordingURL: recordingURL)
        return try await transcribe(wav: audio)
    }

    /// Transcribes WAV bytes already at hand.
    public func transcribe(wav audio: [UInt8]) async throws -> Transcript {
        let verbose = Self.supportsVerboseJSON(model: configuration.model)
        var form = MultipartForm()
        form.addFile(name: "file", filename: "recording.wav", contentType: "audio/wav", data: audio)
        form.addField(name: "model", value: configuration.model)
        form.addField(name: "response_format", value: verbose ? "verbose_json" : "json")
        if verbose { form.addField(name: "timestamp_granularities[]", value: "word") }
        if let language { form.addField(name: "language", value: language) }

        var headers = HTTPHeaders(configuration.authorization)
        headers.add(name: "Content-Type", value: form.contentType)
        headers.add(name: "Accept", value: "application/json")
        let request = ProviderRequest(
            method: .POST, url: configuration.url("/audio/transcriptions"), headers: headers, body: form.finish())
        return try await transport.send(request, timeoutSeconds: configuration.timeoutSeconds) {
            (response) throws(ProviderError) -> Transcript in
            let decoded = try response.decodeJSON(TranscriptionResponse.self, what: "transcription")
            var transcript = decoded.transcript
            // Plain `json` carries no duration: the recording's own length stands in (parsed only then).
            if transcript.durationSeconds == nil {
                transcript.durationSeconds = (try? WAVHeader(audio))?.durationSeconds
            }
            return transcript
        }
    }

    /// A saved transcription response (`json` or `verbose_json`), e.g. for `coachline analyze`.
    public static func transcript(fromResponse data: Data) throws -> Transcript {
        try JSONDecoder().decode(TranscriptionResponse.self, from: data).transcript
    }

    /// The gpt-4o transcription models answer only `json` (no timings).
    static func supportsVerboseJSON(model: String) -> Bool {
        !model.lowercased().hasPrefix("gpt-4o")
    }
}

/// Both the plain `{"text"}` and the verbose `{text, duration, words[...]}` answers.
private struct TranscriptionResponse: Decodable {
    struct Word: Decodable {
        var word: String
        var start: Double
        var end: Double
    }

    var text: String
    var duration: Double?
    var words: [Word]?

    var transcript: Transcript {
        Transcript(
            // NUL means nothing in speech, and PostgreSQL refuses it in text.
            text: text.replacingOccurrences(of: "\u{0}", with: "").trimmingCharacters(in: .whitespacesAndNewlines),
            durationSeconds: duration,
            words: (words ?? []).map { Transcript.TimedWord(word: $0.word, start: $0.start, end: $0.end) })
    }
}

/// A multipart/form-data body built in memory (recordings are at most a few MB).
struct MultipartForm {
    let boundary = "CoachLine-" + UUID().uuidString
    private var parts: [UInt8] = []

    var contentType: String { "multipart/form-data; boundary=\(boundary)" }

    mutating func addField(name: String, value: String) {
        append("--\(boundary)\r\nContent-Disposition: form-data; name=\"\(name)\"\r\n\r\n\(value)\r\n")
    }

    mutating func addFile(name: String, filename: String, contentType: String, data: [UInt8]) {
        // Room for the file, its headers and the fields after it: a recording (about a megabyte a
        // minute) is then copied into the body once, not again as the array grows.
        parts.reserveCapacity(parts.count + data.count + 1024)
        append(
            "--\(boundary)\r\nContent-Disposition: form-data; name=\"\(name)\"; filename=\"\(filename)\"\r\n"
                + "Content-Type: \(contentType)\r\n\r\n")
        parts.append(contentsOf: data)
        append("\r\n")
    }

    /// The body, closed: the form's own bytes, handed over without a copy.
    consuming func finish() -> [UInt8] {
        append("--\(boundary)--\r\n")
        return parts
    }

    private mutating func append(_ text: String) {
        parts.append(contentsOf: text.utf8)
    }
}
