/// The call as pure decisions: given what is known now, which TwiML the caller gets next. No I/O:
/// the server loads state, asks the flow, stores the outcome. Every document ends in a way that
/// keeps the call alive or ends it politely, so a caller never falls into silence.
public struct CallFlow: Sendable {
    public struct Settings: Sendable {
        public var questionsPerInterview: Int
        public var answerMaxSeconds: Int
        public var answerSilenceSeconds: Int
        public var menuAttempts: Int = 3

        public init(questionsPerInterview: Int, answerMaxSeconds: Int, answerSilenceSeconds: Int) {
            self.questionsPerInterview = questionsPerInterview
            self.answerMaxSeconds = answerMaxSeconds
            self.answerSilenceSeconds = answerSilenceSeconds
        }
    }

    public let settings: Settings
    public let links: Links

    public init(settings: Settings, links: Links) {
        self.settings = settings
        self.links = links
    }

    // MARK: Menu

    public static let menuHints = ["interview", "progress", "role", "mock interview", "practice"]

    /// Greeting plus menu in the first response, so the caller hears something at once.
    public func greeting(returning: Bool, roleName: String?, resume: Bool) -> TwiMLDocument {
        let welcome: [Speech] =
            resume
            ? [.say(SpokenCopy.backToMenu)]
            : [.say(returning ? SpokenCopy.welcomeBack(role: roleName) : SpokenCopy.welcomeNew)]
        return menu(attempt: 1, preface: welcome)
    }

    public func menu(attempt: Int, preface: [Speech] = []) -> TwiMLDocument {
        TwiMLDocument([
            .gather(
                TwiMLGather(
                    action: links.url(.menu(attempt: attempt)), hints: Self.menuHints,
                    prompts: preface + [.say(SpokenCopy.menu)])),
            // No input falls through to here: count it as a miss.
            .redirect(url: links.url(.menu(attempt: attempt))),
        ])
    }

    public enum MenuDecision: Equatable, Sendable {
        case chosen(MenuChoice)
        case retry(attempt: Int)
        case giveUp
    }

    public func decideMenu(digits: String?, speech: String?, attempt: Int) -> MenuDecision {
        if let choice = MenuChoice.parse(digits: digits, speech: speech) { return .chosen(choice) }
        return attempt >= settings.menuAttempts ? .giveUp : .retry(attempt: attempt + 1)
    }

    public func menuRetry(attempt: Int) -> TwiMLDocument {
        menu(attempt: attempt, preface: [.say(SpokenCopy.menuAgain)])
    }

    public func goodbye(_ text: String) -> TwiMLDocument {
        TwiMLDocument([.speak(.say(text)), .hangup])
    }

    // MARK: Role and progress

    public func rolePrompt(attempt: Int, preface: [Speech] = []) -> TwiMLDocument {
        TwiMLDocument([
            .gather(
                TwiMLGather(
                    action: links.url(.role(attempt: attempt)), numDigits: 1, timeout: 6,
                    hints: ["software engineer", "product manager", "sales", "customer service", "nurse", "teacher"],
                    prompts: preface + [.say(SpokenCopy.rolePrompt)])),
            .redirect(url: links.url(.role(attempt: attempt))),
        ])
    }

    public func roleRetryOrGiveUp(attempt: Int) -> TwiMLDocument {
        attempt >= settings.menuAttempts
            ? menu(attempt: 1, preface: [.say(SpokenCopy.roleGiveUp)])
            : rolePrompt(attempt: attempt + 1, preface: [.say(SpokenCopy.roleAgain)])
    }

    public func roleConfirmed(_ roleName: String) -> TwiMLDocument {
        menu(attempt: 1, preface: [.say(SpokenCopy.roleConfirmed(roleName))])
    }

    /// Progress (or how the line works, for a first-time caller), then back to the menu.
    public func progress(_ spoken: [String]) -> TwiMLDocument {
        menu(attempt: 1, preface: spoken.map { .say($0) })
    }

    // MARK: Interview

    /// Ask question `number`: optional lead-in (acknowledgement, intro), the question, then record.
    public func ask(number: Int, question: Speech, preface: [Speech]) -> TwiMLDocument {
        TwiMLDocument(
            preface.map(TwiMLVerb.speak) + [
                .speak(.say(SpokenCopy.questionLead(number: number, total: settings.questionsPerInterview))),
                .speak(question),
                .record(
                    TwiMLRecord(
                        action: links.url(.response(question: number)), maxLength: settings.answerMaxSeconds,
                        timeout: settings.answerSilenceSeconds, transcribeCallback: links.url(.transcription),
                        recordingStatusCallback: links.url(.recordingStatus))),
            ])
    }

    /// The next question is not prepared yet: say so briefly and come back through the wait endpoint.
    public func hold(number: Int, attempt: Int, preface: [Speech], heldSince: Int64? = nil) -> TwiMLDocument {
        let prompt = number == 1 ? SpokenCopy.holdFirst : SpokenCopy.hold
        return TwiMLDocument(
            preface.map(TwiMLVerb.speak) + [
                .speak(.say(prompt)),
                .redirect(url: links.url(.continueInterview(question: number, attempt: attempt, heldSince: heldSince))),
            ])
    }

    public func finish(debrief: String, preface: [Speech]) -> TwiMLDocument {
        TwiMLDocument(
            preface.map(TwiMLVerb.speak) + [
                .speak(.say(debrief)), .speak(.say(SpokenCopy.hangupGoodbye)), .hangup,
            ])
    }

    /// An error inside a webhook: apologise and recover through the menu, never a 5xx.
    public func apology() -> TwiMLDocument {
        TwiMLDocument([.speak(.say(SpokenCopy.apology)), .redirect(url: links.url(.voice(resume: true)))])
    }

    /// What the caller hears after answer `number`: the acknowledgement, or a note that nothing was heard.
    public func afterAnswer(number: Int, heardSomething: Bool) -> [Speech] {
        [.say(heardSomething ? SpokenCopy.acknowledgement(after: number) : SpokenCopy.skippedAnswer)]
    }
}
