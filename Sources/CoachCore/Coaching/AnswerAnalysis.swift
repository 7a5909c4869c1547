import Foundation

/// The six observable things the coach scores in one answer, each from 1 to 5.
public enum CoachingDimension: String, Codable, Sendable, CaseIterable {
    /// Which STAR parts (situation, task, action, result) are present.
    case structure
    /// A specific past example with a quantified result, not a hypothetical "I would...".
    case substance
    /// First person "I" rather than "we".
    case ownership
    /// Words per minute.
    case pace
    /// Fillers, hedges and long silent gaps per minute.
    case fluency
    /// Words and seconds against the one to two minute yardstick.
    case length
}

/// Which of the four STAR parts the answer contains.
public struct STARPresence: Codable, Sendable, Equatable {
    public var situation, task, action, result: Bool

    /// How many of the four parts are present, 0 to 4.
    public var count: Int { [situation, task, action, result].filter { $0 }.count }

    public init(situation: Bool = false, task: Bool = false, action: Bool = false, result: Bool = false) {
        self.situation = situation
        self.task = task
        self.action = action
        self.result = result
    }
}

/// How the answer's length compares with the 150 to 300 word, one to two minute yardstick.
public enum LengthVerdict: String, Codable, Sendable {
    case tooShort, short, good, long, tooLong
}

/// Everything the analyser measured in one spoken answer, plus the feedback to speak.
///
/// The JSON encoding (default `Codable` keys) is the output of `coachline analyze --json`,
/// so property names are part of the public contract.
public struct AnswerAnalysis: Codable, Sendable, Equatable {
    public var words: Int
    /// The duration used for the rates; estimated at 150 words a minute when the caller gave none.
    public var seconds: Double
    /// Rounded to 1 decimal.
    public var wordsPerMinute: Double
    public var fillerCount: Int
    /// Filler word or phrase, lower-cased ("um", "you know") -> count.
    public var fillers: [String: Int]
    /// Fillers only (not hedges), rounded to 1 decimal.
    public var fillersPerMinute: Double
    public var hedgeCount: Int
    /// Hedge word or phrase, lower-cased ("i think", "maybe") -> count.
    public var hedges: [String: Int]
    public var star: STARPresence
    /// "situation"/"task"/"action"/"result" -> the transcript phrase that shows it, in the caller's casing.
    public var starEvidence: [String: String]
    public var quantified: Bool
    /// The numbers found, with their unit when one follows ("30 percent", "two weeks").
    public var quantifiedEvidence: [String]
    /// The answer stays in "I would..." mode and never says what the speaker did.
    public var hypothetical: Bool
    /// Singular over singular plus plural first-person words, 2 decimals; 0.5 when neither occurs.
    public var firstPersonRatio: Double
    public var lengthVerdict: LengthVerdict
    /// Every `CoachingDimension` raw value -> 1...5.
    public var scores: [String: Int]
    /// 1...5, weighted mean of the scores.
    public var overall: Int
    public var strengthDimension: CoachingDimension
    public var improvementDimension: CoachingDimension
    /// One sentence to be spoken to the caller.
    public var strength: String
    /// One concrete sentence to be spoken to the caller.
    public var improvement: String
    /// The speaking span and pauses, when the transcriber gave word timings; nil when pace came from
    /// the recording's length (and in analyses stored before timings existed).
    public var timing: SpeechTiming?

    public init(
        words: Int,
        seconds: Double,
        wordsPerMinute: Double,
        fillerCount: Int,
        fillers: [String: Int],
        fillersPerMinute: Double,
        hedgeCount: Int,
        hedges: [String: Int],
        star: STARPresence,
        starEvidence: [String: String],
        quantified: Bool,
        quantifiedEvidence: [String],
        hypothetical: Bool,
        firstPersonRatio: Double,
        lengthVerdict: LengthVerdict,
        scores: [String: Int],
        overall: Int,
        strengthDimension: CoachingDimension,
        improvementDimension: CoachingDimension,
        strength: String,
        improvement: String,
        timing: SpeechTiming? = nil
    ) {
        self.words = words
        self.seconds = seconds
        self.wordsPerMinute = wordsPerMinute
        self.fillerCount = fillerCount
        self.fillers = fillers
        self.fillersPerMinute = fillersPerMinute
        self.hedgeCount = hedgeCount
        self.hedges = hedges
        self.star = star
        self.starEvidence = starEvidence
        self.quantified = quantified
        self.quantifiedEvidence = quantifiedEvidence
        self.hypothetical = hypothetical
        self.firstPersonRatio = firstPersonRatio
        self.lengthVerdict = lengthVerdict
        self.scores = scores
        self.overall = overall
        self.strengthDimension = strengthDimension
        self.improvementDimension = improvementDimension
        self.strength = strength
        self.improvement = improvement
        self.timing = timing
    }

    /// The 1...5 score for one dimension (1 if missing, which only a hand-edited JSON could cause).
    public func score(_ dimension: CoachingDimension) -> Int {
        scores[dimension.rawValue] ?? 1
    }
}
