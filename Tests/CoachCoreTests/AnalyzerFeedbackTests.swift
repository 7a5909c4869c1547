import Foundation
import Testing

@testable import CoachCore

/// The spoken sentences: specific to what was heard, and always speakable.
struct AnalyzerFeedbackTests {
    let writer = FeedbackWriter()

    /// Plain words for text to speech: letters, digits, spaces and light punctuation, under 30 words.
    static func isSpeakable(_ sentence: String) -> Bool {
        let allowed = CharacterSet.letters.union(.decimalDigits).union(CharacterSet(charactersIn: " .,'?"))
        let words = sentence.split(separator: " ").count
        return sentence.unicodeScalars.allSatisfy(allowed.contains) && words > 3 && words < 30
            && sentence.hasSuffix(".") && sentence.first?.isUppercase == true
    }

    static func facts(
        words: Int = 160,
        seconds: Double = 70,
        wordsPerMinute: Double? = nil,
        fillers: [String] = [],
        hedges: [String] = [],
        star: STARPresence = STARPresence(situation: true, task: true, action: true, result: true),
        pastActions: Int = 3,
        quantities: [String] = ["30 percent"],
        singular: Int = 8,
        plural: Int = 2,
        conditionals: Int = 0
    ) -> AnswerFacts {
        var fillerTally = MatchTally()
        for filler in fillers { fillerTally.add(filler) }
        var hedgeTally = MatchTally()
        for hedge in hedges { hedgeTally.add(hedge) }
        return AnswerFacts(
            words: words,
            seconds: seconds,
            wordsPerMinute: wordsPerMinute ?? (seconds > 0 ? Double(words) / seconds * 60 : 0),
            fillers: fillerTally,
            hedges: hedgeTally,
            star: STARFindings(presence: star, evidence: [:], pastActionCount: pastActions),
            content: ContentFindings(
                quantifiedEvidence: quantities,
                singularCount: singular,
                pluralCount: plural,
                conditionalCount: conditionals
            )
        )
    }

    static let variedFacts: [AnswerFacts] = [
        facts(),
        facts(words: 0, seconds: 0, star: STARPresence(), pastActions: 0, quantities: [], singular: 0, plural: 0),
        facts(words: 40, seconds: 20, star: STARPresence(), pastActions: 0, quantities: [], conditionals: 4),
        facts(singular: 0, plural: 9),
        facts(singular: 0, plural: 0),
        facts(singular: 3, plural: 2),
        facts(words: 320, seconds: 100),
        facts(words: 90, seconds: 100),
        facts(words: 700, seconds: 320, fillers: Array(repeating: "you know", count: 25)),
        facts(fillers: ["um", "uh", "um", "like", "kind of"], hedges: ["i think", "maybe"]),
        facts(hedges: ["i'm not sure", "i'm not sure", "probably"]),
        facts(words: 120, seconds: 50, star: STARPresence(situation: true, task: true, action: true)),
        facts(star: STARPresence(situation: true, task: true, result: true), pastActions: 0),
        facts(star: STARPresence(task: true, action: true, result: true)),
        facts(star: STARPresence(situation: true, action: true, result: true)),
        facts(words: 12, seconds: 4, star: STARPresence(situation: true), pastActions: 0, quantities: []),
    ]

    @Test func everySentenceIsSpeakable() {
        for facts in Self.variedFacts {
            for dimension in CoachingDimension.allCases {
                for score in 1...5 {
                    let strength = writer.strength(dimension, facts: facts, score: score)
                    let improvement = writer.improvement(dimension, facts: facts)
                    #expect(Self.isSpeakable(strength), "\(strength)")
                    #expect(Self.isSpeakable(improvement), "\(improvement)")
                }
            }
        }
        for (transcript, seconds) in [
            (AnswerAnalyzerTests.strongAnswer, 66.0), (AnswerAnalyzerTests.ramblingAnswer, 40), ("", 0),
        ] {
            let analysis = AnswerAnalyzer().analyze(transcript: transcript, seconds: seconds)
            #expect(Self.isSpeakable(analysis.strength), "\(analysis.strength)")
            #expect(Self.isSpeakable(analysis.improvement), "\(analysis.improvement)")
        }
    }

    @Test func structureImprovementNamesTheMissingPart() {
        let noResult = Self.facts(star: STARPresence(situation: true, task: true, action: true))
        #expect(writer.improvement(.structure, facts: noResult).hasPrefix("You never said how it turned out"))
        let noAction = Self.facts(star: STARPresence(situation: true, task: true, result: true))
        #expect(writer.improvement(.structure, facts: noAction).hasPrefix("You did not say what you did"))
        let noSituation = Self.facts(star: STARPresence(task: true, action: true, result: true))
        #expect(writer.improvement(.structure, facts: noSituation).hasPrefix("Start by setting the scene"))
        let noTask = Self.facts(star: STARPresence(situation: true, action: true, result: true))
        #expect(writer.improvement(.structure, facts: noTask).hasPrefix("Say what you were responsible for"))
        let noParts = Self.facts(star: STARPresence())
        #expect(writer.improvement(.structure, facts: noParts).hasPrefix("Next time, tell one real story"))
    }

    @Test func fluencyImprovementQuotesTheMostFrequentFillerOrHedge() {
        let umHeavy = Self.facts(fillers: Array(repeating: "um", count: 7) + ["like", "like"], hedges: ["maybe"])
        #expect(
            writer.improvement(.fluency, facts: umHeavy)
                == "You said 'um' seven times, so try a short silent pause instead, which sounds more composed."
        )
        let hedgeHeavy = Self.facts(fillers: ["uh"], hedges: ["i think", "i think", "i think", "i think", "maybe"])
        #expect(writer.improvement(.fluency, facts: hedgeHeavy).hasPrefix("You said 'I think' four times"))
        let once = Self.facts(fillers: ["you know"])
        #expect(writer.improvement(.fluency, facts: once).hasPrefix("You said 'you know' once"))
    }

    @Test func paceFeedbackStatesTheRate() {
        let fast = Self.facts(wordsPerMinute: 188)
        #expect(
            writer.improvement(.pace, facts: fast).hasPrefix("You spoke at about 190 words a minute, so slow")
        )
        let slow = Self.facts(wordsPerMinute: 96)
        #expect(
            writer.improvement(.pace, facts: slow).hasPrefix(
                "You spoke at about 95 words a minute, so pick up"))
        let good = Self.facts(wordsPerMinute: 143)
        #expect(
            writer.strength(.pace, facts: good, score: 5)
                == "You spoke at about 145 words a minute, a comfortable pace to follow.")
    }

    @Test func ownershipImprovementCountsWeAndI() {
        let mostlyWe = Self.facts(singular: 2, plural: 7)
        #expect(
            writer.improvement(.ownership, facts: mostlyWe).hasPrefix(
                "You said we seven times but I only twice"))
    }

    @Test func lengthFeedbackSaysHowLong() {
        let short = Self.facts(words: 45, seconds: 21)
        #expect(
            writer.improvement(.length, facts: short).hasPrefix(
                "Your answer lasted only about twenty seconds"))
        let long = Self.facts(words: 520, seconds: 215)
        #expect(
            writer.improvement(.length, facts: long).hasPrefix(
                "Your answer ran about three and a half minutes"))
        #expect(FeedbackWriter.spokenDuration(88) == "about 90 seconds")
        #expect(FeedbackWriter.spokenDuration(125) == "about two minutes")
        #expect(FeedbackWriter.spokenDuration(2) == "about five seconds")
    }

    @Test func substanceImprovementTargetsWhatIsMissing() {
        let hypothetical = Self.facts(star: STARPresence(), pastActions: 0, conditionals: 3)
        #expect(
            writer.improvement(.substance, facts: hypothetical).hasPrefix("You described what you would do"))
        let noNumber = Self.facts(quantities: [])
        #expect(writer.improvement(.substance, facts: noNumber).hasPrefix("Add a number to your result"))
    }

    @Test func lowStrengthIsEncouragingNotFalsePraise() {
        let weak = Self.facts(words: 30, seconds: 10, star: STARPresence(), pastActions: 0, quantities: [])
        #expect(writer.strength(.structure, facts: weak, score: 1).hasPrefix("You made a start"))
    }
}
