import Foundation

extension WAVAudio {
    /// Reads a RIFF/WAVE file (see `WAVHeader` for what is checked).
    public static func parse(_ data: Data) throws(WAVError) -> WAVAudio {
        let bytes = [UInt8](data)
        let header = try WAVHeader(bytes)
        return WAVAudio(
            encoding: header.encoding,
            sampleRate: header.sampleRate,
            channels: header.channels,
            payload: Data(bytes[header.dataRange]),
            bitsPerSample: header.bitsPerSample
        )
    }
}

/// What a WAV file's chunks say, found without copying its samples: enough to check a download and
/// time it (a minute's recording is about a megabyte, which `WAVAudio.parse` would copy twice).
public struct WAVHeader: Sendable, Equatable {
    public var encoding: AudioEncoding
    public var sampleRate: Int
    public var channels: Int
    public var bitsPerSample: Int
    /// Where the data chunk's samples lie in the bytes the header was read from.
    public var dataRange: Range<Int>

    public var durationSeconds: Double {
        WAVAudio.seconds(
            ofBytes: dataRange.count, blockAlign: WAVAudio.blockAlign(channels: channels, bitsPerSample: bitsPerSample),
            rate: sampleRate)
    }

    public var isTelephonyReady: Bool {
        WAVAudio.isTelephony(encoding: encoding, sampleRate: sampleRate, channels: channels)
    }

    /// Reads the chunks of a RIFF/WAVE file.
    ///
    /// Skips chunks it does not need (LIST, fact, cue...), honours the pad byte after odd-sized chunks,
    /// understands WAVE_FORMAT_EXTENSIBLE, and treats a data size of 0xFFFFFFFF (written by streaming
    /// encoders that do not know the length up front) as "to the end of the file".
    /// The RIFF size field is ignored because many writers get it wrong.
    public init(_ bytes: [UInt8]) throws(WAVError) {
        let reader = ByteReader(bytes: bytes)
        try reader.checkRIFFHeader()

        var format: WAVFormat?
        var payload: Range<Int>?
        var offset = 12
        // Stop once both chunks are found so trailing junk after the data cannot fail the parse.
        while offset < reader.count, format == nil || payload == nil {
            guard reader.count - offset >= 8 else {
                throw WAVError("truncated chunk header at byte \(offset): \(reader.count - offset) bytes left, need 8")
            }
            let id = reader.fourCC(at: offset)
            let declared = Int(reader.uint32(at: offset + 4))
            let start = offset + 8
            let available = reader.count - start
            let size: Int
            if id == "data" && declared == 0xFFFF_FFFF {
                size = available
            } else if declared <= available {
                size = declared
            } else {
                throw WAVError("'\(id)' chunk declares \(declared) bytes but only \(available) remain (file truncated)")
            }
            switch id {
            case "fmt ": format = try WAVFormat(reader.bytes[start..<start + size])
            case "data": payload = start..<start + size
            default: break
            }
            offset = start + size + size % 2
        }

        guard let format else { throw WAVError("no 'fmt ' chunk") }
        guard let payload else { throw WAVError("no 'data' chunk") }
        encoding = format.encoding
        sampleRate = format.sampleRate
        channels = format.channels
        bitsPerSample = format.encoding.fixedBitsPerSample ?? format.bitsPerSample
        dataRange = payload
    }
}

/// The fields of a fmt chunk this module uses.
struct WAVFormat {
    var encoding: AudioEncoding
    var sampleRate: Int
    var channels: Int
    var bitsPerSample: Int

    private static let extensibleTag: UInt16 = 0xFFFE

    init(_ body: ArraySlice<UInt8>) throws(WAVError) {
        let reader = ByteReader(bytes: Array(body))
        guard reader.count >= 16 else {
            throw WAVError("'fmt ' chunk is \(reader.count) bytes, need at least 16")
        }
        var tag = reader.uint16(at: 0)
        channels = Int(reader.uint16(at: 2))
        sampleRate = Int(reader.uint32(at: 4))
        bitsPerSample = Int(reader.uint16(at: 14))
        guard channels > 0 else { throw WAVError("channel count is 0") }
        guard sampleRate > 0 else { throw WAVError("sample rate is 0") }

        if tag == Self.extensibleTag {
            // The real format tag is the first two bytes of the SubFormat GUID at offset 24.
            guard reader.count >= 40, reader.uint16(at: 16) >= 22 else {
                throw WAVError("WAVE_FORMAT_EXTENSIBLE 'fmt ' chunk is \(reader.count) bytes, need 40")
            }
            tag = reader.uint16(at: 24)
        }

        switch (tag, bitsPerSample) {
        case (1, 16): encoding = .pcm16
        case (7, 8): encoding = .muLaw
        case (6, 8): encoding = .aLaw
        case (6, _), (7, _): throw WAVError("G.711 audio must have 8 bits per sample, not \(bitsPerSample)")
        default: encoding = .other(tag)
        }
    }
}

/// Little-endian reads from a byte array. Callers check bounds first.
struct ByteReader {
    let bytes: [UInt8]

    var count: Int { bytes.count }

    func uint16(at offset: Int) -> UInt16 {
        UInt16(bytes[offset]) | UInt16(bytes[offset + 1]) << 8
    }

    func uint32(at offset: Int) -> UInt32 {
        UInt32(uint16(at: offset)) | UInt32(uint16(at: offset + 2)) << 16
    }

    /// A chunk id as text when it is printable ASCII, otherwise as hex so error messages stay readable.
    func fourCC(at offset: Int) -> String {
        let id = bytes[offset..<offset + 4]
        if id.allSatisfy({ (0x20...0x7E).contains($0) }) {
            return String(decoding: id, as: UTF8.self)
        }
        return id.map { byte in
            let hex = String(byte, radix: 16, uppercase: true)
            return "0x" + (hex.count == 1 ? "0" + hex : hex)
        }.joined(separator: " ")
    }

    func checkRIFFHeader() throws(WAVError) {
        // Check the magic first so short garbage is reported as "not RIFF" rather than "truncated".
        if count >= 4 {
            switch fourCC(at: 0) {
            case "RIFF": break
            case "RIFX": throw WAVError("big-endian RIFX files are not supported")
            case let other: throw WAVError("not a RIFF file: starts with '\(other)'")
            }
        }
        guard count >= 12 else {
            throw WAVError("truncated header: file is \(count) bytes, a RIFF/WAVE header needs 12")
        }
        let form = fourCC(at: 8)
        guard form == "WAVE" else { throw WAVError("RIFF form type is '\(form)', not 'WAVE'") }
    }
}
