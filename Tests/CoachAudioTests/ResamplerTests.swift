import CoachAudio
import Foundation
import Testing

private func zeroCrossings(_ samples: [Int16]) -> Int {
    zip(samples, samples.dropFirst()).filter { ($0 < 0) != ($1 < 0) }.count
}

private func rms(_ samples: [Int16]) -> Double {
    guard !samples.isEmpty else { return 0 }
    return (samples.reduce(0.0) { $0 + Double($1) * Double($1) } / Double(samples.count)).squareRoot()
}

@Suite struct ResamplerTests {
    @Test func equalRatesAreExact() {
        let samples: [Int16] = [5, -7, 32767, -32768, 0]
        #expect(Resampler.resample(samples, from: 8000, to: 8000) == samples)
    }

    @Test func emptyStaysEmpty() {
        #expect(Resampler.resample([], from: 24000, to: 8000).isEmpty)
    }

    @Test(arguments: [
        (24000, 24000, 8000, 8000), (24001, 24000, 8000, 8001), (8000, 8000, 24000, 24000),
        (44100, 44100, 8000, 8000), (22050, 22050, 8000, 8000), (3, 16000, 8000, 2),
    ])
    func outputLengthFollowsRateRatio(count: Int, from: Int, to: Int, expected: Int) {
        let input = [Int16](repeating: 100, count: count)
        #expect(Resampler.resample(input, from: from, to: to).count == expected)
    }

    /// The low-pass is normalised, so a constant level is preserved, edges included.
    @Test func constantSignalIsPreserved() {
        let output = Resampler.resample([Int16](repeating: 1000, count: 2400), from: 24000, to: 8000)
        #expect(output.allSatisfy { abs(Int($0) - 1000) <= 1 })
    }

    /// A 1 kHz tone keeps its pitch (2000 zero crossings a second) and its level through 24 kHz -> 8 kHz.
    @Test func toneSurvivesDownsampling() {
        let tone = ToneGenerator.tone(frequency: 1000, seconds: 1, sampleRate: 24000)
        let output = Resampler.resample(tone, from: 24000, to: 8000)
        #expect(abs(zeroCrossings(output) - 2000) <= 4)
        #expect(abs(rms(output) / rms(tone) - 1) < 0.05)
    }

    /// Without the low-pass a 6 kHz tone would alias to 2 kHz at full level; with it, it is mostly removed.
    @Test func frequenciesAboveNewNyquistAreFiltered() {
        let tone = ToneGenerator.tone(frequency: 6000, seconds: 1, sampleRate: 24000)
        let output = Resampler.resample(tone, from: 24000, to: 8000)
        #expect(rms(output) < 0.05 * rms(tone))
    }

    @Test func nonIntegerRatioKeepsPitch() {
        let tone = ToneGenerator.tone(frequency: 500, seconds: 1, sampleRate: 44100)
        let output = Resampler.resample(tone, from: 44100, to: 8000)
        #expect(abs(zeroCrossings(output) - 1000) <= 4)
    }

    @Test func upsamplingKeepsPitch() {
        let tone = ToneGenerator.tone(frequency: 440, seconds: 1, sampleRate: 8000)
        let output = Resampler.resample(tone, from: 8000, to: 24000)
        #expect(output.count == 24000)
        #expect(abs(zeroCrossings(output) - 880) <= 4)
        #expect(Array(output[0..<9].enumerated().filter { $0.offset % 3 == 0 }.map(\.element)) == Array(tone[0..<3]))
    }
}

@Suite struct ToneGeneratorTests {
    @Test func producesRequestedLengthLevelAndPitch() {
        let tone = ToneGenerator.tone(frequency: 1000, seconds: 0.5)
        #expect(tone.count == 4000)
        #expect(tone.max() == Int16((0.3 * 32767).rounded()))
        #expect(abs(zeroCrossings(tone) - 1000) <= 2)
    }

    @Test func clampsAmplitudeAndHandlesEmptyRequests() {
        #expect(ToneGenerator.tone(frequency: 100, seconds: 0.1, amplitude: 5).max() == Int16.max)
        #expect(ToneGenerator.tone(frequency: 100, seconds: 0).isEmpty)
    }
}
