import Foundation

/// Plausible words for the fake model to say, chosen from what the conversation contains so answers vary with
/// the prompt but repeat for the same prompt.
struct FakeInterviewText: Sendable {
    /// The role named on a `Role: ...` line in any message, or `nil`.
    var role: String?
    /// Whether an `Answer...` line says "I would": a hypothetical answer that deserves a follow-up.
    var answerWasHypothetical: Bool
    /// Stable hash of all the message text.
    var seed: UInt64
    /// Everything the messages say, so the fake, like a model told "never repeat", skips what it sees there.
    var conversation: String
    /// A draw that words the question its own way (`FakeBehavior.sampled`); nil, the same prompt gets the same words.
    var sample: UInt32?

    init(messages: [String]) {
        var role: String?
        var hypothetical = false
        for line in messages.flatMap({ $0.split(whereSeparator: \.isNewline) }) {
            // Only the start of a line matters: a benchmark's prompts run to thousands of lines, and
            // trimming and lowercasing each whole line was most of the fake model's time.
            let trimmed = line.drop(while: { $0 == " " || $0 == "\t" })
            if role == nil, trimmed.prefix(5).lowercased() == "role:" {
                let value = trimmed.dropFirst("role:".count).trimmingCharacters(in: .whitespaces)
                role = value.isEmpty ? nil : value
            }
            if trimmed.hasPrefix("Answer"), trimmed.range(of: "I would", options: .caseInsensitive) != nil {
                hypothetical = true
            }
        }
        self.role = role
        self.answerWasHypothetical = hypothetical
        self.seed = StableHash.fnv1a(messages.joined(separator: "\n"))
        self.conversation = messages.joined(separator: "\n")
    }

    static let followUp = "Earlier you said what you would do. What did you actually do, the last time it happened?"

    /// `{role}` becomes "a nurse", "an engineer" or "someone in this role".
    static let questionTemplates = [
        "As {role}, tell me about a time you had to meet a deadline that looked impossible.",
        "As {role}, describe a time you disagreed with a colleague. What did you do?",
        "Tell me about a mistake you made as {role}, and what you did next.",
        "As {role}, when did you last have to learn something new quickly? How did you go about it?",
        "Describe a time as {role} when you had to explain something complicated to someone outside your field.",
        "As {role}, tell me about a time you took the lead without being asked.",
        "Tell me about the hardest problem you solved as {role}. What did you do, step by step?",
        "As {role}, describe a time a customer or colleague was unhappy with your work. How did you handle it?",
        "As {role}, tell me about a time you had to choose between two urgent priorities.",
        "Tell me about a time as {role} when a plan failed. What did you change?",
    ]

    var rolePhrase: String {
        guard let role else { return "someone in this role" }
        let article = role.first.map { "aeiouAEIOU".contains($0) } == true ? "an" : "a"
        return "\(article) \(role)"
    }

    /// The template the seed picks, or the next one not already in the conversation; with a sample, worded its own
    /// way.
    var question: String {
        guard let sample else { return unsampledQuestion }
        return unsampledQuestion + " (Variant \(sample).)"
    }

    private var unsampledQuestion: String {
        if answerWasHypothetical, !conversation.contains(Self.followUp) { return Self.followUp }
        let count = Self.questionTemplates.count
        let start = Int(seed % UInt64(count))
        // Rendered one at a time: the first is nearly always new, and each rendering is a Foundation replace.
        let candidates = (0..<count).lazy.map {
            Self.questionTemplates[(start + $0) % count].replacingOccurrences(of: "{role}", with: self.rolePhrase)
        }
        return candidates.first { !conversation.contains($0) } ?? candidates[0]
    }

    /// A value for a string property, picked by the property's name.
    func text(forProperty name: String?) -> String {
        switch name?.lowercased() ?? "" {
        case "question", "questions", "followup", "follow_up", "next_question": question
        case "strength", "strengths": "You gave a concrete example and said what you did yourself."
        case "improvement", "improvements", "weakness":
            "Finish with the result, and put a number on it if you can."
        case "outline", "model_answer", "sample_answer":
            "Set the scene, say what you owned, walk through your actions, and end with the result."
        case "summary", "feedback", "comment", "reason", "explanation":
            "A clear answer with a real example; the ending could be stronger."
        case "role": role ?? "this role"
        case "title", "name": "Practice interview"
        default: "Thanks, that is a clear answer."
        }
    }

    /// What the fake model says when no structured output was asked for.
    var plainReply: String {
        "Thanks for your answer. Let's move on to the next question."
    }
}
