import Foundation
import Testing

@testable import CoachCore

/// Pace and pauses from word timestamps rather than the recording's length.
@Suite struct SpeechTimingTests {
    typealias Word = Transcript.TimedWord

    /// Words of `length` seconds starting at the given times.
    static func words(at starts: [Double], length: Double = 0.3) -> [Word] {
        starts.enumerated().map { Word(word: "w\($0.offset)", start: $0.element, end: $0.element + length) }
    }

    @Test func spanLeadingSilenceAndPauses() throws {
        // Speech starts at 2 s; gaps: 0.2, 1.2 (a pause), 3.5 (a long pause), 0.2; ends at 8.2 s.
        let timing = try #require(SpeechTiming(words: Self.words(at: [2, 2.5, 4, 7.8, 8.3], length: 0.3)))
        #expect(timing.leadingSilenceSeconds == 2)
        #expect(timing.speakingSeconds == 6.6)
        #expect(timing.pauses == 2)
        #expect(timing.longPauses == 1)
        #expect(timing.longestPauseSeconds == 3.5)
    }

    @Test func orderOverlapsAndBrokenWordsAreHandled() throws {
        var words = Self.words(at: [5, 1, 1.2], length: 0.5)  // out of order, and 1.2 overlaps 1
        words.append(Word(word: "bad", start: .nan, end: 3))
        words.append(Word(word: "reversed", start: 9, end: 8))
        words.append(Word(word: "negative", start: -1, end: 0.5))
        let timing = try #require(SpeechTiming(words: words))
        #expect(timing.leadingSilenceSeconds == 1)
        #expect(timing.speakingSeconds == 4.5)
        #expect(timing.pauses == 1)
        #expect(timing.longestPauseSeconds == 3.3)  // 1.7 (end of the overlapping pair) to 5
    }

    @Test func tooLittleToRateIsNil() {
        #expect(SpeechTiming(words: []) == nil)
        #expect(SpeechTiming(words: Self.words(at: [3])) == nil)
        #expect(SpeechTiming(words: Self.words(at: [3, 3.3])) == nil, "0.6 s is too short a span")
        #expect(SpeechTiming(words: [Word(word: "x", start: .infinity, end: .infinity)]) == nil)
    }

    /// 150 words said over a 60 s recording, but only 45 s of it speech.
    static let answer = Array(repeating: "I shipped the release and it cut our costs.", count: 17).joined(
        separator: " ")

    @Test func paceComesFromTheSpeakingSpanWhenTimed() throws {
        let untimed = AnswerAnalyzer().analyze(transcript: Self.answer, seconds: 60)
        let timing = SpeechTiming(speakingSeconds: 45, leadingSilenceSeconds: 10)
        let timed = AnswerAnalyzer().analyze(transcript: Self.answer, seconds: 60, timing: timing)
        #expect(untimed.words == 153)
        #expect(untimed.wordsPerMinute == 153)
        #expect(untimed.timing == nil)
        #expect(timed.seconds == 45)
        #expect(timed.wordsPerMinute == 204)
        #expect(timed.score(.pace) < untimed.score(.pace))
        #expect(timed.timing == timing)
    }

    @Test func longPausesCostFluencyAndAreNamed() throws {
        let clean = SpeechTiming(speakingSeconds: 60, pauses: 3, longPauses: 0, longestPauseSeconds: 2)
        let stalled = SpeechTiming(speakingSeconds: 60, pauses: 3, longPauses: 3, longestPauseSeconds: 6.4)
        let fluent = AnswerAnalyzer().analyze(transcript: Self.answer, seconds: 70, timing: clean)
        let halting = AnswerAnalyzer().analyze(transcript: Self.answer, seconds: 70, timing: stalled)
        #expect(fluent.score(.fluency) == 5, "short pauses are good, never counted")
        #expect(halting.score(.fluency) == 3)
        #expect(AnswerScorer.fluency(fillers: 0, hedges: 0, longPauses: 3, seconds: 60) == 3)
        if halting.improvementDimension == .fluency {
            #expect(halting.improvement.contains("quiet three times, for up to six seconds"), "\(halting.improvement)")
        }
        // Named directly, whatever else the answer scores.
        var facts = AnswerFacts(
            words: 150, seconds: 60, wordsPerMinute: 150, fillers: MatchTally(), hedges: MatchTally(),
            star: STARFindings(), content: ContentFindings(), longPauses: 1, longestPause: 4.2)
        #expect(FeedbackWriter().improvement(.fluency, facts: facts).hasPrefix("You went quiet once, for up to four"))
        facts.longPauses = 0
        #expect(!FeedbackWriter().improvement(.fluency, facts: facts).contains("quiet"))
    }

    @Test func emptyAnswerIgnoresTimings() {
        let analysis = AnswerAnalyzer().analyze(
            transcript: "", seconds: 30, timing: SpeechTiming(speakingSeconds: 10, longPauses: 2))
        #expect(analysis.timing == nil)
        #expect(analysis.score(.fluency) == 1)
    }

    @Test func analysesStoredBeforeTimingsStillDecode() throws {
        let analysis = AnswerAnalyzer().analyze(transcript: Self.answer, seconds: 60)
        let encoded = try JSONEncoder().encode(analysis)
        #expect(!String(decoding: encoded, as: UTF8.self).contains("timing"))
        #expect(try JSONDecoder().decode(AnswerAnalysis.self, from: encoded) == analysis)
    }
}
