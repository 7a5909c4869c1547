import CoachCore

/// The ports the server talks to for content and voice. Defaults: the built-in bank and no
/// synthesizer (Twilio's own `<Say>` voice), so everything works with no key at all.
public struct Providers: Sendable {
    public var questions: any QuestionSource
    public var speech: (any SpeechSynthesizer)?
    /// How long question writing and synthesis may take in the background before the bank and `<Say>` step in.
    public var questionDeadlineSeconds: Double
    public var speechDeadlineSeconds: Double

    public init(
        questions: any QuestionSource, speech: (any SpeechSynthesizer)? = nil, questionDeadlineSeconds: Double = 8,
        speechDeadlineSeconds: Double = 8
    ) {
        self.questions = questions
        self.speech = speech
        self.questionDeadlineSeconds = questionDeadlineSeconds
        self.speechDeadlineSeconds = speechDeadlineSeconds
    }
}
