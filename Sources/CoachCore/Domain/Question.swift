/// What an interview question is about; the bank tags each question with one, and a session mixes them.
public enum Competency: String, Sendable, Codable, CaseIterable {
    case leadership, conflict, failure, teamwork, pressure, motivation, communication
    case problemSolving = "problem_solving"
    case customerFocus = "customer_focus"
    case adaptability
    case roleSpecific = "role_specific"
}

/// Where a question came from: the built-in bank, a language model, or the bank as a last-moment
/// fallback when preparation was not ready in time.
public enum QuestionOrigin: String, Sendable, Codable {
    case bank, model, fallback
}

public struct Question: Sendable, Hashable, Codable {
    /// Stable id; bank ids repeat across callers so history can avoid repeats.
    public var id: String
    public var text: String
    public var competency: Competency
    public var origin: QuestionOrigin

    public init(id: String, text: String, competency: Competency, origin: QuestionOrigin) {
        self.id = id
        self.text = text
        self.competency = competency
        self.origin = origin
    }
}
