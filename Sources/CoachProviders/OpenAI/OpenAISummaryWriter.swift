import Foundation

/// Short spoken wording (a debrief, a progress report) written by a model from facts the caller supplies.
public struct OpenAISummaryWriter: Sendable {
    public let chat: OpenAIChatClient
    public var maxWords: Int

    public init(chat: OpenAIChatClient, maxWords: Int = 90) {
        self.chat = chat
        self.maxWords = maxWords
    }

    /// - Parameters:
    ///   - instructions: what to write, e.g. "Sum up this mock interview for the caller in three sentences".
    ///   - facts: one fact a line; the model must not add others.
    /// - Returns: plain text of at most `maxWords` words, ready to speak.
    public func summary(instructions: String, facts: [String]) async throws -> String {
        let maxWords = self.maxWords
        let system = """
            You write short texts that a voice reads to a caller on the phone. \(instructions) Use only the facts \
            given; do not invent numbers. At most \(maxWords) words of plain spoken English: no lists, no markup, \
            no headings.
            """
        let answer = try await chat.structured(
            SpokenSummary.self, schemaName: "spoken_summary", schema: SpokenSummary.schema,
            messages: [.system(system), .user("Facts:\n" + facts.map { "- " + $0 }.joined(separator: "\n"))],
            temperature: 0.5, maxCompletionTokens: 300
        ) { (answer) throws(ProviderError) in
            try SpokenText.validate(answer.text, field: "summary", maxWords: maxWords)
        }
        return answer.text.trimmingCharacters(in: .whitespacesAndNewlines)
    }
}

struct SpokenSummary: Decodable, Sendable {
    var text: String

    static let schema = Schema.object(["text": Schema.string("The text to speak.")])
}
