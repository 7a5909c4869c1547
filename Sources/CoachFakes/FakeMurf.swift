import CoachAudio
import Foundation
import Hummingbird
import Synchronization

/// Murf's REST synthesis, `POST /v1/speech/generate`, and the `audioFile` URLs it hands out.
struct FakeMurf: Sendable {
    let control: FakeControl
    let baseURL: BaseURL

    static let maximumText = 3000
    static let sampleRates: Set<Int> = [8000, 24_000, 44_100, 48_000]

    func register(on router: Router<FakeRequestContext>) {
        router.post("/v1/speech/generate") { request, context in
            await generate(request, context)
        }
        // Murf's audioFile links are pre-signed storage URLs: no api-key needed.
        router.get("/_fake/murf/:file") { request, context in
            _ = await ReceivedRequest.receive(request, context: context, service: .murfGenerate, control: control)
            guard let name = context.parameters.get("file"), let file = control.murfFile(named: name) else {
                return FakeReply(
                    status: 404, contentType: "application/xml",
                    body: Array("<Error><Code>NoSuchKey</Code></Error>".utf8)
                ).response
            }
            return FakeReply(contentType: file.contentType, body: [UInt8](file.bytes)).response
        }
    }

    private func generate(_ request: Request, _ context: FakeRequestContext) async -> Response {
        let received = await ReceivedRequest.receive(
            request, context: context, service: .murfGenerate, control: control)
        let behavior = control.behavior(.murfGenerate)
        try? await behavior.sleepLatency()
        guard let key = received.header("api-key"), !key.trimmingCharacters(in: .whitespaces).isEmpty else {
            return MurfError.reply(status: 403, message: "Invalid api key").response
        }
        let failure = control.takeFailure(.murfGenerate)
        if let failure, let status = failure.httpStatus {
            return MurfError.failure(failure, status: status, behavior: behavior).response
        }
        var reply = answer(received.body)
        if reply.status == 200 {
            if failure == .malformedJSON { reply = reply.malformed() }
            if failure == .truncatedBody { reply = reply.truncated() }
        }
        return reply.response
    }

    private func answer(_ bytes: [UInt8]) -> FakeReply {
        guard let body = JSONValue.parse(bytes), case .object = body else {
            return MurfError.reply(status: 400, message: "Invalid request body: expected JSON")
        }
        guard let text = body["text"]?.stringValue, !text.trimmingCharacters(in: .whitespaces).isEmpty else {
            return MurfError.reply(status: 400, message: "text is required")
        }
        guard text.count <= Self.maximumText else {
            return MurfError.reply(
                status: 400, message: "Text length \(text.count) exceeds the maximum of \(Self.maximumText) characters")
        }
        guard let voiceId = body["voiceId"]?.stringValue, !voiceId.isEmpty else {
            return MurfError.reply(status: 400, message: "voiceId is required")
        }
        let audioFormat: MurfAudioFormat
        switch MurfAudioFormat.parse(
            format: body["format"]?.stringValue, sampleRate: body["sampleRate"].map { $0.intValue ?? -1 },
            channelType: body["channelType"]?.stringValue, defaults: .rest)
        {
        case .success(let value): audioFormat = value
        case .failure(let message): return MurfError.reply(status: 400, message: message.text)
        }

        let seconds = FakeAudio.speechSeconds(for: text)
        let audio = audioFormat.render(text: text)
        let name = control.storeMurfFile(
            FakeAudioFile(bytes: audio, contentType: audioFormat.contentType), fileExtension: audioFormat.fileExtension)
        let remaining = control.consumeMurfCharacters(text.count)
        let encoded: JSONValue =
            body["encodeAsBase64"]?.boolValue == true ? .string(audio.base64EncodedString()) : .null
        return .json([
            "audioFile": .string("\(baseURL.value)/_fake/murf/\(name)"),
            "encodedAudio": encoded,
            "audioLengthInSeconds": .double(seconds),
            "consumedCharacterCount": .int(text.count),
            "remainingCharacterCount": .int(remaining),
            "wordDurations": [],
            "warning": nil,
        ])
    }
}

/// The output a Murf request asked for, checked the way Murf checks it.
struct MurfAudioFormat: Sendable, Hashable {
    var format: String
    var sampleRate: Int
    var channels: Int

    struct Problem: Error {
        var text: String
    }

    /// What an omitted field means (the fake's reading of Murf's docs): REST gives MP3 at 44.1 kHz,
    /// the stream WAV at 24 kHz. Channels default to MONO.
    enum Defaults {
        case rest, stream

        var format: String { self == .rest ? "MP3" : "WAV" }
        var sampleRate: Int { self == .rest ? 44_100 : 24_000 }
    }

    static func parse(format: String?, sampleRate: Int?, channelType: String?, defaults: Defaults)
        -> Result<MurfAudioFormat, Problem>
    {
        let format = (format ?? defaults.format).uppercased()
        let rate = sampleRate ?? defaults.sampleRate
        let channelType = (channelType ?? "MONO").uppercased()
        guard ["MP3", "WAV", "FLAC", "ALAW", "ULAW", "PCM", "OGG"].contains(format) else {
            return .failure(
                Problem(text: "Invalid format '\(format)'; expected MP3, WAV, FLAC, ALAW, ULAW, PCM or OGG"))
        }
        guard FakeMurf.sampleRates.contains(rate) else {
            return .failure(Problem(text: "Invalid sampleRate \(rate); expected 8000, 24000, 44100 or 48000"))
        }
        guard channelType == "MONO" || channelType == "STEREO" else {
            return .failure(Problem(text: "Invalid channelType '\(channelType)'; expected MONO or STEREO"))
        }
        if format == "ULAW" || format == "ALAW", rate != 8000 || channelType != "MONO" {
            return .failure(Problem(text: "\(format) is only supported with sampleRate 8000 and channelType MONO"))
        }
        guard ["WAV", "PCM", "ULAW", "ALAW"].contains(format) else {
            return .failure(Problem(text: "format \(format) is unsupported in the fake; use WAV, PCM, ULAW or ALAW"))
        }
        return .success(MurfAudioFormat(format: format, sampleRate: rate, channels: channelType == "STEREO" ? 2 : 1))
    }

    var contentType: String {
        switch format {
        case "WAV": "audio/wav"
        case "ULAW": "audio/basic"
        default: "application/octet-stream"
        }
    }

    var fileExtension: String {
        switch format {
        case "WAV": "wav"
        case "ULAW": "ulaw"
        case "ALAW": "alaw"
        default: "pcm"
        }
    }

    /// A 440 Hz tone as long as the text takes to say. WAV means a PCM16 WAV file; the rest are raw samples.
    /// One encoded second is repeated (the tone has whole cycles per second): encoding every sample of every
    /// utterance was much of a benchmark's fake CPU.
    func render(text: String) -> Data {
        let second = Self.encodedSeconds.withLock { $0[self] } ?? encodedSecond()
        let bytesPerFrame = second.count / max(1, sampleRate)
        let frames = Int((FakeAudio.speechSeconds(for: text) * Double(sampleRate)).rounded())
        let payload = Data(FakeAudio.looped(second, count: frames * bytesPerFrame))
        guard format == "WAV" else { return payload }
        return WAVAudio(encoding: .pcm16, sampleRate: sampleRate, channels: channels, payload: payload).encoded()
    }

    private static let encodedSeconds = Mutex([MurfAudioFormat: [UInt8]]())

    /// One second of the tone in this format (PCM16 for WAV, whose header `render` adds), remembered.
    private func encodedSecond() -> [UInt8] {
        let samples = FakeAudio.interleave(FakeAudio.speechSecond(sampleRate: sampleRate), channels: channels)
        let second: [UInt8] =
            switch format {
            case "ULAW": MuLaw.encode(samples)
            case "ALAW": samples.map(FakeAudio.aLaw)
            default: [UInt8](PCM16.littleEndianData(samples))
            }
        Self.encodedSeconds.withLock { $0[self] = second }
        return second
    }
}

/// Murf's error bodies: `{"errorMessage": ..., "errorCode": ...}`.
enum MurfError {
    static func reply(status: Int, message: String, headers: [(String, String)] = []) -> FakeReply {
        .json(["errorMessage": .string(message), "errorCode": .int(status)], status: status, headers: headers)
    }

    static func failure(_ failure: FakeFailure, status: Int, behavior: FakeBehavior) -> FakeReply {
        switch failure {
        case .insufficientQuota, .paymentRequired:
            return reply(status: 402, message: "Character limit exhausted or subscription expired (fake failure)")
        case .rateLimited:
            return reply(
                status: 429, message: "Rate limit exceeded (fake failure)", headers: FakeReply.retryHeaders(behavior))
        case .unavailable:
            return reply(
                status: 503, message: "Service unavailable (fake failure)", headers: FakeReply.retryHeaders(behavior))
        case .forbidden, .unauthorized:
            return reply(status: status, message: "Invalid api key (fake failure)")
        case .serverError:
            return reply(status: 500, message: "Internal server error (fake failure)")
        default:
            return reply(status: status, message: "Fake failure \(failure.rawValue)")
        }
    }
}
