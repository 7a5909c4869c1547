import CoachAudio
import Foundation
import Testing

/// Builds WAV files byte by byte, independently of the code under test.
private enum Bytes {
    static func u16(_ value: Int) -> [UInt8] { [UInt8(value & 0xFF), UInt8((value >> 8) & 0xFF)] }
    static func u32(_ value: Int) -> [UInt8] { u16(value & 0xFFFF) + u16((value >> 16) & 0xFFFF) }

    static func chunk(_ id: String, _ body: [UInt8], declaredSize: Int? = nil) -> [UInt8] {
        Array(id.utf8) + u32(declaredSize ?? body.count) + body + (body.count % 2 == 1 ? [0] : [])
    }

    static func riff(_ chunks: [UInt8]...) -> Data {
        let body = Array("WAVE".utf8) + chunks.flatMap { $0 }
        return Data(Array("RIFF".utf8) + u32(body.count) + body)
    }

    static func fmt(tag: Int, channels: Int, rate: Int, bits: Int) -> [UInt8] {
        let align = channels * bits / 8
        return u16(tag) + u16(channels) + u32(rate) + u32(rate * align) + u16(align) + u16(bits)
    }

    /// WAVE_FORMAT_EXTENSIBLE: the real format tag leads the SubFormat GUID.
    static func extensibleFmt(subformat: Int, channels: Int, rate: Int, bits: Int) -> [UInt8] {
        let guidTail: [UInt8] = [0x00, 0x00, 0x00, 0x00, 0x10, 0x00, 0x80, 0x00, 0x00, 0xAA, 0x00, 0x38, 0x9B, 0x71]
        return fmt(tag: 0xFFFE, channels: channels, rate: rate, bits: bits) + u16(22) + u16(bits) + u32(4)
            + u16(subformat) + guidTail
    }

    static func u32(at offset: Int, in data: Data) -> Int {
        let bytes = [UInt8](data)
        return (0..<4).reduce(0) { $0 | Int(bytes[offset + $1]) << (8 * $1) }
    }

    static func text(at offset: Int, in data: Data) -> String {
        String(decoding: [UInt8](data)[offset..<offset + 4], as: UTF8.self)
    }
}

private func parseError(_ data: Data) -> WAVError? {
    do {
        _ = try WAVAudio.parse(data)
        return nil
    } catch {
        return error
    }
}

@Suite struct WAVWriteTests {
    @Test func muLawFileHasExtendedFmtAndFactChunk() {
        let audio = WAVAudio.telephony(muLawBytes: [0xFF, 0x7F, 0x00, 0x80])
        let file = audio.encoded()
        #expect(Bytes.text(at: 0, in: file) == "RIFF")
        #expect(Bytes.u32(at: 4, in: file) == file.count - 8)
        #expect(Bytes.text(at: 8, in: file) == "WAVE")
        #expect(Bytes.text(at: 12, in: file) == "fmt ")
        #expect(Bytes.u32(at: 16, in: file) == 18)
        // fmt body: tag 7, mono, 8000 Hz, 8000 bytes/s, align 1, 8 bits, cbSize 0.
        #expect(Array([UInt8](file)[20..<38]) == Bytes.fmt(tag: 7, channels: 1, rate: 8000, bits: 8) + [0, 0])
        #expect(Bytes.text(at: 38, in: file) == "fact")
        #expect(Bytes.u32(at: 42, in: file) == 4)
        #expect(Bytes.u32(at: 46, in: file) == 4)  // frame count
        #expect(Bytes.text(at: 50, in: file) == "data")
        #expect(Bytes.u32(at: 54, in: file) == 4)
        #expect(file.count == 62)
    }

    @Test func pcmFileHasPlainFmtAndNoFact() {
        let audio = WAVAudio(encoding: .pcm16, sampleRate: 24000, channels: 1, payload: Data([1, 0, 2, 0]))
        let file = audio.encoded()
        #expect(Bytes.u32(at: 16, in: file) == 16)
        #expect(Bytes.text(at: 36, in: file) == "data")
        #expect(file.count == 48)
    }

    @Test(arguments: [
        WAVAudio.telephony(muLawBytes: MuLaw.encode(ToneGenerator.tone(frequency: 440, seconds: 0.1))),
        WAVAudio(
            encoding: .pcm16, sampleRate: 44100, channels: 2, payload: PCM16.littleEndianData([1, -1, 300, -300])),
        WAVAudio(encoding: .aLaw, sampleRate: 8000, channels: 1, payload: Data([0xD5, 0x55])),
        WAVAudio(encoding: .other(3), sampleRate: 16000, channels: 1, payload: Data(count: 8), bitsPerSample: 32),
    ])
    func writeThenParseRoundTrips(audio: WAVAudio) throws {
        #expect(try WAVAudio.parse(audio.encoded()) == audio)
    }

    /// An odd-length data chunk gets a pad byte that is not counted in its size but is in the RIFF size.
    @Test func oddPayloadIsPadded() throws {
        let audio = WAVAudio.telephony(muLawBytes: [1, 2, 3])
        let file = audio.encoded()
        #expect(file.count % 2 == 0)
        #expect(Bytes.u32(at: 54, in: file) == 3)
        #expect(Bytes.u32(at: 4, in: file) == file.count - 8)
        #expect(try WAVAudio.parse(file).payload == Data([1, 2, 3]))
    }
}

@Suite struct WAVParseTests {
    @Test func skipsListChunkBeforeData() throws {
        let info = Array("INFOISFT".utf8) + Bytes.u32(5) + Array("test\0".utf8)
        let file = Bytes.riff(
            Bytes.chunk("fmt ", Bytes.fmt(tag: 1, channels: 1, rate: 16000, bits: 16)),
            Bytes.chunk("LIST", info),
            Bytes.chunk("data", [0x10, 0x00, 0x20, 0x00])
        )
        let audio = try WAVAudio.parse(file)
        #expect(audio.encoding == .pcm16)
        #expect(audio.sampleRate == 16000)
        #expect(audio.channels == 1)
        #expect(audio.pcm16Samples() == [16, 32])
    }

    /// The specification allows chunks in any order.
    @Test func readsDataBeforeFmt() throws {
        let file = Bytes.riff(
            Bytes.chunk("data", [0xFF, 0xFF]),
            Bytes.chunk("fmt ", Bytes.fmt(tag: 7, channels: 1, rate: 8000, bits: 8))
        )
        #expect(try WAVAudio.parse(file) == WAVAudio.telephony(muLawBytes: [0xFF, 0xFF]))
    }

    /// A 3-byte chunk is followed by one pad byte; reading without skipping it would misalign every later chunk.
    @Test func honoursPadByteAfterOddChunk() throws {
        let file = Bytes.riff(
            Bytes.chunk("junk", [9, 9, 9]),
            Bytes.chunk("fmt ", Bytes.fmt(tag: 7, channels: 1, rate: 8000, bits: 8)),
            Bytes.chunk("fact", Bytes.u32(3)),
            Bytes.chunk("data", [0xAA, 0xBB, 0xCC]),
            Bytes.chunk("LIST", Array("INFO".utf8))
        )
        #expect([UInt8](file)[12 + 8 + 3] == 0)  // the pad
        let audio = try WAVAudio.parse(file)
        #expect(audio.payload == Data([0xAA, 0xBB, 0xCC]))
        #expect(audio.isTelephonyReady)
    }

    @Test(arguments: [(7, AudioEncoding.muLaw, 8), (1, .pcm16, 16), (6, .aLaw, 8)])
    func readsExtensibleFormat(subformat: Int, encoding: AudioEncoding, bits: Int) throws {
        let file = Bytes.riff(
            Bytes.chunk("fmt ", Bytes.extensibleFmt(subformat: subformat, channels: 1, rate: 8000, bits: bits)),
            Bytes.chunk("data", [0, 0, 0, 0])
        )
        let audio = try WAVAudio.parse(file)
        #expect(audio.encoding == encoding)
        #expect(audio.bitsPerSample == bits)
    }

    @Test func rejectsShortExtensibleFormat() {
        let shortExtensible = Bytes.fmt(tag: 0xFFFE, channels: 1, rate: 8000, bits: 16) + Bytes.u16(0)
        let file = Bytes.riff(Bytes.chunk("fmt ", shortExtensible), Bytes.chunk("data", [0, 0]))
        #expect(parseError(file)?.message.contains("WAVE_FORMAT_EXTENSIBLE") == true)
    }

    /// PCM at other depths is reported as `.other(1)`, not mislabelled as 16-bit.
    @Test func keepsEightBitPCMAsOther() throws {
        let file = Bytes.riff(
            Bytes.chunk("fmt ", Bytes.fmt(tag: 1, channels: 1, rate: 11025, bits: 8)),
            Bytes.chunk("data", [128, 129])
        )
        let audio = try WAVAudio.parse(file)
        #expect(audio.encoding == .other(1))
        #expect(audio.bitsPerSample == 8)
        #expect(audio.pcm16Samples() == nil)
        #expect(try WAVAudio.parse(audio.encoded()) == audio)
    }

    /// Streaming writers leave the data size at 0xFFFFFFFF; the data then runs to the end of the file.
    @Test func acceptsStreamingDataSize() throws {
        let file = Bytes.riff(
            Bytes.chunk("fmt ", Bytes.fmt(tag: 1, channels: 1, rate: 24000, bits: 16)),
            Bytes.chunk("data", [1, 0, 2, 0, 3, 0], declaredSize: 0xFFFF_FFFF)
        )
        #expect(try WAVAudio.parse(file).pcm16Samples() == [1, 2, 3])
    }

    @Test func ignoresJunkAfterData() throws {
        let valid = WAVAudio.telephony(muLawBytes: [1, 2]).encoded()
        #expect(try WAVAudio.parse(valid + Data([0x12, 0x34, 0x56])).payload == Data([1, 2]))
    }

    @Test func rejectsTruncatedHeader() {
        let error = parseError(Data("RIFF\u{24}\0\0\0".utf8))
        #expect(error == WAVError("truncated header: file is 8 bytes, a RIFF/WAVE header needs 12"))
        #expect(error?.description == "invalid WAV: truncated header: file is 8 bytes, a RIFF/WAVE header needs 12")
        #expect(parseError(Data())?.message.contains("truncated header") == true)
    }

    @Test func rejectsTruncatedData() {
        let whole = WAVAudio.telephony(muLawBytes: [UInt8](repeating: 0xFF, count: 100)).encoded()
        let error = parseError(whole.prefix(whole.count - 40))
        #expect(error == WAVError("'data' chunk declares 100 bytes but only 60 remain (file truncated)"))
    }

    @Test func rejectsTruncatedChunkHeader() {
        let file = Bytes.riff(Array("fmt ".utf8) + [16, 0])
        #expect(parseError(file) == WAVError("truncated chunk header at byte 12: 6 bytes left, need 8"))
    }

    @Test func rejectsNonRIFF() {
        // Unprintable ids are shown as hex, here an MP3's ID3 tag.
        let mp3 = Data([0x49, 0x44, 0x33, 0x04] + [UInt8](repeating: 0, count: 20))
        #expect(parseError(mp3) == WAVError("not a RIFF file: starts with '0x49 0x44 0x33 0x04'"))
        #expect(
            parseError(Data("<html><body>oops</body></html>".utf8)) == WAVError("not a RIFF file: starts with '<htm'"))
        #expect(
            parseError(Data(Array("RIFX".utf8) + [UInt8](repeating: 0, count: 40)))?.message.contains("RIFX") == true)
    }

    @Test func rejectsOtherRIFFForms() {
        let avi = Data(Array("RIFF".utf8) + Bytes.u32(4) + Array("AVI ".utf8))
        #expect(parseError(avi) == WAVError("RIFF form type is 'AVI ', not 'WAVE'"))
    }

    @Test func rejectsMissingChunks() {
        let noData = Bytes.riff(Bytes.chunk("fmt ", Bytes.fmt(tag: 7, channels: 1, rate: 8000, bits: 8)))
        #expect(parseError(noData) == WAVError("no 'data' chunk"))
        #expect(parseError(Bytes.riff(Bytes.chunk("data", [1, 2]))) == WAVError("no 'fmt ' chunk"))
    }

    @Test func rejectsInvalidFormatFields() {
        let tinyFmt = Bytes.riff(Bytes.chunk("fmt ", [1, 0, 1, 0]), Bytes.chunk("data", [0]))
        #expect(parseError(tinyFmt) == WAVError("'fmt ' chunk is 4 bytes, need at least 16"))
        let noChannels = Bytes.riff(Bytes.chunk("fmt ", Bytes.fmt(tag: 7, channels: 0, rate: 8000, bits: 8)))
        #expect(parseError(noChannels) == WAVError("channel count is 0"))
        let wideMuLaw = Bytes.riff(Bytes.chunk("fmt ", Bytes.fmt(tag: 7, channels: 1, rate: 8000, bits: 16)))
        #expect(parseError(wideMuLaw)?.message.contains("8 bits per sample") == true)
    }
}

@Suite struct WAVHeaderTests {
    /// The header agrees with the full parse on every field, and its data range holds exactly the
    /// samples the parse copied out, past a LIST chunk and an odd chunk's pad byte.
    @Test(arguments: [
        Bytes.riff(
            Bytes.chunk("junk", [9, 9, 9]),
            Bytes.chunk("fmt ", Bytes.fmt(tag: 7, channels: 1, rate: 8000, bits: 8)),
            Bytes.chunk("LIST", Array("INFOtest".utf8)),
            Bytes.chunk("data", [UInt8](repeating: 0xFF, count: 4000))
        ),
        Bytes.riff(
            Bytes.chunk("data", [1, 0, 2, 0, 3, 0, 4, 0]),
            Bytes.chunk("fmt ", Bytes.fmt(tag: 1, channels: 2, rate: 16000, bits: 16))
        ),
        Bytes.riff(
            Bytes.chunk("fmt ", Bytes.extensibleFmt(subformat: 7, channels: 1, rate: 8000, bits: 8)),
            Bytes.chunk("data", [1, 2, 3], declaredSize: 0xFFFF_FFFF)
        ),
    ])
    func agreesWithTheFullParse(file: Data) throws {
        let bytes = [UInt8](file)
        let header = try WAVHeader(bytes)
        let audio = try WAVAudio.parse(file)
        #expect(header.encoding == audio.encoding)
        #expect(header.sampleRate == audio.sampleRate)
        #expect(header.channels == audio.channels)
        #expect(header.bitsPerSample == audio.bitsPerSample)
        #expect(Data(bytes[header.dataRange]) == audio.payload)
        #expect(header.durationSeconds == audio.durationSeconds)
        #expect(header.isTelephonyReady == audio.isTelephonyReady)
    }

    @Test func timesAMinuteOfTelephonyAudio() throws {
        let minute = WAVAudio.telephony(muLawBytes: [UInt8](repeating: 0xFF, count: 8000 * 60)).encoded()
        let header = try WAVHeader([UInt8](minute))
        #expect(header.durationSeconds == 60)
        #expect(header.isTelephonyReady)
        #expect(header.dataRange.count == 480_000)
    }

    /// A file cut off mid-data fails the same way as the full parse: the header checks every size.
    @Test func rejectsWhatTheFullParseRejects() {
        let whole = [UInt8](WAVAudio.telephony(muLawBytes: [UInt8](repeating: 0xFF, count: 100)).encoded())
        #expect(throws: WAVError("'data' chunk declares 100 bytes but only 60 remain (file truncated)")) {
            try WAVHeader(Array(whole.prefix(whole.count - 40)))
        }
        #expect(throws: WAVError("not a RIFF file: starts with '<htm'")) {
            try WAVHeader(Array("<html><body>oops</body></html>".utf8))
        }
        #expect(throws: WAVError("no 'data' chunk")) {
            try WAVHeader([UInt8](Bytes.riff(Bytes.chunk("fmt ", Bytes.fmt(tag: 7, channels: 1, rate: 8000, bits: 8)))))
        }
    }
}

@Suite struct WAVPropertiesTests {
    @Test func durationFollowsFormat() {
        #expect(WAVAudio.telephony(muLawBytes: [UInt8](repeating: 0xFF, count: 4000)).durationSeconds == 0.5)
        let stereo = WAVAudio(encoding: .pcm16, sampleRate: 44100, channels: 2, payload: Data(count: 44100 * 4))
        #expect(stereo.durationSeconds == 1.0)
        let empty = WAVAudio(encoding: .pcm16, sampleRate: 0, channels: 1, payload: Data(count: 10))
        #expect(empty.durationSeconds == 0)
    }

    @Test func telephonyReadinessNeedsMuLawEightKilohertzMono() {
        #expect(WAVAudio.telephony(muLawBytes: [0xFF]).isTelephonyReady)
        #expect(!WAVAudio(encoding: .muLaw, sampleRate: 16000, channels: 1, payload: Data()).isTelephonyReady)
        #expect(!WAVAudio(encoding: .muLaw, sampleRate: 8000, channels: 2, payload: Data()).isTelephonyReady)
        #expect(!WAVAudio(encoding: .pcm16, sampleRate: 8000, channels: 1, payload: Data()).isTelephonyReady)
        #expect(!WAVAudio(encoding: .aLaw, sampleRate: 8000, channels: 1, payload: Data()).isTelephonyReady)
    }

    @Test func convertsSpeechRateAudioToTelephony() throws {
        let speech = ToneGenerator.tone(frequency: 440, seconds: 1.5, sampleRate: 24000)
        let audio = WAVAudio.telephony(pcm16: speech, sampleRate: 24000)
        #expect(audio.isTelephonyReady)
        #expect(audio.payload.count == 12000)
        #expect(abs(audio.durationSeconds - 1.5) < 1e-9)
        #expect(try WAVAudio.parse(audio.encoded()).isTelephonyReady)
    }

    @Test func decodesMuLawPayloadToPCM() {
        let audio = WAVAudio.telephony(muLawBytes: [0xFF, 0x80, 0x00])
        #expect(audio.pcm16Samples() == [0, 32124, -32124])
    }

    @Test func initFixesBitDepthForKnownEncodings() {
        #expect(
            WAVAudio(encoding: .muLaw, sampleRate: 8000, channels: 1, payload: Data(), bitsPerSample: 16).bitsPerSample
                == 8)
        #expect(WAVAudio(encoding: .other(0x55), sampleRate: 8000, channels: 1, payload: Data()).bitsPerSample == 16)
    }
}
