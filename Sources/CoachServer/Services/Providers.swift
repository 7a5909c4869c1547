import CoachCore

/// The ports the server talks to for content, voice and transcripts. Defaults: the built-in bank,
/// no synthesizer (Twilio's own `<Say>` voice), Twilio's transcription, deterministic coaching only;
/// so everything works with no key at all.
public struct Providers: Sendable {
    public var questions: any QuestionSource
    public var speech: (any SpeechSynthesizer)?
    public var transcriber: (any Transcriber)?
    public var coach: (any AnswerCoach)?
    public var summaries: (any SummaryWriter)?
    /// How long question writing and synthesis may take in the background before the bank and `<Say>` step in.
    public var questionDeadlineSeconds: Double
    public var speechDeadlineSeconds: Double
    /// Transcription downloads the recording first (which may need retries), so it gets its own budget.
    public var transcriptionDeadlineSeconds: Double

    public init(
        questions: any QuestionSource, speech: (any SpeechSynthesizer)? = nil, transcriber: (any Transcriber)? = nil,
        coach: (any AnswerCoach)? = nil, questionDeadlineSeconds: Double = 8, speechDeadlineSeconds: Double = 8,
        transcriptionDeadlineSeconds: Double = 30
    ) {
        self.questions = questions
        self.speech = speech
        self.transcriber = transcriber
        self.coach = coach
        self.questionDeadlineSeconds = questionDeadlineSeconds
        self.speechDeadlineSeconds = speechDeadlineSeconds
        self.transcriptionDeadlineSeconds = transcriptionDeadlineSeconds
    }
}
