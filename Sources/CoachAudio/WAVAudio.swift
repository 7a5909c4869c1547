import Foundation

/// Audio in a RIFF/WAVE container: the format Twilio's `<Play>` fetches and speech APIs can return.
public struct WAVAudio: Sendable, Equatable {
    public var encoding: AudioEncoding
    public var sampleRate: Int
    public var channels: Int
    /// The raw sample bytes of the data chunk, interleaved when there is more than one channel.
    public var payload: Data
    /// Bits per sample as written in the fmt chunk. Fixed by the encoding except for `.other`.
    public var bitsPerSample: Int

    /// - Parameter bitsPerSample: only used for `.other` encodings (default 16); the known encodings fix it.
    public init(encoding: AudioEncoding, sampleRate: Int, channels: Int, payload: Data, bitsPerSample: Int? = nil) {
        self.encoding = encoding
        self.sampleRate = sampleRate
        self.channels = channels
        self.payload = payload
        self.bitsPerSample = encoding.fixedBitsPerSample ?? bitsPerSample ?? 16
    }

    /// Bytes per sample frame (one sample for every channel), the fmt chunk's block align.
    public var blockAlign: Int { Self.blockAlign(channels: channels, bitsPerSample: bitsPerSample) }

    public var durationSeconds: Double {
        Self.seconds(ofBytes: payload.count, blockAlign: blockAlign, rate: sampleRate)
    }

    /// What a phone call carries without conversion: 8 kHz mono mu-law.
    public var isTelephonyReady: Bool {
        Self.isTelephony(encoding: encoding, sampleRate: sampleRate, channels: channels)
    }

    static func blockAlign(channels: Int, bitsPerSample: Int) -> Int { channels * ((bitsPerSample + 7) / 8) }

    static func seconds(ofBytes count: Int, blockAlign: Int, rate: Int) -> Double {
        let bytesPerSecond = blockAlign * rate
        guard bytesPerSecond > 0 else { return 0 }
        return Double(count) / Double(bytesPerSecond)
    }

    static func isTelephony(encoding: AudioEncoding, sampleRate: Int, channels: Int) -> Bool {
        encoding == .muLaw && sampleRate == 8000 && channels == 1
    }

    /// The samples as 16-bit linear PCM (interleaved if multichannel), or `nil` for encodings this module
    /// cannot decode.
    public func pcm16Samples() -> [Int16]? {
        switch encoding {
        case .pcm16: PCM16.samples(fromLittleEndian: payload)
        case .muLaw: MuLaw.decode([UInt8](payload))
        case .aLaw, .other: nil
        }
    }

    /// 8 kHz mono mu-law audio from bytes that are already mu-law (e.g. a Twilio media stream).
    public static func telephony(muLawBytes: [UInt8]) -> WAVAudio {
        WAVAudio(encoding: .muLaw, sampleRate: 8000, channels: 1, payload: Data(muLawBytes))
    }

    /// Converts mono PCM at any rate (e.g. 24 kHz speech synthesis) to 8 kHz mono mu-law.
    public static func telephony(pcm16 samples: [Int16], sampleRate: Int) -> WAVAudio {
        let narrowband = Resampler.resample(samples, from: sampleRate, to: 8000)
        return telephony(muLawBytes: MuLaw.encode(narrowband))
    }
}

extension WAVAudio {
    /// A complete RIFF/WAVE file.
    ///
    /// Non-PCM formats (mu-law, A-law, others) get an 18-byte fmt chunk (with a zero extension size) and a
    /// fact chunk holding the frame count, as the WAVE specification requires; PCM gets the plain 16-byte fmt.
    public func encoded() -> Data {
        let isPCM = encoding.formatTag == 1
        var fmt = ByteWriter()
        fmt.uint16(encoding.formatTag)
        fmt.uint16(UInt16(truncatingIfNeeded: channels))
        fmt.uint32(UInt32(truncatingIfNeeded: sampleRate))
        fmt.uint32(UInt32(truncatingIfNeeded: sampleRate * blockAlign))
        fmt.uint16(UInt16(truncatingIfNeeded: blockAlign))
        fmt.uint16(UInt16(truncatingIfNeeded: bitsPerSample))
        if !isPCM { fmt.uint16(0) }
        var fact = ByteWriter()
        if !isPCM { fact.uint32(UInt32(truncatingIfNeeded: blockAlign > 0 ? payload.count / blockAlign : 0)) }

        // Written once into a buffer of the final size: a minute of audio is half a megabyte, and
        // nesting each chunk in a copy of its parent cost several copies of it.
        let pad = payload.count % 2
        let bodySize = 4 + (8 + fmt.bytes.count) + (isPCM ? 0 : 8 + fact.bytes.count) + 8 + payload.count + pad
        var file = ByteWriter(capacity: 8 + bodySize)
        file.fourCC("RIFF")
        file.uint32(UInt32(truncatingIfNeeded: bodySize))
        file.fourCC("WAVE")
        file.chunk("fmt ", fmt.bytes)
        if !isPCM { file.chunk("fact", fact.bytes) }
        file.chunk("data", payload)
        return Data(file.bytes)
    }
}

/// Appends little-endian fields and RIFF chunks.
struct ByteWriter {
    private(set) var bytes: [UInt8] = []

    init(capacity: Int = 0) {
        bytes.reserveCapacity(capacity)
    }

    mutating func uint16(_ value: UInt16) {
        bytes.append(UInt8(truncatingIfNeeded: value))
        bytes.append(UInt8(truncatingIfNeeded: value >> 8))
    }

    mutating func uint32(_ value: UInt32) {
        uint16(UInt16(truncatingIfNeeded: value))
        uint16(UInt16(truncatingIfNeeded: value >> 16))
    }

    mutating func fourCC(_ id: String) {
        bytes.append(contentsOf: Array(id.utf8.prefix(4)))
    }

    /// The declared size excludes the pad byte that keeps the next chunk on an even offset.
    mutating func chunk(_ id: String, _ body: some Collection<UInt8>) {
        fourCC(id)
        uint32(UInt32(truncatingIfNeeded: body.count))
        bytes.append(contentsOf: body)
        if body.count % 2 == 1 { bytes.append(0) }
    }
}
