/// What question preparation knows when it asks for question `number`. Assembled from stored
/// state in the background, never on a webhook's path.
public struct QuestionRequest: Sendable {
    public var role: PracticeRole
    public var number: Int
    public var total: Int
    /// Ids this caller heard before or was already given in this call.
    public var excludedIDs: Set<String>
    /// Competencies of this session's earlier questions, in order.
    public var covered: [Competency]
    /// Earlier questions of this session with the transcripts that have arrived so far.
    public var earlier: [EarlierAnswer]
    /// The caller's most frequent areas to improve, from stored analyses.
    public var weakSpots: [CoachingDimension]
    public var seed: UInt64

    public init(
        role: PracticeRole, number: Int, total: Int, excludedIDs: Set<String>, covered: [Competency],
        earlier: [EarlierAnswer] = [], weakSpots: [CoachingDimension] = [], seed: UInt64
    ) {
        self.role = role
        self.number = number
        self.total = total
        self.excludedIDs = excludedIDs
        self.covered = covered
        self.earlier = earlier
        self.weakSpots = weakSpots
        self.seed = seed
    }
}

public struct EarlierAnswer: Sendable, Equatable {
    public var question: String
    public var transcript: String?
    /// The transcript's analysis when it is made; a writer that needs one and finds none makes its own.
    public var analysis: AnswerAnalysis?

    public init(question: String, transcript: String?, analysis: AnswerAnalysis? = nil) {
        self.question = question
        self.transcript = transcript
        self.analysis = analysis
    }
}

/// Port: writes the next interview question. Implementations may be slow or fail; the caller of
/// this port applies a deadline and falls back to the bank, so no call depends on it.
public protocol QuestionSource: Sendable {
    var name: String { get }
    /// True when answers come from this process in microseconds (the bank): then a webhook may
    /// prepare inline instead of putting the caller on hold.
    var isLocal: Bool { get }
    func question(for request: QuestionRequest) async throws -> Question
}

extension QuestionSource {
    public var isLocal: Bool { false }
}

/// The built-in bank as a question source: instant, offline, never fails.
public struct BankQuestionSource: QuestionSource {
    public let planner: InterviewPlanner
    public var name: String { "bank" }
    public var isLocal: Bool { true }

    public init(planner: InterviewPlanner) {
        self.planner = planner
    }

    public func question(for request: QuestionRequest) -> Question {
        planner.nextQuestion(
            .init(role: request.role, excluded: request.excludedIDs, covered: request.covered, seed: request.seed))
    }
}
