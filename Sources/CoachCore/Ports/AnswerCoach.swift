/// What a language model adds to the deterministic analysis of one answer. The model never
/// computes pace or filler counts: those stay the analyser's, merged in by the caller.
public struct ModelFeedback: Sendable, Equatable, Codable {
    /// CoachingDimension raw value -> 1...5, for the dimensions the model judges (structure, substance, ownership).
    public var scores: [String: Int]
    public var strength: String
    public var improvement: String
    /// One line: how a stronger answer would go.
    public var outline: String

    public init(scores: [String: Int], strength: String, improvement: String, outline: String) {
        self.scores = scores
        self.strength = strength
        self.improvement = improvement
        self.outline = outline
    }
}

public struct FeedbackRequest: Sendable {
    public var role: PracticeRole
    public var question: String
    public var transcript: String
    /// The deterministic metrics, given to the model as facts it must not contradict.
    public var metrics: AnswerAnalysis

    public init(role: PracticeRole, question: String, transcript: String, metrics: AnswerAnalysis) {
        self.role = role
        self.question = question
        self.transcript = transcript
        self.metrics = metrics
    }
}

/// Port: writes feedback on one answer. Slow or failing is fine: the deterministic analysis stands alone.
public protocol AnswerCoach: Sendable {
    var name: String { get }
    func feedback(for request: FeedbackRequest) async throws -> ModelFeedback
}
