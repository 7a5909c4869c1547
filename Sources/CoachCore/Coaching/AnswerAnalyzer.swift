import Foundation

/// Analyses one spoken interview answer and says, in two sentences, what went well and what to change.
///
/// Deterministic and explainable: the same transcript and duration always give the same result, and
/// every score comes from a fixed rule below, so the coach can always say why.
///
/// - Words: case-insensitive, punctuation excluded; "." "?" "!" end sentences, "," ";" ":" dashes and
///   ellipses mark clauses. Words per minute = words / seconds * 60, 1 decimal. With word timings
///   (`SpeechTiming`) the seconds are the speaking span, first word to last, not the recording's length.
///   A duration that is zero, negative or not finite is replaced by the words at 150 a minute. An empty
///   transcript scores 1 on every dimension and asks for a full example.
/// - Fillers: um, uh, er, ah, erm, hmm, basically, actually, literally always; "like" in a pause, at a
///   clause start, repeated, quotative ("I was like") or before another filler, never as a verb or
///   comparison ("I like", "felt like"); "so" opening a sentence or alone between pauses, not "so that",
///   "and so" or ", so I called" (meaning therefore); "right" as a tag or opener ("..., right?",
///   "Right, so"), not "the right person", "right away" or "all right"; "you know" and "I mean" unless
///   they carry meaning ("do you know", "what I mean"); "kind of" and "sort of" unless a noun ("what kind
///   of role"). Hedges: maybe, probably, perhaps, I think, I guess, I suppose, I'm not sure. "kind of"
///   and "sort of" count once, as fillers only.
/// - STAR: cue phrases for each part; an action must be first person ("I built", "so I called").
///   Evidence is the first cue with a few words around it, in the caller's casing.
/// - Quantified: digits, number words other than a lone "one", doubled or halved, percentages, money;
///   a year such as "in 2019" is not a quantity. Hypothetical: "I would", "I'd", "I will", "I'll" and no
///   "I" + past-tense action anywhere.
/// - Scores 1 to 5: structure = STAR parts + 1. Substance = 1 + one each for a past example, a number,
///   not hypothetical, 80 or more words (hypothetical caps it at 2). Ownership from the "I" share of
///   first-person words: 0.7 -> 5, 0.55 -> 4, 0.4 -> 3, below -> 2, only "we" -> 1, none at all -> 3.
///   Pace: 130-160 -> 5, 110-180 -> 4, 90-200 -> 3, 70-230 -> 2, else 1. Fluency from (fillers +
///   hedges / 2 + silent gaps of 3 s or more) per minute, over at least half a minute: 1 -> 5, 2 -> 4,
///   3.5 -> 3, 5 -> 2, else 1.
///   Length: 150-300 words or 60-120 seconds -> 5; under 40 words or 30 seconds -> 2, under 20 words or
///   15 seconds -> 1; between, 3 or 4 by distance from the good band.
/// - Overall: weighted mean (structure and substance 3, ownership, fluency and length 2, pace 1),
///   rounded half up. Strength: highest score, ties in the order structure, substance, ownership,
///   fluency, pace, length. Improvement: lowest score, ties in the order structure, substance,
///   ownership, fluency, length, pace, never the same dimension as the strength.
public struct AnswerAnalyzer: Sendable {
    /// Used when the caller gives no usable duration.
    static let assumedWordsPerMinute = 150.0

    public init() {}

    /// `seconds` is the recording's length; `timing`, when the transcriber gave word timestamps,
    /// replaces it with the speaking span and adds the pauses.
    public func analyze(transcript: String, seconds: Double, timing: SpeechTiming? = nil) -> AnswerAnalysis {
        let tokens = TranscriptTokenizer().tokenize(transcript)
        let words = tokens.count
        let timing = words > 0 ? timing : nil
        let measured = timing?.speakingSeconds ?? seconds
        // A usable duration is positive and keeps the rates finite (JSON cannot encode infinity).
        let usable = measured.isFinite && measured > 0 && (Double(words) / measured * 60).isFinite
        let duration = usable ? measured : Self.round(Double(words) / Self.assumedWordsPerMinute * 60, places: 1)
        let minutes = duration / 60
        let detector = FillerDetector()
        let facts = AnswerFacts(
            words: words,
            seconds: duration,
            wordsPerMinute: minutes > 0 ? Self.round(Double(words) / minutes, places: 1) : 0,
            fillers: detector.fillers(in: tokens),
            hedges: detector.hedges(in: tokens),
            star: STARDetector().detect(in: tokens),
            content: ContentDetector().detect(in: tokens),
            longPauses: timing?.longPauses ?? 0,
            longestPause: timing?.longestPauseSeconds ?? 0
        )

        let scores = AnswerScorer().scores(for: facts)
        let strength = AnswerScorer.strength(scores)
        let improvement = AnswerScorer.improvement(scores, strength: strength)
        let writer = FeedbackWriter()
        return AnswerAnalysis(
            words: words,
            seconds: duration,
            wordsPerMinute: facts.wordsPerMinute,
            fillerCount: facts.fillers.total,
            fillers: facts.fillers.counts,
            fillersPerMinute: minutes > 0 ? Self.round(Double(facts.fillers.total) / minutes, places: 1) : 0,
            hedgeCount: facts.hedges.total,
            hedges: facts.hedges.counts,
            star: facts.star.presence,
            starEvidence: facts.star.evidence,
            quantified: facts.quantified,
            quantifiedEvidence: facts.content.quantifiedEvidence,
            hypothetical: facts.hypothetical,
            firstPersonRatio: facts.content.firstPersonRatio,
            lengthVerdict: AnswerScorer.length(words: words, seconds: duration).verdict,
            scores: Dictionary(uniqueKeysWithValues: scores.map { ($0.key.rawValue, $0.value) }),
            overall: AnswerScorer.overall(scores),
            strengthDimension: strength,
            improvementDimension: improvement,
            strength: writer.strength(strength, facts: facts, score: scores[strength] ?? 1),
            improvement: writer.improvement(improvement, facts: facts),
            timing: timing
        )
    }

    static func round(_ value: Double, places: Int) -> Double {
        let scale = pow(10, Double(places))
        return (value * scale).rounded() / scale
    }
}

/// What the detectors found in one answer; the scorer and the feedback writer read only this.
struct AnswerFacts: Sendable, Equatable {
    var words: Int
    var seconds: Double
    var wordsPerMinute: Double
    var fillers: MatchTally
    var hedges: MatchTally
    var star: STARFindings
    var content: ContentFindings
    /// Silent gaps of `SpeechTiming.longPauseSeconds` or more; 0 without word timings.
    var longPauses: Int = 0
    var longestPause: Double = 0

    var quantified: Bool { !content.quantifiedEvidence.isEmpty }
    /// A specific past setting or at least one thing the speaker did.
    var hasPastExample: Bool { star.presence.situation || star.pastActionCount > 0 }
    /// Talks in "I would" and never says what the speaker actually did.
    var hypothetical: Bool { content.conditionalCount > 0 && star.pastActionCount == 0 }
}
