import CoachCore
import Foundation
import Logging
import NIOHTTP1

/// Text to speech with OpenAI's `/audio/speech`, asked for raw 24 kHz PCM (it has no mu-law), converted to a
/// telephone WAV here.
public struct OpenAISpeechSynthesizer: SpeechSynthesizer {
    /// The endpoint's input limit, in characters.
    public static let inputLimit = 4096

    public let configuration: OpenAIConfiguration
    public let voice: String
    /// Speaking style for gpt-4o-mini-tts; ignored by tts-1.
    public let instructions: String?
    public let transport: ProviderHTTPClient

    public var voiceIdentity: String {
        var identity = "openai:\(configuration.model):\(voice)"
        if let instructions { identity += ":" + SpokenText.shortHash(instructions, hexDigits: 8) }
        return identity
    }

    /// - Parameter configuration: its `model` should be a speech model (`OpenAIConfiguration.defaultSpeechModel`).
    public init(
        configuration: OpenAIConfiguration, voice: String = "alloy", instructions: String? = nil,
        transport: ProviderHTTPClient? = nil, logger: Logger
    ) {
        self.configuration = configuration
        self.voice = voice
        self.instructions = instructions
        self.transport = transport ?? ProviderHTTPClient(provider: "openai-speech", logger: logger)
    }

    public func synthesize(_ text: String) async throws -> [UInt8] {
        let pieces = TextSplitter(limit: Self.inputLimit).split(text)
        guard !pieces.isEmpty else { throw ProviderError.rejectedContent("nothing to say") }
        let samples = try await TelephonyAudio.concatenated(pieces) { piece in try await self.muLaw(piece) }
        return TelephonyAudio.wavFile(muLaw: samples)
    }

    private func muLaw(_ piece: String) async throws -> [UInt8] {
        let body = SpeechRequest(
            model: configuration.model, input: piece, voice: voice, responseFormat: "pcm", instructions: instructions)
        var request = try ProviderRequest.json(
            url: configuration.url("/audio/speech"), headers: HTTPHeaders(configuration.authorization), body: body)
        request.headers.replaceOrAdd(name: "Accept", value: "audio/pcm, audio/wav, */*")
        return try await transport.send(request, timeoutSeconds: configuration.timeoutSeconds) {
            (response) throws(ProviderError) -> [UInt8] in
            guard response.body.count >= 2 else { throw .malformedResponse("no audio") }
            if response.headers.first(name: "Content-Type")?.lowercased().hasPrefix("application/json") == true {
                throw .malformedResponse("JSON where audio was expected")
            }
            return try TelephonyAudio.muLaw(fromPCM16OrWAV: response.body, sampleRate: 24000, what: "OpenAI speech")
        }
    }
}

private struct SpeechRequest: Encodable {
    var model: String
    var input: String
    var voice: String
    var responseFormat: String
    var instructions: String?

    enum CodingKeys: String, CodingKey {
        case model, input, voice, instructions
        case responseFormat = "response_format"
    }
}
