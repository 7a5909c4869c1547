import Testing

@testable import CoachCore

@Suite struct CallFlowTests {
    let flow = CallFlow(
        settings: .init(questionsPerInterview: 5, answerMaxSeconds: 60, answerSilenceSeconds: 3),
        links: Links(baseURL: "https://coach.example.com/"))

    @Test func greetingHoldsWelcomeAndMenuInOneGather() {
        let document = flow.greeting(returning: false, roleName: nil, resume: false)
        guard case .gather(let gather) = document.verbs.first else {
            Issue.record("expected a Gather first")
            return
        }
        #expect(gather.action == "https://coach.example.com/webhook/menu?attempt=1")
        #expect(gather.input == "dtmf speech")
        #expect(gather.prompts.map(\.text) == [SpokenCopy.welcomeNew, SpokenCopy.menu])
        #expect(document.verbs.last == .redirect(url: "https://coach.example.com/webhook/menu?attempt=1"))
    }

    @Test func returningCallerIsGreetedWithTheirRole() {
        let document = flow.greeting(returning: true, roleName: "product manager", resume: false)
        guard case .gather(let gather) = document.verbs.first else {
            Issue.record("expected a Gather")
            return
        }
        #expect(gather.prompts.first?.text.contains("Welcome back") == true)
        #expect(gather.prompts.first?.text.contains("product manager") == true)
    }

    @Test func threeMissesEndPolitely() {
        #expect(flow.decideMenu(digits: nil, speech: nil, attempt: 1) == .retry(attempt: 2))
        #expect(flow.decideMenu(digits: "9", speech: nil, attempt: 2) == .retry(attempt: 3))
        #expect(flow.decideMenu(digits: nil, speech: "banana", attempt: 3) == .giveUp)
        #expect(flow.decideMenu(digits: "2", speech: nil, attempt: 3) == .chosen(.progress))
        let goodbye = flow.goodbye(SpokenCopy.menuGoodbye)
        #expect(goodbye.verbs.last == .hangup)
    }

    @Test func askRecordsWithTheConfiguredLimits() {
        let document = flow.ask(number: 2, question: .say("Tell me about a conflict."), preface: [.say("Thanks.")])
        #expect(document.verbs.first == .speak(.say("Thanks.")))
        guard case .record(let record) = document.verbs.last else {
            Issue.record("expected Record last")
            return
        }
        #expect(record.action == "https://coach.example.com/webhook/response?q=2")
        #expect(record.maxLength == 60)
        #expect(record.timeout == 3)
        #expect(record.finishOnKey == "#")
        #expect(record.transcribeCallback == "https://coach.example.com/webhook/transcription")
    }

    @Test func holdRedirectsToTheWaitEndpoint() {
        let document = flow.hold(number: 3, attempt: 1, preface: [])
        #expect(document.verbs.last == .redirect(url: "https://coach.example.com/continue-interview?q=3&attempt=1"))
    }

    /// The answer's arrival travels with the hold, so the instance that asks the question can time the wait.
    @Test func holdCarriesWhenTheCallerStartedWaiting() {
        let document = flow.hold(number: 2, attempt: 1, preface: [], heldSince: 1_764_000_000_123)
        #expect(
            document.verbs.last
                == .redirect(url: "https://coach.example.com/continue-interview?q=2&attempt=1&since=1764000000123"))
    }

    @Test func relativeLinksWithoutBaseURL() {
        #expect(Links(baseURL: nil).url(.response(question: 4)) == "/webhook/response?q=4")
        #expect(Links(baseURL: "").url(.audio(key: "ab")) == "/audio/ab.wav")
    }

    @Test func menuChoicesFromKeysAndWords() {
        #expect(MenuChoice.parse(digits: "1", speech: nil) == .interview)
        #expect(MenuChoice.parse(digits: nil, speech: "Interview.") == .interview)
        #expect(MenuChoice.parse(digits: nil, speech: "I'd like to hear my progress please") == .progress)
        #expect(MenuChoice.parse(digits: nil, speech: "change my role") == .role)
        #expect(MenuChoice.parse(digits: nil, speech: "3") == .role)
        #expect(MenuChoice.parse(digits: "7", speech: nil) == nil)
        #expect(MenuChoice.parse(digits: nil, speech: "pizza") == nil)
        #expect(MenuChoice.parse(digits: nil, speech: nil) == nil)
    }

    @Test func withheldNumbersAreRecognised() {
        for raw in ["anonymous", "Unknown", "RESTRICTED", "", "  ", nil] {
            #expect(CallerNumber(from: raw) == .withheld, "\(raw ?? "nil")")
        }
        #expect(CallerNumber(from: "+14155550123") == .known("+14155550123"))
        #expect(CallerNumber(from: "+14155550123").masked == "********0123")
        #expect(!CallerNumber(from: "+14155550123").masked.contains("4155"))
    }

    @Test func answerEndingFromDigits() {
        #expect(AnswerEnding(digits: "hangup") == .hangup)
        #expect(AnswerEnding(digits: "#") == .finishKey)
        #expect(AnswerEnding(digits: nil) == .silence)
        #expect(AnswerEnding(digits: "") == .silence)
    }
}

@Suite struct FeedbackMergeTests {
    @Test func modelJudgesContentButNeverMeasurements() {
        let analysis = AnswerAnalyzer().analyze(
            transcript: "Um, um, we kind of did it, you know, and it was fine I guess.", seconds: 10)
        let feedback = ModelFeedback(
            scores: ["structure": 4, "substance": 9, "pace": 5, "fluency": 5], strength: "Clear context.",
            improvement: "Say what you did.", outline: "Situation, then your action, then the result.")
        let merged = analysis.merging(feedback)
        #expect(merged.score(.structure) == 4)
        #expect(merged.score(.substance) == analysis.score(.substance))  // 9 is out of range: ignored
        #expect(merged.score(.pace) == analysis.score(.pace))  // measured, not the model's to judge
        #expect(merged.score(.fluency) == analysis.score(.fluency))
        #expect(merged.fillerCount == analysis.fillerCount)
        #expect(merged.strength == "Clear context.")
        #expect(merged.improvement == "Say what you did.")
        #expect(merged.overall >= analysis.overall)
    }
}
