import CoachAudio
import CoachFakes
import Foundation
import Testing

@Suite("OpenAI audio, Murf REST and Twilio media fakes", .timeLimit(.minutes(1)))
struct AudioServiceTests {
    // MARK: Transcription

    @Test func transcriptIsTheTextOfTheDownloadedRecording() async throws {
        try await withFakes { fakes, control in
            control.addRecording(sid: "REaaa", text: "I fixed the build myself.", seconds: 2)
            control.addRecording(sid: "REbbb", text: "We shipped on time.", seconds: 2)
            let media = try await fetch(fakes.twilioAPIBaseURL + "/2010-04-01/Accounts/AC1/Recordings/REbbb.wav")
            #expect(media.status == 200)
            let reply = try await transcribe(fakes, audio: media.body)
            #expect(reply.status == 200)
            #expect(try reply.json()["text"] as? String == "We shipped on time.")
            #expect(control.recordingAudio(sid: "REaaa") != control.recordingAudio(sid: "REbbb"))

            let unknown = try await transcribe(fakes, audio: Array("RIFF not really audio".utf8))
            #expect(try unknown.json()["text"] as? String == "")

            let logged = try #require(control.requests(.openAITranscription).first)
            #expect(logged.header("Content-Type")?.hasPrefix("multipart/form-data") == true)
        }
    }

    @Test func convertedUploadIsStillRecognised() async throws {
        try await withFakes { fakes, control in
            control.addRecording(sid: "REccc", text: "Converted audio.", seconds: 1)
            let served = try WAVAudio.parse(control.recordingAudio(sid: "REccc")!)
            let samples = try #require(served.pcm16Samples())
            let pcm = WAVAudio(
                encoding: .pcm16, sampleRate: 8000, channels: 1, payload: PCM16.littleEndianData(samples))
            let reply = try await transcribe(fakes, audio: [UInt8](pcm.encoded()))
            #expect(try reply.json()["text"] as? String == "Converted audio.")
        }
    }

    @Test func verboseAndTextFormats() async throws {
        try await withFakes { fakes, control in
            control.addRecording(sid: "REv", text: "One two, three four.", seconds: 4)
            let audio = [UInt8](control.recordingAudio(sid: "REv")!)
            let verbose = try await transcribe(
                fakes, audio: audio,
                fields: [
                    ("model", "whisper-1"), ("response_format", "verbose_json"), ("timestamp_granularities[]", "word"),
                    ("language", "en"),
                ])
            #expect(verbose.status == 200)
            let json = try verbose.json()
            #expect(json["task"] as? String == "transcribe")
            #expect(json["language"] as? String == "english")
            #expect(json["duration"] as? Double == 4)
            #expect(json["text"] as? String == "One two, three four.")
            let words = try #require(json["words"] as? [[String: Any]])
            #expect(words.map { $0["word"] as? String } == ["One", "two", "three", "four"])
            #expect(words.last?["end"] as? Double == 4)
            #expect(words[1]["start"] as? Double == 1)
            let segments = try #require(json["segments"] as? [[String: Any]])
            #expect(segments.first?["end"] as? Double == 4)

            let noWords = try await transcribe(
                fakes, audio: audio, fields: [("model", "whisper-1"), ("response_format", "verbose_json")])
            #expect(try noWords.json()["words"] == nil)

            let text = try await transcribe(
                fakes, audio: audio, fields: [("model", "whisper-1"), ("response_format", "text")])
            #expect(text.header("Content-Type")?.hasPrefix("text/plain") == true)
            #expect(text.text == "One two, three four.\n")
        }
    }

    @Test func wordTimingsFollowTheSpeechLayout() async throws {
        try await withFakes { fakes, control in
            // 10 s: 2 s of silence, then four words with a 4 s pause after the second.
            control.addRecording(
                sid: "REl", text: "One two three four.", seconds: 10,
                layout: FakeSpeechLayout(speechStart: 2, pauses: [1: 4, 3: 9]))
            let verbose = try await transcribe(
                fakes, audio: [UInt8](control.recordingAudio(sid: "REl")!),
                fields: [
                    ("model", "whisper-1"), ("response_format", "verbose_json"), ("timestamp_granularities[]", "word"),
                ])
            let words = try #require(try verbose.json()["words"] as? [[String: Any]])
            #expect(words.map { $0["start"] as? Double } == [2, 3, 8, 9])
            #expect(words.map { $0["end"] as? Double } == [3, 4, 9, 10])
        }
        #expect(
            FakeSpeechLayout(speechStart: "1.5", pauses: "3:4.5,10:2")
                == .init(speechStart: 1.5, pauses: [3: 4.5, 10: 2]))
        #expect(FakeSpeechLayout(speechStart: nil, pauses: nil) == .init())
        #expect(FakeSpeechLayout(speechStart: "soon", pauses: nil) == nil)
        #expect(FakeSpeechLayout(speechStart: nil, pauses: "3-4") == nil)
        #expect(FakeSpeechLayout(speechStart: nil, pauses: "3:-1") == nil)
    }

    @Test func multipartMistakesAre400() async throws {
        try await withFakes { fakes, control in
            control.addRecording(sid: "REm", text: "x", seconds: 1)
            let audio = [UInt8](control.recordingAudio(sid: "REm")!)
            let missingFile = try await transcribe(fakes, audio: nil)
            #expect(missingFile.status == 400)
            let error = try #require(try missingFile.json()["error"] as? [String: Any])
            #expect(error["param"] as? String == "file")

            let noModel = try await transcribe(fakes, audio: audio, fields: [])
            #expect(noModel.status == 400)
            let badExtension = try await transcribe(fakes, audio: audio, filename: "answer.txt")
            #expect(badExtension.status == 400)
            let wrongFormatForModel = try await transcribe(
                fakes, audio: audio, fields: [("model", "gpt-4o-transcribe"), ("response_format", "verbose_json")])
            #expect(wrongFormatForModel.status == 400)
            let wordsWithoutVerbose = try await transcribe(
                fakes, audio: audio, fields: [("model", "whisper-1"), ("timestamp_granularities[]", "word")])
            #expect(wordsWithoutVerbose.status == 400)

            // A JSON body where a form was expected.
            let json = try await postJSON(
                fakes.openAIBaseURL + "/audio/transcriptions", ["model": "whisper-1"], headers: openAIAuth)
            #expect(json.status == 400)

            // Lines ended with LF only, and no closing boundary: not multipart as RFC 7578 defines it.
            let sloppy = Array("--b\nContent-Disposition: form-data; name=\"model\"\n\nwhisper-1\n".utf8)
            let sloppyReply = try await fetch(
                fakes.openAIBaseURL + "/audio/transcriptions", method: .POST,
                headers: openAIAuth + [("Content-Type", "multipart/form-data; boundary=b")], body: sloppy)
            #expect(sloppyReply.status == 400)
        }
    }

    @Test func oversizeUploadIs413() async throws {
        try await withFakes { fakes, _ in
            let reply = try await transcribe(fakes, audio: [UInt8](repeating: 0x7F, count: 26_214_400 + 10))
            #expect(reply.status == 413)
            #expect(try reply.json()["error"] is [String: Any])
        }
    }

    // MARK: Speech

    @Test func speechPCMAndWAV() async throws {
        try await withFakes { fakes, _ in
            let url = fakes.openAIBaseURL + "/audio/speech"
            let input = "one two three four five six seven eight nine ten"  // 10 words: 4 s
            let pcm = try await postJSON(
                url, ["model": "tts-1", "input": input, "voice": "alloy", "response_format": "pcm"],
                headers: openAIAuth)
            #expect(pcm.status == 200)
            #expect(pcm.header("Content-Type") == "audio/pcm")
            #expect(pcm.body.count == 24_000 * 2 * 4)
            #expect(PCM16.samples(fromLittleEndian: Data(pcm.body)).contains { $0 > 5000 })

            let wav = try await postJSON(
                url, ["model": "tts-1", "input": "Hi", "voice": "alloy", "response_format": "wav"], headers: openAIAuth)
            let audio = try WAVAudio.parse(Data(wav.body))
            #expect(audio.encoding == .pcm16)
            #expect(audio.sampleRate == 24_000)
            #expect(audio.channels == 1)
            #expect(audio.durationSeconds == 0.5)

            let mp3 = try await postJSON(url, ["model": "tts-1", "input": "Hi", "voice": "alloy"], headers: openAIAuth)
            #expect(mp3.status == 400)
            let mp3Error = try #require(try mp3.json()["error"] as? [String: Any])
            #expect((mp3Error["message"] as? String)?.contains("unsupported in the fake") == true)

            let long = try await postJSON(
                url,
                [
                    "model": "tts-1", "input": String(repeating: "a", count: 4097), "voice": "alloy",
                    "response_format": "pcm",
                ],
                headers: openAIAuth)
            #expect(long.status == 400)
            let noVoice = try await postJSON(
                url, ["model": "tts-1", "input": "Hi", "response_format": "pcm"], headers: openAIAuth)
            #expect(noVoice.status == 400)
        }
    }

    // MARK: Murf REST

    @Test func murfULawIsRawMuLawAtEightKilohertz() async throws {
        try await withFakes { fakes, _ in
            let reply = try await postJSON(
                fakes.murfBaseURL + "/v1/speech/generate",
                [
                    "text": "one two three four five", "voiceId": "en-US-natalie", "format": "ULAW",
                    "sampleRate": 8000, "channelType": "MONO", "encodeAsBase64": true, "modelVersion": "GEN2",
                ],
                headers: murfAuth)
            #expect(reply.status == 200)
            let json = try reply.json()
            let encoded = try #require(json["encodedAudio"] as? String)
            let bytes = try #require(Data(base64Encoded: encoded))
            #expect(bytes.count == 8000 * 2)  // 5 words: 2 s
            #expect(MuLaw.decode([UInt8](bytes)).contains { $0 > 5000 })
            #expect(json["audioLengthInSeconds"] as? Double == 2)
            #expect(json["consumedCharacterCount"] as? Int == 23)
            #expect(json["remainingCharacterCount"] as? Int == 100_000 - 23)
            #expect((json["wordDurations"] as? [Any])?.isEmpty == true)
            #expect(json["warning"] is NSNull)

            let audioFile = try #require(json["audioFile"] as? String)
            #expect(audioFile.hasPrefix(fakes.baseURL + "/_fake/murf/"))
            let file = try await fetch(audioFile)
            #expect(file.status == 200)
            #expect(Data(file.body) == bytes)
        }
    }

    @Test func murfWAVWithoutBase64() async throws {
        try await withFakes { fakes, _ in
            let reply = try await postJSON(
                fakes.murfBaseURL + "/v1/speech/generate",
                ["text": "Hello", "voiceId": "en-US-natalie", "format": "WAV", "sampleRate": 24000],
                headers: murfAuth)
            let json = try reply.json()
            #expect(json["encodedAudio"] is NSNull)
            let file = try await fetch(try #require(json["audioFile"] as? String))
            let audio = try WAVAudio.parse(Data(file.body))
            #expect(audio.sampleRate == 24_000)
            #expect(audio.encoding == .pcm16)
            #expect(audio.durationSeconds == 0.5)
        }
    }

    @Test func murfValidation() async throws {
        try await withFakes { fakes, _ in
            let url = fakes.murfBaseURL + "/v1/speech/generate"
            let wrongRate = try await postJSON(
                url, ["text": "Hi", "voiceId": "v", "format": "ULAW", "sampleRate": 24000], headers: murfAuth)
            #expect(wrongRate.status == 400)
            #expect(try wrongRate.json()["errorCode"] as? Int == 400)
            let stereo = try await postJSON(
                url, ["text": "Hi", "voiceId": "v", "format": "ULAW", "sampleRate": 8000, "channelType": "STEREO"],
                headers: murfAuth)
            #expect(stereo.status == 400)
            let tooLong = try await postJSON(
                url, ["text": String(repeating: "a", count: 3001), "voiceId": "v", "format": "WAV"], headers: murfAuth)
            #expect(tooLong.status == 400)
            let noVoice = try await postJSON(url, ["text": "Hi", "format": "WAV"], headers: murfAuth)
            #expect(noVoice.status == 400)
            let mp3 = try await postJSON(url, ["text": "Hi", "voiceId": "v"], headers: murfAuth)
            #expect(mp3.status == 400)
        }
    }

    // MARK: Twilio media

    @Test func mediaNeedsBasicAuthAndRedirects() async throws {
        try await withFakes { fakes, control in
            control.twilioCredentials = ("AC123", "secret")
            control.addRecording(sid: "RE9", text: "hello", seconds: 3)
            let path = fakes.twilioAPIBaseURL + "/2010-04-01/Accounts/AC123/Recordings/RE9.wav"

            let anonymous = try await fetch(path, followRedirects: false)
            #expect(anonymous.status == 401)
            #expect(anonymous.header("WWW-Authenticate")?.hasPrefix("Basic") == true)
            let wrong = try await fetch(path, headers: [basicAuth("AC123", "nope")], followRedirects: false)
            #expect(wrong.status == 401)

            let redirect = try await fetch(path, headers: [basicAuth("AC123", "secret")], followRedirects: false)
            #expect(redirect.status == 302)
            let location = try #require(redirect.header("Location"))
            #expect(location == fakes.baseURL + "/_fake/media/RE9.wav")

            // The storage URL needs no credentials, like Twilio's signed URLs.
            let file = try await fetch(location)
            #expect(file.status == 200)
            #expect(file.header("Content-Type") == "audio/x-wav")
            let audio = try WAVAudio.parse(Data(file.body))
            #expect(audio.isTelephonyReady)
            #expect(audio.durationSeconds == 3)

            let otherAccount = try await fetch(
                fakes.twilioAPIBaseURL + "/2010-04-01/Accounts/AC999/Recordings/RE9.wav",
                headers: [basicAuth("AC123", "secret")], followRedirects: false)
            #expect(otherAccount.status == 404)
            let mp3 = try await fetch(
                fakes.twilioAPIBaseURL + "/2010-04-01/Accounts/AC123/Recordings/RE9.mp3",
                headers: [basicAuth("AC123", "secret")])
            #expect(mp3.status == 404)
            let unknown = try await fetch(
                fakes.twilioAPIBaseURL + "/2010-04-01/Accounts/AC123/Recordings/RE0.wav",
                headers: [basicAuth("AC123", "secret")])
            #expect(unknown.status == 404)
            #expect(try unknown.json()["code"] as? Int == 20404)
        }
    }

    @Test func notReadyCountsPerRecording() async throws {
        try await withFakes { fakes, control in
            control.addRecording(sid: "REa", text: "a", seconds: 1)
            control.addRecording(sid: "REb", text: "b", seconds: 1)
            control.set(.twilioMedia, .failing(.notReady, times: 2))
            var statuses: [Int] = []
            for sid in ["REa", "REa", "REb", "REa", "REb", "REb"] {
                statuses.append(try await mediaStatus(fakes, sid))
            }
            #expect(statuses == [404, 404, 404, 302, 404, 302])
        }
    }

    // MARK: Admin

    @Test func adminEndpointsDriveTheControl() async throws {
        try await withFakes { fakes, control in
            let added = try await fetch(
                fakes.baseURL + "/_fake/recordings", method: .POST,
                headers: [("Content-Type", "application/x-www-form-urlencoded")],
                body: Array("sid=REadmin&text=I+did+it%21&seconds=1.5".utf8))
            #expect(added.status == 204)
            let audio = try #require(control.recordingAudio(sid: "REadmin"))
            #expect(try WAVAudio.parse(audio).durationSeconds == 1.5)
            let heard = try await transcribe(fakes, audio: [UInt8](audio))
            #expect(try heard.json()["text"] as? String == "I did it!")

            let set = try await fetch(
                fakes.baseURL + "/_fake/behavior/openAIChat", method: .POST,
                headers: [("Content-Type", "application/json")], body: Array(#"{"failure":"429","failTimes":1}"#.utf8))
            #expect(set.status == 204)
            #expect(control.behavior(.openAIChat) == .failing(.rateLimited, times: 1))

            let count = try await fetch(fakes.baseURL + "/_fake/requests/openAITranscription")
            #expect(try count.json()["count"] as? Int == 1)
            let unknown = try await fetch(fakes.baseURL + "/_fake/requests/nothing")
            #expect(unknown.status == 404)
        }
    }
}

func mediaStatus(_ fakes: RunningFakes, _ sid: String) async throws -> Int {
    try await fetch(
        fakes.twilioAPIBaseURL + "/2010-04-01/Accounts/AC1/Recordings/\(sid).wav", followRedirects: false
    ).status
}

func basicAuth(_ user: String, _ password: String) -> (String, String) {
    ("Authorization", "Basic " + Data("\(user):\(password)".utf8).base64EncodedString())
}
