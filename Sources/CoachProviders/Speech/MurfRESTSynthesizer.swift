import CoachCore
import Foundation
import Logging
import NIOHTTP1

/// Text to speech with Murf's `POST /v1/speech/generate`, asked for 8 kHz mono mu-law as base64 in the JSON
/// answer, so no conversion and no second download are needed.
public struct MurfRESTSynthesizer: SpeechSynthesizer {
    /// Murf's limit on `text`, in characters.
    public static let textLimit = 3000

    public let configuration: MurfConfiguration
    public let transport: ProviderHTTPClient

    public var voiceIdentity: String { configuration.voiceIdentity(model: "GEN2") }

    public init(configuration: MurfConfiguration, transport: ProviderHTTPClient? = nil, logger: Logger) {
        self.configuration = configuration
        self.transport = transport ?? ProviderHTTPClient(provider: "murf", logger: logger)
    }

    public func synthesize(_ text: String) async throws -> [UInt8] {
        let pieces = TextSplitter(limit: Self.textLimit).split(text)
        guard !pieces.isEmpty else { throw ProviderError.rejectedContent("nothing to say") }
        let samples = try await TelephonyAudio.concatenated(pieces) { piece in try await self.muLaw(piece) }
        return TelephonyAudio.wavFile(muLaw: samples)
    }

    private func muLaw(_ piece: String) async throws -> [UInt8] {
        let body = GenerateRequest(
            text: piece, voiceId: configuration.voiceId, style: configuration.style, rate: configuration.rate,
            pitch: configuration.pitch)
        let request = try ProviderRequest.json(
            url: configuration.baseURL + "/v1/speech/generate",
            headers: HTTPHeaders([("api-key", configuration.apiKey)]), body: body)
        return try await transport.send(request, timeoutSeconds: configuration.timeoutSeconds) {
            (response) throws(ProviderError) -> [UInt8] in
            let answer = try response.decodeJSON(GenerateResponse.self, what: "Murf generate")
            guard let encoded = answer.encodedAudio, !encoded.isEmpty else {
                throw .malformedResponse("Murf answer without encodedAudio")
            }
            guard let audio = Data(base64Encoded: encoded, options: .ignoreUnknownCharacters), !audio.isEmpty else {
                throw .malformedResponse("Murf encodedAudio is not base64")
            }
            return try TelephonyAudio.muLaw(fromRawOrWAV: [UInt8](audio), what: "Murf audio")
        }
    }
}

private struct GenerateRequest: Encodable {
    var text: String
    var voiceId: String
    var style: String?
    var rate: Int?
    var pitch: Int?
    var format = "ULAW"
    var sampleRate = 8000
    var channelType = "MONO"
    var encodeAsBase64 = true
    var modelVersion = "GEN2"
}

private struct GenerateResponse: Decodable {
    var encodedAudio: String?
}
