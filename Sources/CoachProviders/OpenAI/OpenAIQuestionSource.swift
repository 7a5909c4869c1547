import CoachCore
import Foundation

/// Writes the next interview question with a language model, tailored to the role, what the session has
/// covered and how the caller answered so far. Any failure throws; the caller then uses the bank.
public struct OpenAIQuestionSource: QuestionSource {
    public let chat: OpenAIChatClient
    /// Longer questions are rejected: they are hard to hold in mind when heard once on a phone.
    public var maxWords: Int

    public var name: String { "openai" }

    public init(chat: OpenAIChatClient, maxWords: Int = 40) {
        self.chat = chat
        self.maxWords = maxWords
    }

    /// A question that fails validation (a repeat, too long) is asked for once more, with the rejected
    /// wording named, before giving up: models repeat themselves, and a second try is cheap next to a
    /// bank question that ignores everything the caller said.
    public func question(for request: QuestionRequest) async throws -> Question {
        do {
            return try await ask(request, rejected: nil)
        } catch ProviderError.rejectedContent(let reason) {
            return try await ask(request, rejected: reason)
        }
    }

    private func ask(_ request: QuestionRequest, rejected: String?) async throws -> Question {
        let earlier = Set(request.earlier.map { SpokenText.normalized($0.question) })
        let excluded = request.excludedIDs
        let maxWords = self.maxWords
        var prompt = QuestionPrompt.user(for: request)
        if let rejected { prompt += "\nYour previous attempt was rejected (\(rejected)). Write a different question." }
        let answer = try await chat.structured(
            ModelQuestion.self, schemaName: "interview_question", schema: ModelQuestion.schema,
            messages: [.system(QuestionPrompt.system(maxWords: maxWords)), .user(prompt)],
            temperature: 0.8, maxCompletionTokens: 200
        ) { (answer) throws(ProviderError) in
            try SpokenText.validate(answer.question, field: "question", maxWords: maxWords)
            let key = SpokenText.normalized(answer.question)
            if earlier.contains(key) { throw .rejectedContent("question repeats an earlier one: \(answer.question)") }
            if excluded.contains(Self.id(for: answer.question)) {
                throw .rejectedContent("question was already asked of this caller: \(answer.question)")
            }
        }
        let text = answer.question.trimmingCharacters(in: .whitespacesAndNewlines)
        return Question(id: Self.id(for: text), text: text, competency: answer.competency, origin: .model)
    }

    /// Stable for the same wording, so history can avoid repeating a model question too.
    static func id(for text: String) -> String {
        "model-" + SpokenText.shortHash(SpokenText.normalized(text))
    }
}

/// The structured answer: the schema `interview_question`.
struct ModelQuestion: Decodable, Sendable {
    var question: String
    var competency: Competency
    var isFollowUp: Bool

    enum CodingKeys: String, CodingKey {
        case question, competency
        case isFollowUp = "is_follow_up"
    }

    static let schema = Schema.object([
        "question": Schema.string("The question, exactly as it will be spoken."),
        "competency": Schema.enumeration(
            Competency.allCases.map(\.rawValue), "What the question is about."),
        "is_follow_up": Schema.boolean,
    ])
}

/// The prompt for the next question, built from stored facts only.
enum QuestionPrompt {
    static func system(maxWords: Int) -> String {
        """
        You are an experienced, friendly interviewer running a spoken mock job interview over the phone. \
        Write the next question. A voice will read it aloud, so write one question of at most \(maxWords) words \
        in plain spoken English: no lists, no markup, no brackets, no emojis, no preamble. Prefer behavioural \
        questions about real past experience, and a competency not yet covered. Never repeat an earlier question. \
        If the latest answer stayed hypothetical ("I would...") or never said what the result was, ask instead a \
        short follow-up probe about that same example (what they actually did, or what the measurable result \
        was) and set is_follow_up to true. Where the caller has weak spots, choose questions that let them \
        practise those. Use role_specific only for questions about the craft of the role itself.
        """
    }

    static func user(for request: QuestionRequest) -> String {
        var lines = ["Role: \(request.role.spoken ?? request.role.key)"]
        lines.append("This is question \(request.number) of \(request.total).")
        let covered = request.covered.map(\.rawValue)
        lines.append("Competencies already covered: \(covered.isEmpty ? "none" : covered.joined(separator: ", "))")
        if !request.weakSpots.isEmpty {
            lines.append("The caller's weak spots: " + request.weakSpots.map(describe).joined(separator: "; "))
        }
        if !request.earlier.isEmpty {
            lines.append("Earlier in this interview:")
            for earlier in request.earlier {
                lines.append("Question: \(oneLine(earlier.question))")
                lines.append("Answer: \(earlier.transcript.map(oneLine) ?? "(not transcribed yet)")")
            }
        }
        if let probe = probe(after: request.earlier.last) { lines.append(probe) }
        return lines.joined(separator: "\n")
    }

    /// A concrete nudge when the deterministic analysis shows the latest answer needs a follow-up.
    static func probe(after latest: EarlierAnswer?) -> String? {
        guard let latest, let transcript = latest.transcript, SpokenText.wordCount(transcript) >= 5 else {
            return nil
        }
        // Both findings come from the words alone, so the stored analysis serves whatever its timing.
        let analysis = latest.analysis ?? AnswerAnalyzer().analyze(transcript: transcript, seconds: 0)
        if analysis.hypothetical {
            return "The latest answer stayed hypothetical: ask a follow-up about what they actually did."
        }
        if !analysis.star.result {
            return "The latest answer never said how it turned out: ask a follow-up about the result."
        }
        return nil
    }

    private static func describe(_ dimension: CoachingDimension) -> String {
        switch dimension {
        case .structure: "structure (situation, task, action, result)"
        case .substance: "substance (specific past examples with measurable results)"
        case .ownership: "ownership (saying what they did, not what the team did)"
        case .pace: "pace"
        case .fluency: "fluency (fillers and hedges)"
        case .length: "length"
        }
    }

    /// Transcripts are quoted one per line; the model should not see line breaks as new prompt lines.
    private static func oneLine(_ text: String) -> String {
        text.split(whereSeparator: \.isNewline).joined(separator: " ")
    }
}
