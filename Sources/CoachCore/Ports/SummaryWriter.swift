/// Port: words a spoken summary (the debrief, the progress report) from facts. The template text
/// built by `Debrief` or `ProgressReport` is always one of the facts and the fallback: a model that is
/// slow or down changes only the wording.
public protocol SummaryWriter: Sendable {
    func summary(instructions: String, facts: [String]) async throws -> String
}

public enum SummaryInstructions {
    public static let debrief =
        "Word the end-of-interview debrief for a job seeker: how many questions they answered, their average score out of 5, one thing they did well and one thing to work on. Warm, direct, encouraging."
    public static let progress =
        "Word a progress report for a returning job seeker: interviews completed, how their scores moved, their most frequent strength and the thing to work on. Warm and concrete."
}
