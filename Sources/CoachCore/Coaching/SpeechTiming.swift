import Foundation

/// When the caller was actually speaking, from a transcription provider's word timestamps.
///
/// A recording's duration includes the silence before the first word and after the last (up to the
/// Record timeout), so a rate computed from it reads slow. Word timings give the speaking span, and
/// the gaps between words show where the caller went quiet.
public struct SpeechTiming: Codable, Sendable, Equatable {
    /// A gap between words at least this long is a pause a listener hears.
    public static let pauseSeconds = 1.0
    /// A gap at least this long is dead air an interviewer notices; it counts against fluency.
    public static let longPauseSeconds = 3.0
    /// Shorter spans are too little to rate (one or two words); the recording duration is used instead.
    static let minimumSpanSeconds = 1.0

    /// First word's start to last word's end, 2 decimals.
    public var speakingSeconds: Double
    /// Silence before the first word, 2 decimals.
    public var leadingSilenceSeconds: Double
    /// Gaps of at least `pauseSeconds`.
    public var pauses: Int
    /// Gaps of at least `longPauseSeconds`.
    public var longPauses: Int
    /// The longest gap between two words, 2 decimals (0 for none).
    public var longestPauseSeconds: Double

    public init(
        speakingSeconds: Double, leadingSilenceSeconds: Double = 0, pauses: Int = 0, longPauses: Int = 0,
        longestPauseSeconds: Double = 0
    ) {
        self.speakingSeconds = speakingSeconds
        self.leadingSilenceSeconds = leadingSilenceSeconds
        self.pauses = pauses
        self.longPauses = longPauses
        self.longestPauseSeconds = longestPauseSeconds
    }

    /// Nil when the timings cannot be trusted for a rate: fewer than two usable words, or a span under
    /// a second. Words with negative, reversed or non-finite times are ignored; order does not matter.
    public init?(words: [Transcript.TimedWord]) {
        let usable = words.filter { $0.start.isFinite && $0.end.isFinite && $0.start >= 0 && $0.end >= $0.start }
            .sorted { $0.start < $1.start }
        guard usable.count >= 2, let first = usable.first else { return nil }
        let end = usable.map(\.end).max() ?? first.end
        let span = end - first.start
        guard span >= Self.minimumSpanSeconds else { return nil }

        var gaps: [Double] = []
        var spokenUntil = first.end
        for word in usable.dropFirst() {
            gaps.append(max(0, word.start - spokenUntil))
            spokenUntil = max(spokenUntil, word.end)
        }
        self.init(
            speakingSeconds: Self.rounded(span),
            leadingSilenceSeconds: Self.rounded(first.start),
            pauses: gaps.filter { $0 >= Self.pauseSeconds }.count,
            longPauses: gaps.filter { $0 >= Self.longPauseSeconds }.count,
            longestPauseSeconds: Self.rounded(gaps.max() ?? 0))
    }

    private static func rounded(_ value: Double) -> Double {
        (value * 100).rounded() / 100
    }
}
