extension AnswerAnalysis {
    /// The analysis with a language model's judgement folded in. The model may judge what needs
    /// understanding (structure, substance, ownership) and word the strength and improvement; it never
    /// overrides what is measured (pace, fillers, length), and out-of-range scores are ignored.
    public func merging(_ feedback: ModelFeedback) -> AnswerAnalysis {
        var merged = self
        var scores = Dictionary(
            uniqueKeysWithValues: CoachingDimension.allCases.map { ($0, self.score($0)) })
        for dimension in [CoachingDimension.structure, .substance, .ownership] {
            if let value = feedback.scores[dimension.rawValue], (1...5).contains(value) {
                scores[dimension] = value
            }
        }
        merged.scores = Dictionary(uniqueKeysWithValues: scores.map { ($0.key.rawValue, $0.value) })
        merged.overall = AnswerScorer.overall(scores)
        merged.strengthDimension = AnswerScorer.strength(scores)
        merged.improvementDimension = AnswerScorer.improvement(scores, strength: merged.strengthDimension)
        if !feedback.strength.isEmpty { merged.strength = feedback.strength }
        if !feedback.improvement.isEmpty { merged.improvement = feedback.improvement }
        return merged
    }
}
