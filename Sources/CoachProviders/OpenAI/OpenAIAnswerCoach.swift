import CoachCore
import Foundation

/// Feedback on one answer from a language model, which judges what counting cannot (how well the story is
/// told) and is given the analyser's measurements as facts it must not contradict.
public struct OpenAIAnswerCoach: AnswerCoach {
    public let chat: OpenAIChatClient

    public var name: String { "openai" }

    public init(chat: OpenAIChatClient) {
        self.chat = chat
    }

    public func feedback(for request: FeedbackRequest) async throws -> ModelFeedback {
        let answer = try await chat.structured(
            ModelAnswerFeedback.self, schemaName: "answer_feedback", schema: ModelAnswerFeedback.schema,
            messages: [.system(FeedbackPrompt.system), .user(FeedbackPrompt.user(for: request))],
            temperature: 0.4, maxCompletionTokens: 400
        ) { (answer) throws(ProviderError) in try answer.validate() }
        return ModelFeedback(
            scores: [
                CoachingDimension.structure.rawValue: answer.scores.structure,
                CoachingDimension.substance.rawValue: answer.scores.substance,
                CoachingDimension.ownership.rawValue: answer.scores.ownership,
            ],
            strength: answer.strength.trimmingCharacters(in: .whitespacesAndNewlines),
            improvement: answer.improvement.trimmingCharacters(in: .whitespacesAndNewlines),
            outline: answer.outline.trimmingCharacters(in: .whitespacesAndNewlines))
    }
}

/// The structured answer: the schema `answer_feedback`.
struct ModelAnswerFeedback: Decodable, Sendable {
    struct Scores: Decodable, Sendable {
        var structure: Int
        var substance: Int
        var ownership: Int
    }

    var scores: Scores
    var strength: String
    var improvement: String
    var outline: String

    static let schema = Schema.object([
        "scores": Schema.object([
            "structure": Schema.integer(1...5),
            "substance": Schema.integer(1...5),
            "ownership": Schema.integer(1...5),
        ]),
        "strength": Schema.string("One spoken sentence on what the answer did well."),
        "improvement": Schema.string("One concrete spoken sentence on what to do differently."),
        "outline": Schema.string("One spoken sentence on how a stronger answer would go."),
    ])

    func validate() throws(ProviderError) {
        for (name, score) in [
            ("structure", scores.structure), ("substance", scores.substance), ("ownership", scores.ownership),
        ] where !(1...5).contains(score) {
            throw .rejectedContent("\(name) score \(score) is outside 1 to 5")
        }
        try SpokenText.validate(strength, field: "strength", maxWords: 45)
        try SpokenText.validate(improvement, field: "improvement", maxWords: 45)
        try SpokenText.validate(outline, field: "outline", maxWords: 60)
    }
}

enum FeedbackPrompt {
    static let system = """
        You are a warm, direct interview coach. You hear one spoken answer to a mock interview question, as a \
        transcript, with measurements taken by software. Treat the measurements as facts: never contradict \
        them. Score structure (situation, task, action, result), substance (a specific real example with a \
        measurable result, not a hypothetical) and ownership (what the speaker did, said with I) from 1 to 5. \
        Then write one sentence on a strength, one concrete sentence on what to improve, and one sentence \
        outlining how a stronger answer would go. They will be spoken on the phone: plain words, no lists, no \
        markup, address the caller as you.
        """

    static func user(for request: FeedbackRequest) -> String {
        let metrics = request.metrics
        let star = [
            ("situation", metrics.star.situation), ("task", metrics.star.task), ("action", metrics.star.action),
            ("result", metrics.star.result),
        ]
        let present = star.filter(\.1).map(\.0)
        let missing = star.filter { !$0.1 }.map(\.0)
        var facts = [
            "Words: \(metrics.words); seconds: \(metrics.seconds); words per minute: \(metrics.wordsPerMinute)",
            "Fillers: \(metrics.fillerCount) (\(metrics.fillersPerMinute) per minute); hedges: \(metrics.hedgeCount)",
            "STAR parts present: \(present.isEmpty ? "none" : present.joined(separator: ", "))"
                + "; missing: \(missing.isEmpty ? "none" : missing.joined(separator: ", "))",
            "Quantified result: "
                + (metrics.quantified ? "yes (\(metrics.quantifiedEvidence.joined(separator: ", ")))" : "no"),
            "Hypothetical (\"I would...\") rather than a real example: \(metrics.hypothetical ? "yes" : "no")",
            "Share of I over I plus we: \(metrics.firstPersonRatio)",
            "Length verdict: \(metrics.lengthVerdict.rawValue)",
        ]
        facts = facts.map { "- " + $0 }
        return """
            Role: \(request.role.spoken ?? request.role.key)
            Question: \(request.question)
            Measurements:
            \(facts.joined(separator: "\n"))
            Transcript: \(request.transcript)
            """
    }
}
