/// ITU-T G.711 mu-law companding, the encoding of North American telephone audio.
///
/// Written out by hand (the classic biased-segment algorithm) so the module needs nothing beyond Foundation.
public enum MuLaw {
    /// Added to the magnitude so every value has a set bit at or above bit 7, which makes the segment
    /// (exponent) simply the position of the highest set bit.
    private static let bias: Int32 = 0x84
    /// Largest magnitude that still fits in the top segment once the bias is added.
    private static let clip: Int32 = 32_635

    /// Compresses one 16-bit linear sample to one mu-law byte.
    public static func encode(_ sample: Int16) -> UInt8 {
        // Int32 so that negating -32768 cannot overflow.
        let value = Int32(sample)
        let sign: UInt8 = value < 0 ? 0x80 : 0x00
        let magnitude = min(abs(value), clip) + bias
        let highestBit = Int32.bitWidth - 1 - magnitude.leadingZeroBitCount
        let exponent = highestBit - 7
        let mantissa = (magnitude >> (exponent + 3)) & 0x0F
        // Bytes are stored inverted so that silence is 0xFF, as the standard requires.
        return ~(sign | UInt8(exponent << 4) | UInt8(mantissa))
    }

    /// Expands one mu-law byte to the 16-bit linear value at the middle of its quantisation step.
    public static func decode(_ byte: UInt8) -> Int16 {
        let bits = ~byte
        let exponent = Int32((bits >> 4) & 0x07)
        let mantissa = Int32(bits & 0x0F)
        let magnitude = (((mantissa << 3) + bias) << exponent) - bias
        return Int16(bits & 0x80 != 0 ? -magnitude : magnitude)
    }

    public static func encode(_ samples: [Int16]) -> [UInt8] {
        samples.map { encode($0) }
    }

    public static func decode(_ bytes: [UInt8]) -> [Int16] {
        bytes.map { decode($0) }
    }
}
