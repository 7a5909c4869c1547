import CoachAudio
import Foundation
import Testing

@Suite struct MuLawTests {
    /// Reference pairs from the G.711 tables (cross-checked against CPython's audioop).
    @Test(arguments: [
        (Int16(0), UInt8(0xFF)), (1, 0xFF), (100, 0xF2), (1000, 0xCE), (5000, 0xAB), (12345, 0x97),
        (31000, 0x81), (32767, 0x80), (-100, 0x72), (-1000, 0x4E), (-5000, 0x2B), (-31000, 0x01), (-32768, 0x00),
    ])
    func encodesKnownValues(sample: Int16, byte: UInt8) {
        #expect(MuLaw.encode(sample) == byte)
    }

    @Test(arguments: [
        (UInt8(0x00), Int16(-32124)), (0x80, 32124), (0xFF, 0), (0x7F, 0), (0xCE, 988), (0x4E, -988),
        (0xF2, 104), (0xAB, 5116), (0x0F, -16764), (0x8F, 16764), (0x70, -120), (0xF0, 120), (0x7E, -8),
    ])
    func decodesKnownValues(byte: UInt8, sample: Int16) {
        #expect(MuLaw.decode(byte) == sample)
    }

    /// Minus one keeps its sign: it lands on "negative zero" (0x7F), which decodes to 0 like 0xFF.
    @Test func smallestValuesAreSilence() {
        #expect(MuLaw.encode(1) == 0xFF)
        #expect(MuLaw.encode(-1) == 0x7F)
        #expect(MuLaw.decode(MuLaw.encode(-1)) == 0)
    }

    /// Quantisation error stays within half a step, which is about 1/32 of the biased magnitude.
    @Test func roundTripErrorIsBoundedOverWholeRange() {
        var worst = 0
        for value in Int(Int16.min)...Int(Int16.max) {
            let decoded = Int(MuLaw.decode(MuLaw.encode(Int16(value))))
            let error = abs(decoded - value)
            #expect(error <= (abs(value) + 132) / 32, "sample \(value) decoded as \(decoded)")
            worst = max(worst, error)
        }
        // Clipping at the extremes is the largest error: 32767 -> 32124 and -32768 -> -32124.
        #expect(worst == 644)
    }

    @Test func roundTripIsMonotonic() {
        var previous = MuLaw.decode(MuLaw.encode(Int16.min))
        for value in Int16.min...Int16.max {
            let decoded = MuLaw.decode(MuLaw.encode(value))
            #expect(decoded >= previous, "not monotonic at \(value)")
            previous = decoded
        }
    }

    /// Every byte except negative zero survives decode then encode unchanged.
    @Test func bytesSurviveDecodeThenEncode() {
        for byte in UInt8.min...UInt8.max where byte != 0x7F {
            #expect(MuLaw.encode(MuLaw.decode(byte)) == byte)
        }
    }

    @Test func arrayFormsMatchScalarForms() {
        let samples: [Int16] = [0, 1, -1, 1000, -32768, 32767]
        let bytes = MuLaw.encode(samples)
        #expect(bytes == [0xFF, 0xFF, 0x7F, 0xCE, 0x00, 0x80])
        #expect(MuLaw.decode(bytes) == [0, 0, 0, 988, -32124, 32124])
    }
}

@Suite struct PCM16Tests {
    @Test func readsLittleEndianSamples() {
        let data = Data([0x01, 0x00, 0xFF, 0x7F, 0x00, 0x80, 0xFF, 0xFF, 0x34, 0x12])
        #expect(PCM16.samples(fromLittleEndian: data) == [1, 32767, -32768, -1, 0x1234])
    }

    @Test func ignoresTrailingOddByte() {
        #expect(PCM16.samples(fromLittleEndian: Data([0x02, 0x00, 0x05])) == [2])
    }

    /// Slices of a larger buffer do not start at index zero.
    @Test func readsDataSlices() {
        let buffer = Data([0xAA, 0x03, 0x00, 0x04, 0x00])
        #expect(PCM16.samples(fromLittleEndian: buffer.dropFirst()) == [3, 4])
    }

    @Test func writesLittleEndianAndRoundTrips() {
        let samples: [Int16] = [0x1234, -2, Int16.min, Int16.max]
        let data = PCM16.littleEndianData(samples)
        #expect([UInt8](data) == [0x34, 0x12, 0xFE, 0xFF, 0x00, 0x80, 0xFF, 0x7F])
        #expect(PCM16.samples(fromLittleEndian: data) == samples)
    }
}
