import Foundation

/// Pure sine tones: stand-in audio for tests and the call simulator.
public enum ToneGenerator {
    /// - Parameter amplitude: fraction of full scale, clamped to 0...1.
    public static func tone(
        frequency: Double,
        seconds: Double,
        sampleRate: Int = 8000,
        amplitude: Double = 0.3
    ) -> [Int16] {
        guard seconds > 0, sampleRate > 0 else { return [] }
        let count = Int((seconds * Double(sampleRate)).rounded())
        let peak = min(max(amplitude, 0), 1) * Double(Int16.max)
        let step = 2 * Double.pi * frequency / Double(sampleRate)
        return (0..<count).map { index in
            Int16((peak * sin(step * Double(index))).rounded())
        }
    }
}
