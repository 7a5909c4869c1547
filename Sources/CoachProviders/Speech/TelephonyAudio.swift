import CoachAudio
import Foundation

/// Turns what speech providers return into 8 kHz mono mu-law samples, the phone's own format.
enum TelephonyAudio {
    /// `bytes` is either raw mu-law at 8 kHz (what was asked for) or a WAV file, which some providers send even
    /// when asked for raw audio; a WAV in another encoding or rate is converted.
    static func muLaw(fromRawOrWAV bytes: [UInt8], what: String) throws(ProviderError) -> [UInt8] {
        guard bytes.starts(with: Array("RIFF".utf8)) else { return bytes }
        let wav: WAVAudio
        do {
            wav = try WAVAudio.parse(Data(bytes))
        } catch {
            throw .malformedResponse("\(what): \(error)")
        }
        if wav.isTelephonyReady { return [UInt8](wav.payload) }
        guard wav.channels == 1, let samples = wav.pcm16Samples() else {
            throw .malformedResponse(
                "\(what): unusable WAV (\(wav.encoding), \(wav.sampleRate) Hz, \(wav.channels) channels)")
        }
        return [UInt8](WAVAudio.telephony(pcm16: samples, sampleRate: wav.sampleRate).payload)
    }

    /// PCM16 little-endian at `sampleRate`, or a WAV file, as 8 kHz mu-law.
    static func muLaw(fromPCM16OrWAV bytes: [UInt8], sampleRate: Int, what: String) throws(ProviderError) -> [UInt8] {
        if bytes.starts(with: Array("RIFF".utf8)) { return try muLaw(fromRawOrWAV: bytes, what: what) }
        let samples = PCM16.samples(fromLittleEndian: Data(bytes))
        return [UInt8](WAVAudio.telephony(pcm16: samples, sampleRate: sampleRate).payload)
    }

    /// A whole WAV file for `<Play>` from mu-law samples.
    static func wavFile(muLaw samples: [UInt8]) -> [UInt8] {
        [UInt8](WAVAudio.telephony(muLawBytes: samples).encoded())
    }

    /// Runs `synthesize` on every piece at once (pieces are rare and a whole utterance shares one deadline) and
    /// joins the results in order.
    static func concatenated(
        _ pieces: [String], _ synthesize: @escaping @Sendable (String) async throws -> [UInt8]
    ) async throws -> [UInt8] {
        if pieces.count == 1 { return try await synthesize(pieces[0]) }
        return try await withThrowingTaskGroup(of: (Int, [UInt8]).self) { group in
            for (index, piece) in pieces.enumerated() {
                group.addTask { (index, try await synthesize(piece)) }
            }
            var parts = [[UInt8]](repeating: [], count: pieces.count)
            for try await (index, audio) in group { parts[index] = audio }
            return parts.flatMap { $0 }
        }
    }
}
