import Foundation

/// Turns measurements into anchored 1 to 5 scores. Every band is a fixed threshold so a caller can be
/// told exactly why a score is what it is. An empty answer scores 1 everywhere.
struct AnswerScorer: Sendable {
    /// Structure and substance carry what the interviewer remembers, so they weigh most.
    static let weights: [CoachingDimension: Int] = [
        .structure: 3, .substance: 3, .ownership: 2, .fluency: 2, .length: 2, .pace: 1,
    ]
    /// Strength ties go to what matters most in content first; delivery last.
    static let strengthOrder: [CoachingDimension] = [.structure, .substance, .ownership, .fluency, .pace, .length]
    /// Improvement ties go to content first; pace last because it is the hardest to change on a call.
    static let improvementOrder: [CoachingDimension] = [
        .structure, .substance, .ownership, .fluency, .length, .pace,
    ]
    /// Below this an answer has too little to be a worked example.
    static let substantialWords = 80

    func scores(for facts: AnswerFacts) -> [CoachingDimension: Int] {
        guard facts.words > 0 else {
            return Dictionary(uniqueKeysWithValues: CoachingDimension.allCases.map { ($0, 1) })
        }
        return [
            .structure: Self.structure(starParts: facts.star.presence.count),
            .substance: Self.substance(
                pastExample: facts.hasPastExample,
                quantified: facts.quantified,
                hypothetical: facts.hypothetical,
                words: facts.words
            ),
            .ownership: Self.ownership(
                ratio: facts.content.firstPersonRatio,
                singular: facts.content.singularCount,
                plural: facts.content.pluralCount
            ),
            .pace: Self.pace(wordsPerMinute: facts.wordsPerMinute),
            .fluency: Self.fluency(
                fillers: facts.fillers.total, hedges: facts.hedges.total, longPauses: facts.longPauses,
                seconds: facts.seconds),
            .length: Self.length(words: facts.words, seconds: facts.seconds).score,
        ]
    }

    /// One point per STAR part present: 0 parts -> 1, 4 parts -> 5.
    static func structure(starParts: Int) -> Int {
        min(5, max(0, starParts) + 1)
    }

    /// 1, plus one each for: a specific past example (a situation or an "I" + past action), a number,
    /// not staying hypothetical, and at least 80 words. A hypothetical answer is capped at 2.
    static func substance(pastExample: Bool, quantified: Bool, hypothetical: Bool, words: Int) -> Int {
        let points = [pastExample, quantified, !hypothetical, words >= substantialWords].filter { $0 }.count
        return hypothetical ? min(2, 1 + points) : 1 + points
    }

    /// Ratio of "I" words to all first-person words: >= 0.7 -> 5, >= 0.55 -> 4, >= 0.4 -> 3,
    /// mostly "we" -> 2, only "we" -> 1. No first-person words at all -> 3 (neutral, ratio 0.5).
    static func ownership(ratio: Double, singular: Int, plural: Int) -> Int {
        if singular == 0 && plural > 0 { return 1 }
        switch ratio {
        case 0.7...: return 5
        case 0.55..<0.7: return 4
        case 0.4..<0.55: return 3
        default: return 2
        }
    }

    /// 130-160 -> 5, 110-180 -> 4, 90-200 -> 3, 70-230 -> 2, else 1, on the rounded rate, bounds inclusive.
    static func pace(wordsPerMinute: Double) -> Int {
        switch wordsPerMinute {
        case 130...160: return 5
        case 110...180: return 4
        case 90...200: return 3
        case 70...230: return 2
        default: return 1
        }
    }

    /// Rate of (fillers + hedges / 2 + long silent gaps) per minute: <= 1 -> 5, <= 2 -> 4, <= 3.5 -> 3,
    /// <= 5 -> 2, else 1. The minute count is at least half a minute, so one "um" in a ten second answer
    /// is not a disaster. A long gap is a stall like a filler; short pauses are good and never count.
    static func fluency(fillers: Int, hedges: Int, longPauses: Int = 0, seconds: Double) -> Int {
        let minutes = max(seconds / 60, 0.5)
        let rate = (Double(fillers) + Double(hedges) / 2 + Double(longPauses)) / minutes
        switch rate {
        case ...1: return 5
        case ...2: return 4
        case ...3.5: return 3
        case ...5: return 2
        default: return 1
        }
    }

    /// Under 40 words or 30 seconds: tooShort (1 below 20 words or 15 seconds, else 2).
    /// 150-300 words or 60-120 seconds: good, 5. Shorter: short (100+ words 4, else 3).
    /// Longer: long up to 450 words (up to 375 -> 4, else 3), then tooLong (up to 600 -> 2, else 1).
    static func length(words: Int, seconds: Double) -> (verdict: LengthVerdict, score: Int) {
        if words < 40 || seconds < 30 {
            return (.tooShort, words < 20 || seconds < 15 ? 1 : 2)
        }
        if (150...300).contains(words) || (60...120).contains(seconds) { return (.good, 5) }
        if words < 150 { return (.short, words >= 100 ? 4 : 3) }
        if words <= 450 { return (.long, words <= 375 ? 4 : 3) }
        return (.tooLong, words <= 600 ? 2 : 1)
    }

    /// Weighted mean of the scores, rounded half up, kept within 1...5.
    static func overall(_ scores: [CoachingDimension: Int]) -> Int {
        let total = weights.reduce(0) { $0 + $1.value * (scores[$1.key] ?? 1) }
        let weight = weights.values.reduce(0, +)
        let mean = (Double(total) / Double(weight)).rounded(.toNearestOrAwayFromZero)
        return min(5, max(1, Int(mean)))
    }

    /// The highest score, earliest in `strengthOrder` on a tie.
    static func strength(_ scores: [CoachingDimension: Int]) -> CoachingDimension {
        var best = strengthOrder[0]
        for dimension in strengthOrder where (scores[dimension] ?? 1) > (scores[best] ?? 1) { best = dimension }
        return best
    }

    /// The lowest score other than the strength, earliest in `improvementOrder` on a tie. Excluding the
    /// strength only matters when every score is equal; then the next dimension in the order is named.
    static func improvement(_ scores: [CoachingDimension: Int], strength: CoachingDimension) -> CoachingDimension {
        let candidates = improvementOrder.filter { $0 != strength }
        var worst = candidates[0]
        for dimension in candidates where (scores[dimension] ?? 1) < (scores[worst] ?? 1) { worst = dimension }
        return worst
    }
}
