import CoachAudio
import Foundation
import Synchronization

/// Stand-in audio for the fakes: tones whose length follows the text, in the encodings vendors return.
enum FakeAudio {
    /// Speech pace the fakes assume: 2.5 words a second, never shorter than half a second.
    static func speechSeconds(for text: String) -> Double {
        let words = text.split(whereSeparator: \.isWhitespace).count
        return max(0.5, Double(words) / 2.5)
    }

    /// Mono samples of a 440 Hz tone as long as `text` takes to say: one second of it, repeated (a whole number of
    /// cycles, so the seams are seamless). A sine per sample for every utterance was most of a benchmark's fake
    /// CPU once every question was worded, and so voiced, anew.
    static func speechTone(for text: String, sampleRate: Int) -> [Int16] {
        looped(
            speechSecond(sampleRate: sampleRate),
            count: Int((speechSeconds(for: text) * Double(max(0, sampleRate))).rounded()))
    }

    /// One second of the 440 Hz speech tone, made once per sample rate.
    static func speechSecond(sampleRate: Int) -> [Int16] { OneSecondTones.speech(sampleRate: sampleRate) }

    /// `unit` repeated to exactly `count` elements (empty when `unit` is).
    static func looped<Element>(_ unit: [Element], count: Int) -> [Element] {
        guard !unit.isEmpty, count > 0 else { return [] }
        var result: [Element] = []
        result.reserveCapacity(count)
        while result.count < count { result += unit.prefix(count - result.count) }
        return result
    }

    /// Repeats every sample once per channel, so stereo requests get interleaved frames.
    static func interleave(_ samples: [Int16], channels: Int) -> [Int16] {
        guard channels > 1 else { return samples }
        return samples.flatMap { Array(repeating: $0, count: channels) }
    }

    /// A Twilio-style recording: 8 kHz mono mu-law WAV of a tone near 440 Hz.
    ///
    /// The frequency moves with a stable hash of the sid and a LIST chunk names the sid, so two recordings never
    /// share bytes and the fake transcriber can tell which one was uploaded. The bytes are made on demand from
    /// the sid and length: a benchmark registers a minute of audio per answer, and keeping them all cost
    /// gigabytes of memory in the load generator.
    static func recordingWAV(sid: String, seconds: Double) -> (wav: Data, muLaw: Data) {
        let muLaw = recordingMuLaw(sid: sid, seconds: seconds)
        var wav = WAVAudio(encoding: .muLaw, sampleRate: 8000, channels: 1, payload: muLaw).encoded()
        appendListChunk(to: &wav, name: sid)
        return (wav, muLaw)
    }

    /// One second of tone, repeated: a minute of sine per answer was most of a benchmark's load generator
    /// CPU, and no client cares whether the tone is continuous across seconds.
    static func recordingMuLaw(sid: String, seconds: Double) -> Data {
        let second = OneSecondTones.muLaw(frequencyStep: Int(StableHash.fnv1a(sid) % 200))
        return Data(looped(second, count: Int((seconds * 8000).rounded())))
    }

    /// The name a LIST/INFO/INAM chunk gives a RIFF file, as `appendingListChunk` writes it; nil without one.
    /// Walks the chunk headers only, so finding it in a minute of audio costs nothing.
    static func listName(in bytes: Data) -> String? {
        guard bytes.count >= 12, bytes.prefix(4).elementsEqual("RIFF".utf8) else { return nil }
        var offset = bytes.startIndex + 12
        while offset + 8 <= bytes.endIndex {
            let size = (0..<4).reduce(0) { $0 | Int(bytes[offset + 4 + $1]) << (8 * $1) }
            let body = offset + 8
            guard body + size <= bytes.endIndex else { return nil }
            if bytes[offset..<offset + 4].elementsEqual("LIST".utf8), size >= 12,
                bytes[body..<body + 8].elementsEqual("INFOINAM".utf8)
            {
                let length = (0..<4).reduce(0) { $0 | Int(bytes[body + 8 + $1]) << (8 * $1) }
                guard body + 12 + length <= bytes.endIndex else { return nil }
                let text = bytes[(body + 12)..<(body + 12 + length)].prefix { $0 != 0 }
                return String(decoding: text, as: UTF8.self)
            }
            offset = body + size + (size % 2)
        }
        return nil
    }

    /// Adds `LIST/INFO/INAM <name>` after the existing chunks and fixes the RIFF size.
    static func appendingListChunk(to wav: Data, name: String) -> Data {
        var bytes = wav
        appendListChunk(to: &bytes, name: name)
        return bytes
    }

    /// `appendingListChunk` in place, so a minute of audio is not copied to be named.
    static func appendListChunk(to wav: inout Data, name: String) {
        var text = Array(name.utf8) + [0]
        if text.count % 2 == 1 { text.append(0) }
        var info = Array("INFO".utf8) + Array("INAM".utf8) + littleEndian32(text.count) + text
        if info.count % 2 == 1 { info.append(0) }
        wav.append(contentsOf: Array("LIST".utf8) + littleEndian32(info.count) + info)
        let start = wav.startIndex
        wav.replaceSubrange((start + 4)..<(start + 8), with: littleEndian32(wav.count - 8))
    }

    static func littleEndian32(_ value: Int) -> [UInt8] {
        let value = UInt32(truncatingIfNeeded: value)
        return [0, 8, 16, 24].map { UInt8(truncatingIfNeeded: value >> $0) }
    }

    /// ITU-T G.711 A-law, which CoachAudio does not encode (the phone path here is mu-law).
    static func aLaw(_ sample: Int16) -> UInt8 {
        let sign: UInt8 = sample >= 0 ? 0x80 : 0x00
        // 13-bit magnitude, as the standard defines A-law on 13-bit linear input.
        var magnitude = Int(sample) >> 3
        if magnitude < 0 { magnitude = -magnitude - 1 }
        magnitude = min(magnitude, 0x0FFF)
        let byte: UInt8
        if magnitude < 32 {
            byte = UInt8(magnitude >> 1)
        } else {
            let segment = (Int.bitWidth - magnitude.leadingZeroBitCount) - 5
            byte = UInt8(segment << 4) | UInt8((magnitude >> segment) & 0x0F)
        }
        // Even bits are inverted so that silence is not a run of zeros on the line.
        return (byte | sign) ^ 0x55
    }
}

/// One second of each tone the fakes use, made once per process: the 200 recording tones (430 to 449.9 Hz, mu-law)
/// and the 440 Hz speech tone at each sample rate asked for.
private enum OneSecondTones {
    private static let cache = Mutex([Int: [UInt8]]())
    private static let speechCache = Mutex([Int: [Int16]]())

    static func speech(sampleRate: Int) -> [Int16] {
        if let tone = speechCache.withLock({ $0[sampleRate] }) { return tone }
        let tone = ToneGenerator.tone(frequency: 440, seconds: 1, sampleRate: sampleRate)
        speechCache.withLock { $0[sampleRate] = tone }
        return tone
    }

    static func muLaw(frequencyStep: Int) -> [UInt8] {
        if let tone = cache.withLock({ $0[frequencyStep] }) { return tone }
        let frequency = 430 + Double(frequencyStep) / 10
        let tone = MuLaw.encode(ToneGenerator.tone(frequency: frequency, seconds: 1, sampleRate: 8000))
        cache.withLock { $0[frequencyStep] = tone }
        return tone
    }
}

/// FNV-1a: a hash that, unlike Swift's `Hasher`, is the same in every process, so fake answers are repeatable.
enum StableHash {
    static func fnv1a(_ text: String) -> UInt64 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in text.utf8 {
            hash ^= UInt64(byte)
            hash = hash &* 0x100_0000_01b3
        }
        return hash
    }
}

extension WAVAudio {
    /// Whether this audio carries the given 8 kHz mu-law samples, as mu-law or decoded to PCM.
    func matches(muLaw: Data) -> Bool {
        guard sampleRate == 8000, channels == 1 else { return false }
        switch encoding {
        case .muLaw: return payload == muLaw
        case .pcm16: return pcm16Samples() == MuLaw.decode([UInt8](muLaw))
        default: return false
        }
    }
}
