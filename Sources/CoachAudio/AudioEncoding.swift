/// How the samples in a WAV data chunk are encoded.
public enum AudioEncoding: Sendable, Equatable {
    /// Linear PCM, 16 bits per sample, little-endian.
    case pcm16
    /// G.711 mu-law, 8 bits per sample (telephone audio in North America and Japan).
    case muLaw
    /// G.711 A-law, 8 bits per sample (telephone audio elsewhere).
    case aLaw
    /// Any other WAVE format tag, kept as-is; also PCM at a depth other than 16 bits (tag 1).
    case other(UInt16)

    /// The WAVE format tag written in the fmt chunk.
    public var formatTag: UInt16 {
        switch self {
        case .pcm16: 1
        case .muLaw: 7
        case .aLaw: 6
        case .other(let tag): tag
        }
    }

    /// Bits per sample implied by the encoding; `nil` for `.other`, whose depth only the file knows.
    public var fixedBitsPerSample: Int? {
        switch self {
        case .pcm16: 16
        case .muLaw, .aLaw: 8
        case .other: nil
        }
    }
}

/// Why a WAV file could not be read.
public struct WAVError: Error, CustomStringConvertible, Equatable {
    public let message: String

    public init(_ message: String) {
        self.message = message
    }

    public var description: String { "invalid WAV: \(message)" }
}
