import Foundation

/// Sample-rate conversion good enough for speech on a phone line.
public enum Resampler {
    /// Linear interpolation; when downsampling, a windowed-sinc low-pass first removes what the new rate
    /// cannot carry, so e.g. 24 kHz speech does not alias into the 0 to 4 kHz telephone band.
    ///
    /// Returns the input unchanged when the rates are equal, and `ceil(count * to / from)` samples otherwise.
    /// Both rates must be positive.
    public static func resample(_ samples: [Int16], from: Int, to: Int) -> [Int16] {
        precondition(from > 0 && to > 0, "sample rates must be positive")
        guard from != to, !samples.isEmpty else { return samples }

        let filter = from > to ? LowPass(ratio: Double(from) / Double(to)) : nil
        let input = samples.map(Double.init)
        let outputCount = (samples.count * to + from - 1) / from
        var output = [Int16]()
        output.reserveCapacity(outputCount)
        func value(at position: Int) -> Double {
            let clamped = min(position, input.count - 1)
            return filter?.apply(input, at: clamped) ?? input[clamped]
        }
        for index in 0..<outputCount {
            // Exact integer position so integer ratios (24k -> 8k) pick input samples without interpolation.
            let whole = index * from / to
            let fraction = Double(index * from % to) / Double(to)
            var sample = value(at: whole)
            if fraction > 0 {
                sample += (value(at: whole + 1) - sample) * fraction
            }
            output.append(Int16(clamping: Int(sample.rounded())))
        }
        return output
    }
}

/// A Hann-windowed sinc FIR low-pass with its cutoff just under the target Nyquist frequency.
/// Evaluated only at the input positions the interpolation needs, which is about two per output sample.
private struct LowPass {
    let taps: [Double]
    let half: Int

    init(ratio: Double) {
        // Cutoff at 90% of the output Nyquist, in cycles per input sample; longer kernels for bigger ratios
        // keep the transition band about the same width in output terms.
        let cutoff = 0.45 / ratio
        half = min(Int((16 * ratio).rounded(.up)), 512)
        var taps = [Double]()
        for n in -half...half {
            let x = Double(n)
            let sinc = n == 0 ? 2 * cutoff : sin(2 * Double.pi * cutoff * x) / (Double.pi * x)
            let window = 0.5 + 0.5 * cos(Double.pi * x / Double(half + 1))
            taps.append(sinc * window)
        }
        let sum = taps.reduce(0, +)
        self.taps = taps.map { $0 / sum }
    }

    /// Edges repeat the first and last sample, so the ends of a clip do not fade.
    func apply(_ input: [Double], at center: Int) -> Double {
        var total = 0.0
        let last = input.count - 1
        for (offset, tap) in taps.enumerated() {
            let position = min(max(center + offset - half, 0), last)
            total += tap * input[position]
        }
        return total
    }
}
