import Testing

@testable import CoachCore

/// The anchored 1 to 5 bands, checked at their edges.
struct AnalyzerScoringTests {
    @Test(arguments: [
        (69.9, 1), (70, 2), (89.9, 2), (90, 3), (109.9, 3), (110, 4), (129.9, 4), (130, 5), (145, 5), (160, 5),
        (160.1, 4), (180, 4), (180.1, 3), (200, 3), (200.1, 2), (230, 2), (230.1, 1), (0, 1),
    ])
    func paceBands(wordsPerMinute: Double, expected: Int) {
        #expect(AnswerScorer.pace(wordsPerMinute: wordsPerMinute) == expected)
    }

    @Test(arguments: [
        // (fillers, hedges, seconds, expected): rate = (fillers + hedges / 2) per minute.
        (1, 0, 60.0, 5), (0, 2, 60.0, 5), (2, 0, 60.0, 4), (1, 3, 60.0, 3), (3, 1, 60.0, 3), (5, 0, 60.0, 2),
        (4, 2, 60.0, 2), (6, 0, 60.0, 1), (4, 0, 120.0, 4), (0, 0, 10.0, 5),
        // Under half a minute the rate is taken over half a minute: 1 filler in 10 s is 2 a minute.
        (1, 0, 10.0, 4), (3, 0, 10.0, 1),
    ])
    func fluencyBands(fillers: Int, hedges: Int, seconds: Double, expected: Int) {
        #expect(AnswerScorer.fluency(fillers: fillers, hedges: hedges, seconds: seconds) == expected)
    }

    @Test func lengthBands() {
        func check(_ words: Int, _ seconds: Double, _ verdict: LengthVerdict, _ score: Int) {
            let result = AnswerScorer.length(words: words, seconds: seconds)
            #expect(result.verdict == verdict, "\(words) words in \(seconds) s")
            #expect(result.score == score, "\(words) words in \(seconds) s")
        }
        check(0, 0, .tooShort, 1)
        check(19, 40, .tooShort, 1)
        check(60, 14, .tooShort, 1)
        check(39, 40, .tooShort, 2)
        check(60, 29, .tooShort, 2)
        check(40, 30, .short, 3)
        check(99, 45, .short, 3)
        check(100, 45, .short, 4)
        check(149, 59, .short, 4)
        check(150, 59, .good, 5)
        check(300, 130, .good, 5)
        check(120, 60, .good, 5)
        check(320, 120, .good, 5)
        check(301, 121, .long, 4)
        check(375, 150, .long, 4)
        check(376, 150, .long, 3)
        check(450, 180, .long, 3)
        check(451, 180, .tooLong, 2)
        check(600, 240, .tooLong, 2)
        check(601, 240, .tooLong, 1)
    }

    @Test(arguments: [
        // (singular, plural, expected)
        (7, 3, 5), (3, 2, 4), (2, 2, 3), (1, 2, 2), (1, 9, 2), (0, 4, 1), (0, 0, 3), (5, 0, 5),
    ])
    func ownershipBands(singular: Int, plural: Int, expected: Int) {
        let content = ContentFindings(singularCount: singular, pluralCount: plural)
        let score = AnswerScorer.ownership(ratio: content.firstPersonRatio, singular: singular, plural: plural)
        #expect(score == expected)
    }

    @Test func structureIsOnePerSTARPartPlusOne() {
        #expect((0...4).map(AnswerScorer.structure(starParts:)) == [1, 2, 3, 4, 5])
    }

    @Test func substanceAddsAnchoredPointsAndCapsHypotheticals() {
        #expect(AnswerScorer.substance(pastExample: true, quantified: true, hypothetical: false, words: 80) == 5)
        #expect(AnswerScorer.substance(pastExample: true, quantified: true, hypothetical: false, words: 79) == 4)
        #expect(AnswerScorer.substance(pastExample: true, quantified: false, hypothetical: false, words: 120) == 4)
        #expect(AnswerScorer.substance(pastExample: false, quantified: false, hypothetical: false, words: 20) == 2)
        #expect(AnswerScorer.substance(pastExample: false, quantified: true, hypothetical: true, words: 200) == 2)
        #expect(AnswerScorer.substance(pastExample: false, quantified: false, hypothetical: true, words: 20) == 1)
    }

    @Test func overallIsWeightedAndRoundedHalfUp() {
        func scores(_ values: [CoachingDimension: Int]) -> [CoachingDimension: Int] {
            var all = Dictionary(uniqueKeysWithValues: CoachingDimension.allCases.map { ($0, 1) })
            all.merge(values) { $1 }
            return all
        }
        // Weights 3, 3, 2, 2, 2, 1 (total 13). Structure and substance at 5, the rest 1: (30 + 7) / 13 = 2.85.
        #expect(AnswerScorer.overall(scores([.structure: 5, .substance: 5])) == 3)
        // Pace and length at 5 instead: (13 + 15) / 13 = 2.15, so content weighs more than delivery.
        #expect(AnswerScorer.overall(scores([.pace: 5, .length: 5])) == 2)
        // 12 + 12 + 2 + 2 + 2 + 3 = 33, and 33 / 13 = 2.54 rounds up; with pace 2, 32 / 13 = 2.46 rounds down.
        #expect(AnswerScorer.overall(scores([.structure: 4, .substance: 4, .pace: 3])) == 3)
        #expect(AnswerScorer.overall(scores([.structure: 4, .substance: 4, .pace: 2])) == 2)
        #expect(AnswerScorer.overall(scores([:])) == 1)
        #expect(AnswerScorer.overall(Dictionary(uniqueKeysWithValues: CoachingDimension.allCases.map { ($0, 5) })) == 5)
    }

    @Test func strengthAndImprovementFollowTheTieOrders() {
        func scores(_ values: [Int]) -> [CoachingDimension: Int] {
            // structure, substance, ownership, pace, fluency, length
            Dictionary(uniqueKeysWithValues: zip(CoachingDimension.allCases, values).map { ($0, $1) })
        }
        let mixed = scores([3, 5, 5, 2, 4, 2])
        #expect(AnswerScorer.strength(mixed) == .substance)
        // Pace and length tie at 2: length comes first in the improvement order.
        #expect(AnswerScorer.improvement(mixed, strength: .substance) == .length)
        let delivery = scores([4, 4, 4, 5, 5, 5])
        // Fluency, pace and length tie at 5: fluency comes first in the strength order.
        #expect(AnswerScorer.strength(delivery) == .fluency)
        #expect(AnswerScorer.improvement(delivery, strength: .fluency) == .structure)
        let flat = scores([3, 3, 3, 3, 3, 3])
        #expect(AnswerScorer.strength(flat) == .structure)
        #expect(AnswerScorer.improvement(flat, strength: .structure) == .substance)
    }
}
