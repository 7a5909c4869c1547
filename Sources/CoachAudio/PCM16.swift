import Foundation

/// Raw little-endian 16-bit PCM, the form in which speech APIs (e.g. OpenAI's `pcm` output, 24 kHz mono)
/// return audio without a container.
public enum PCM16 {
    /// Reads consecutive little-endian samples. A trailing odd byte (an incomplete sample) is ignored.
    public static func samples(fromLittleEndian data: Data) -> [Int16] {
        let bytes = [UInt8](data)
        let count = bytes.count / 2
        var samples = [Int16](repeating: 0, count: count)
        for index in 0..<count {
            let low = UInt16(bytes[2 * index])
            let high = UInt16(bytes[2 * index + 1])
            samples[index] = Int16(bitPattern: low | high << 8)
        }
        return samples
    }

    /// Writes samples as little-endian bytes, whatever the host byte order.
    public static func littleEndianData(_ samples: [Int16]) -> Data {
        var bytes = [UInt8]()
        bytes.reserveCapacity(samples.count * 2)
        for sample in samples {
            let bits = UInt16(bitPattern: sample)
            bytes.append(UInt8(truncatingIfNeeded: bits))
            bytes.append(UInt8(truncatingIfNeeded: bits >> 8))
        }
        return Data(bytes)
    }
}
