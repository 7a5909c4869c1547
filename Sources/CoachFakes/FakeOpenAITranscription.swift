import CoachAudio
import Foundation

/// `POST /v1/audio/transcriptions`: a multipart upload whose transcript is the text registered for the recording
/// those bytes came from (empty for audio the fake does not know).
struct FakeOpenAITranscription: Sendable {
    let control: FakeControl

    /// OpenAI's upload limit, 25 MB.
    static let maximumFileBytes = 26_214_400
    static let fileExtensions = ["flac", "m4a", "mp3", "mp4", "mpeg", "mpga", "oga", "ogg", "wav", "webm"]

    func answer(_ request: ReceivedRequest, failure _: FakeFailure?) -> FakeReply {
        if request.bodyTooLarge || request.body.count > Self.maximumFileBytes {
            return OpenAIError.reply(
                status: 413,
                message: "Maximum content size limit (\(Self.maximumFileBytes)) exceeded "
                    + "(\(request.bodyTooLarge ? "more than 40 MB" : String(request.body.count)) bytes read)",
                type: "server_error")
        }
        let contentType = request.header("Content-Type") ?? ""
        guard let boundary = MultipartParser.boundary(fromContentType: contentType) else {
            return OpenAIError.badRequest(
                "Invalid Content-Type header (\(contentType.isEmpty ? "None" : contentType)), expected "
                    + "multipart/form-data. (HINT: If you're using curl, you can pass -F 'file=@/path/to/file' "
                    + "to send a multipart request.)")
        }
        let parts: [MultipartPart]
        do {
            parts = try MultipartParser.parse(request.body, boundary: boundary)
        } catch {
            return OpenAIError.badRequest("Could not parse multipart form: \(error.description)")
        }
        func field(_ name: String) -> String? { parts.first { $0.name == name && $0.filename == nil }?.text }

        guard let file = parts.first(where: { $0.name == "file" && $0.filename != nil }) else {
            return OpenAIError.badRequest("Missing required parameter: 'file'.", param: "file")
        }
        let fileExtension = (file.filename ?? "").split(separator: ".").last.map { $0.lowercased() } ?? ""
        guard Self.fileExtensions.contains(fileExtension), (file.filename ?? "").contains(".") else {
            return OpenAIError.badRequest(
                "Invalid file format. Supported formats: "
                    + "[\(Self.fileExtensions.map { "'\($0)'" }.joined(separator: ", "))]",
                code: "invalid_value")
        }
        guard !file.body.isEmpty else {
            return OpenAIError.badRequest(
                "Audio file is too short. Minimum audio length is 0.1 seconds.", param: "file",
                code: "audio_too_short")
        }
        guard let model = field("model"), !model.isEmpty else {
            return OpenAIError.badRequest("Missing required parameter: 'model'.", param: "model")
        }
        let format = field("response_format") ?? "json"
        guard ["json", "text", "verbose_json"].contains(format) else {
            return OpenAIError.badRequest(
                "response_format '\(format)' is unsupported in the fake; use json, text or verbose_json.",
                param: "response_format", code: "unsupported_value")
        }
        if model.hasPrefix("gpt-4o"), format != "json" {
            return OpenAIError.badRequest(
                "response_format '\(format)' is not compatible with model '\(model)'. Use 'json' instead.",
                param: "response_format", code: "unsupported_value")
        }
        let granularities = parts.filter { $0.name == "timestamp_granularities[]" }.map(\.text)
        if !granularities.isEmpty, format != "verbose_json" {
            return OpenAIError.badRequest(
                "timestamp_granularities is only supported with response_format 'verbose_json'.",
                param: "timestamp_granularities", code: "unsupported_value")
        }

        let audio = Data(file.body)
        let recording = control.recording(matching: audio)
        let text = recording?.text ?? ""
        switch format {
        case "text":
            return FakeReply(contentType: "text/plain; charset=utf-8", body: Array((text + "\n").utf8))
        case "verbose_json":
            let duration = recording?.seconds ?? (try? WAVHeader(file.body))?.durationSeconds ?? 0
            return .json(
                Self.verbose(
                    text: text, duration: duration, language: field("language"),
                    words: granularities.contains("word"), layout: recording?.layout ?? .init()))
        default:
            return .json(["text": .string(text)])
        }
    }

    /// The verbose form: words placed by the recording's layout (evenly over the duration by default),
    /// one segment for the whole text.
    static func verbose(
        text: String, duration: Double, language: String?, words wantsWords: Bool, layout: FakeSpeechLayout = .init()
    ) -> JSONValue {
        var result: [String: JSONValue] = [
            "task": "transcribe",
            "language": .string(languageName(language)),
            "duration": .double(rounded(duration)),
            "text": .string(text),
            "segments": [
                [
                    "id": 0, "seek": 0, "start": 0.0, "end": .double(rounded(duration)), "text": .string(text),
                    "tokens": [], "temperature": 0.0, "avg_logprob": -0.2, "compression_ratio": 1.0,
                    "no_speech_prob": 0.0,
                ]
            ],
        ]
        if wantsWords {
            let words = text.split(whereSeparator: \.isWhitespace).map {
                $0.trimmingCharacters(in: .punctuationCharacters)
            }.filter { !$0.isEmpty }
            let timings = layout.timings(count: words.count, duration: duration)
            result["words"] = .array(
                zip(words, timings).map { word, timing in
                    [
                        "word": .string(word), "start": .double(rounded(timing.start)),
                        "end": .double(rounded(timing.end)),
                    ]
                })
        }
        return .object(result)
    }

    /// Whisper reports the language by name.
    static func languageName(_ code: String?) -> String {
        let names = [
            "en": "english", "fr": "french", "de": "german", "es": "spanish", "it": "italian", "ja": "japanese",
        ]
        guard let code, !code.isEmpty else { return "english" }
        return names[code.lowercased()] ?? code.lowercased()
    }

    private static func rounded(_ value: Double) -> Double {
        (value * 100).rounded() / 100
    }
}

/// `POST /v1/audio/speech`: a tone as long as the input would take to say, as raw 24 kHz PCM or a WAV.
struct FakeOpenAISpeech: Sendable {
    static let sampleRate = 24_000
    static let maximumInput = 4096

    func answer(_ request: ReceivedRequest) -> FakeReply {
        guard let body = JSONValue.parse(request.body), case .object = body else {
            return OpenAIError.badRequest("We could not parse the JSON body of your request.")
        }
        guard let model = body["model"]?.stringValue, !model.isEmpty else {
            return OpenAIError.badRequest("you must provide a model parameter", param: "model")
        }
        guard let input = body["input"]?.stringValue, !input.isEmpty else {
            return OpenAIError.badRequest("Missing required parameter: 'input'.", param: "input")
        }
        guard input.count <= Self.maximumInput else {
            return OpenAIError.badRequest(
                "[{'type': 'string_too_long', 'loc': ('body', 'input'), 'msg': 'String should have at most 4096 "
                    + "characters', 'input': '...', 'ctx': {'max_length': 4096}}]", param: "input",
                code: "string_above_max_length")
        }
        guard let voice = body["voice"]?.stringValue, !voice.isEmpty else {
            return OpenAIError.badRequest("Missing required parameter: 'voice'.", param: "voice")
        }
        let format = body["response_format"]?.stringValue ?? "mp3"
        let samples = FakeAudio.speechTone(for: input, sampleRate: Self.sampleRate)
        switch format {
        case "pcm":
            return FakeReply(contentType: "audio/pcm", body: [UInt8](PCM16.littleEndianData(samples)))
        case "wav":
            let wav = WAVAudio(
                encoding: .pcm16, sampleRate: Self.sampleRate, channels: 1, payload: PCM16.littleEndianData(samples))
            return FakeReply(contentType: "audio/wav", body: [UInt8](wav.encoded()))
        default:
            return OpenAIError.badRequest(
                "response_format '\(format)' is unsupported in the fake; ask for 'pcm' or 'wav'.",
                param: "response_format", code: "unsupported_value")
        }
    }
}
