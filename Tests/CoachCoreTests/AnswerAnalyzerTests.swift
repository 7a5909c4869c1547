import Foundation
import Testing

@testable import CoachCore

/// End-to-end checks of `AnswerAnalyzer` on hand-written transcripts with hand-counted facts.
struct AnswerAnalyzerTests {
    let analyzer = AnswerAnalyzer()

    /// 154 words; 12 singular and 3 plural first-person words; no fillers or hedges.
    static let strongAnswer = """
        Last year, at my previous job, our support team was drowning in tickets after a product launch. \
        My role was to cut the backlog before the holiday peak. I started by reading two hundred tickets and \
        sorting them by cause. I found that 40 percent were password resets, so I built a self-service reset \
        page and I wrote three help articles. Then I trained the team on the new process and I set up a weekly \
        review with the product manager. I also called our five biggest customers to explain the change and to \
        ask what still confused them. Their answers helped me rewrite two of the articles. As a result, ticket \
        volume dropped by 35 percent within six weeks, and we saved about $12,000 in overtime. The team finally \
        had time for the harder cases. I learned that fixing the cause beats working faster, and I now look for \
        the root cause first.
        """

    /// Fillers: um 3, uh 2, like 3 (", like,", "was like,", the first of "like like"), so 1 (", so,"),
    /// you know 1, I mean 1, right 1 ("right?") = 12. Not fillers: "I like", "would like", the second
    /// "like" of "like like the", "So that", "felt like", "The right person". Hedges: I think, maybe.
    static let ramblingAnswer = """
        Um, so, I like working with people, and, uh, there was this time, like, we had a big project. \
        Um, it was like, really hard. I would like to say it went well, but like like the deadline was, uh, \
        tight. So that we could finish, we, um, worked late. You know, it felt like a marathon. I mean, \
        I think it was fine, right? The right person was there, maybe.
        """

    @Test func strongSTARAnswerWithNumbersScoresHigh() {
        let analysis = analyzer.analyze(transcript: Self.strongAnswer, seconds: 66)
        #expect(analysis.words == 154)
        #expect(analysis.wordsPerMinute == 140)
        #expect(analysis.star == STARPresence(situation: true, task: true, action: true, result: true))
        #expect(analysis.star.count == 4)
        #expect(analysis.starEvidence["situation"] == "Last year, at my previous")
        #expect(analysis.starEvidence["task"] == "My role was to cut the")
        #expect(analysis.starEvidence["action"] == "I started by reading two")
        #expect(analysis.starEvidence["result"] == "As a result, ticket volume dropped")
        #expect(analysis.quantified)
        #expect(analysis.quantifiedEvidence.contains("40 percent"))
        #expect(analysis.quantifiedEvidence.contains("six weeks"))
        #expect(analysis.quantifiedEvidence.contains("$12,000"))
        #expect(analysis.quantifiedEvidence.first == "two hundred tickets")
        #expect(!analysis.hypothetical)
        #expect(analysis.fillerCount == 0)
        #expect(analysis.hedgeCount == 0)
        #expect(analysis.firstPersonRatio == 0.8)
        #expect(analysis.lengthVerdict == .good)
        for dimension in CoachingDimension.allCases { #expect(analysis.score(dimension) == 5) }
        #expect(analysis.overall == 5)
        // All five: strength takes the first in its order, improvement the next one.
        #expect(analysis.strengthDimension == .structure)
        #expect(analysis.improvementDimension == .substance)
        #expect(analysis.strength.contains("complete story"))
    }

    @Test func ramblingAnswerCountsOnlyFillerUses() {
        let analysis = analyzer.analyze(transcript: Self.ramblingAnswer, seconds: 40)
        #expect(analysis.words == 71)
        #expect(
            analysis.fillers == ["um": 3, "uh": 2, "like": 3, "so": 1, "you know": 1, "i mean": 1, "right": 1]
        )
        #expect(analysis.fillerCount == 12)
        #expect(analysis.fillersPerMinute == 18)
        #expect(analysis.hedges == ["i think": 1, "maybe": 1])
        #expect(analysis.hedgeCount == 2)
        // (12 + 2 / 2) fillers over two thirds of a minute is far above 5 a minute.
        #expect(analysis.score(.fluency) == 1)
        #expect(analysis.starEvidence["situation"] == "there was this time, like, we had")
        #expect(analysis.star.count == 1)
        #expect(analysis.score(.structure) == 2)
    }

    @Test func ramblingAnswerImprovementNamesTheTopFillerWhenFluencyIsWorst() {
        // The same fillers inside a complete story: fluency becomes the weakest dimension.
        let transcript = """
            Um, last year at my previous job, um, my role was to, uh, fix our onboarding. Um, I set up a \
            checklist and, um, I met every new hire. As a result, um, onboarding time dropped by 20 percent.
            """
        let analysis = analyzer.analyze(transcript: transcript, seconds: 20)
        #expect(analysis.fillers == ["um": 5, "uh": 1])
        #expect(analysis.improvementDimension == .fluency)
        #expect(analysis.improvement.hasPrefix("You said 'um' five times"))
    }

    @Test func hypotheticalAnswerStaysInWouldMode() {
        let transcript = """
            If I had a conflict with a coworker, I would first talk to them privately. I'd listen to their side \
            and I would try to find common ground. Then I'll suggest clear goals. I think that would probably work.
            """
        let analysis = analyzer.analyze(transcript: transcript, seconds: 20)
        #expect(analysis.hypothetical)
        #expect(!analysis.star.action)
        #expect(analysis.star.count == 0)
        #expect(analysis.score(.structure) == 1)
        #expect(analysis.score(.substance) == 1)
        #expect(analysis.hedges == ["i think": 1, "probably": 1])
        #expect(analysis.improvementDimension == .structure)
        #expect(analysis.improvement.hasPrefix("You described what you would do"))
    }

    @Test func pastStoryWithOneWouldIsNotHypothetical() {
        let transcript = "I told my manager I would fix it, and I rewrote the script that night."
        let analysis = analyzer.analyze(transcript: transcript, seconds: 5)
        #expect(!analysis.hypothetical)
        #expect(analysis.star.action)
    }

    @Test func weOnlyAnswerHasLowOwnership() {
        let transcript = """
            Last year our team had a tight deadline. We split the work, we met every morning, and we shipped \
            the release two days early. Our manager was really happy with us.
            """
        let analysis = analyzer.analyze(transcript: transcript, seconds: 15)
        #expect(analysis.firstPersonRatio == 0)
        #expect(analysis.score(.ownership) == 1)
        // "we" actions are not the caller's actions.
        #expect(!analysis.star.action)
        #expect(analysis.star.situation)
        #expect(analysis.quantifiedEvidence == ["two days"])
        #expect(analysis.improvementDimension == .ownership)
        #expect(
            analysis.improvement == """
                You said we six times and never said I, so tell me what you yourself did, such as I decided \
                or I built.
                """)
    }

    @Test func mixedPronounsGiveTheSingularShare() {
        // I, my, me, I versus we, our, us: 4 of 7.
        let analysis = analyzer.analyze(transcript: "I and my team, me and we, our plan, us, I.", seconds: 5)
        #expect(analysis.firstPersonRatio == 0.57)
        #expect(analysis.score(.ownership) == 4)
    }

    @Test func noPronounsIsNeutralOwnership() {
        let analysis = analyzer.analyze(transcript: "The project shipped on a Friday.", seconds: 3)
        #expect(analysis.firstPersonRatio == 0.5)
        #expect(analysis.score(.ownership) == 3)
    }

    @Test func emptyTranscriptScoresOneEverywhere() {
        for transcript in ["", "   ", " ... , ? "] {
            let analysis = analyzer.analyze(transcript: transcript, seconds: 12)
            #expect(analysis.words == 0)
            #expect(analysis.wordsPerMinute == 0)
            #expect(analysis.fillerCount == 0)
            #expect(analysis.star.count == 0)
            #expect(!analysis.quantified)
            #expect(!analysis.hypothetical)
            #expect(analysis.lengthVerdict == .tooShort)
            #expect(analysis.scores.count == CoachingDimension.allCases.count)
            for dimension in CoachingDimension.allCases { #expect(analysis.score(dimension) == 1) }
            #expect(analysis.overall == 1)
            #expect(analysis.strengthDimension == .structure)
            #expect(analysis.improvementDimension == .substance)
            #expect(analysis.improvement.contains("full example"))
        }
    }

    @Test func zeroSecondsAssumes150WordsPerMinute() {
        let transcript = Array(repeating: "I fixed the build", count: 10).joined(separator: ". ") + "."
        for seconds in [0, -5, Double.nan, Double.infinity] {
            let analysis = analyzer.analyze(transcript: transcript, seconds: seconds)
            #expect(analysis.words == 40)
            #expect(analysis.seconds == 16)
            #expect(analysis.wordsPerMinute == 150)
            #expect(analysis.score(.pace) == 5)
        }
        let empty = analyzer.analyze(transcript: "", seconds: 0)
        #expect(empty.seconds == 0)
        #expect(empty.wordsPerMinute == 0)
        #expect(empty.fillersPerMinute == 0)
    }

    @Test func paceComesFromWordsAndSeconds() {
        let sentence = "I called the client and we agreed on a date"  // 10 words
        let text = Array(repeating: sentence, count: 19).joined(separator: ". ")  // 190 words
        let fast = analyzer.analyze(transcript: text, seconds: 60)
        #expect(fast.wordsPerMinute == 190)
        #expect(fast.score(.pace) == 3)
        let slow = analyzer.analyze(transcript: text, seconds: 120)
        #expect(slow.wordsPerMinute == 95)
        #expect(slow.score(.pace) == 3)
        let good = analyzer.analyze(transcript: text, seconds: 76)
        #expect(good.wordsPerMinute == 150)
        #expect(good.score(.pace) == 5)
        // 190 words in 71 s is 160.56 a minute: just over the top of the good band.
        let edge = analyzer.analyze(transcript: text, seconds: 71)
        #expect(edge.wordsPerMinute == 160.6)
        #expect(edge.score(.pace) == 4)
    }

    @Test func jsonEncodingKeepsTheContractKeys() throws {
        let analysis = analyzer.analyze(transcript: Self.ramblingAnswer, seconds: 40)
        let data = try JSONEncoder().encode(analysis)
        let object = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        let expected: Set<String> = [
            "words", "seconds", "wordsPerMinute", "fillerCount", "fillers", "fillersPerMinute", "hedgeCount",
            "hedges", "star", "starEvidence", "quantified", "quantifiedEvidence", "hypothetical",
            "firstPersonRatio", "lengthVerdict", "scores", "overall", "strengthDimension",
            "improvementDimension", "strength", "improvement",
        ]
        #expect(Set(object.keys) == expected)
        #expect(object["words"] as? Int == 71)
        #expect(object["fillerCount"] as? Int == 12)
        #expect(object["hedgeCount"] as? Int == 2)
        #expect(object["wordsPerMinute"] as? Double == 106.5)
        #expect(object["firstPersonRatio"] as? Double == 0.57)
        #expect(object["quantified"] as? Bool == false)
        #expect((object["fillers"] as? [String: Int])?["um"] == 3)
        let star = try #require(object["star"] as? [String: Bool])
        #expect(star == ["situation": true, "task": false, "action": false, "result": false])
        let scores = try #require(object["scores"] as? [String: Int])
        #expect(Set(scores.keys) == Set(CoachingDimension.allCases.map(\.rawValue)))
        #expect(scores["fluency"] == 1)
        #expect(object["overall"] as? Int == analysis.overall)
        #expect(object["lengthVerdict"] as? String == "short")
        #expect(object["strength"] as? String == analysis.strength)
        #expect(object["improvement"] as? String == analysis.improvement)
        #expect(object["strengthDimension"] as? String == analysis.strengthDimension.rawValue)

        let decoded = try JSONDecoder().decode(AnswerAnalysis.self, from: data)
        #expect(decoded == analysis)
    }

    @Test func analysisIsDeterministic() {
        let first = analyzer.analyze(transcript: Self.ramblingAnswer, seconds: 40)
        let second = analyzer.analyze(transcript: Self.ramblingAnswer, seconds: 40)
        #expect(first == second)
    }
}

/// Odd input must never crash, and must always encode to JSON with scores in range.
struct AnalyzerRobustnessTests {
    @Test func oddTranscriptsAndDurations() throws {
        var generator = SeededGenerator(seed: 42)
        let pieces = [
            "um", "I", "like", "so", ",", ".", "?", "!", "…", "—", "right", "you", "know", "kind", "of", "30%", "$",
            "2,000", "'", "-", "would", "I'd", "we", "in", "2019", "ago", "two", "per", "cent", "😀", "é", "\n",
        ]
        let durations = [0, -1, .leastNonzeroMagnitude, 0.001, 7, 60, 1e300, .nan, .infinity, -.infinity]
        for round in 0..<300 {
            let count = Int.random(in: 0...40, using: &generator)
            let text = (0..<count).map { _ in pieces.randomElement(using: &generator)! }
                .joined(separator: round.isMultiple(of: 2) ? " " : "")
            let seconds = durations[round % durations.count]
            let analysis = AnswerAnalyzer().analyze(transcript: text, seconds: seconds)
            _ = try JSONEncoder().encode(analysis)
            #expect(analysis.seconds.isFinite && analysis.wordsPerMinute.isFinite)
            #expect(analysis.scores.values.allSatisfy { (1...5).contains($0) })
            #expect((1...5).contains(analysis.overall))
            #expect(analysis.strengthDimension != analysis.improvementDimension)
        }
    }

    /// A small deterministic generator so the robustness test is repeatable.
    private struct SeededGenerator: RandomNumberGenerator {
        var state: UInt64
        init(seed: UInt64) { state = seed }
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
    }
}
