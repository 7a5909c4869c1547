import Testing

@testable import CoachCore

/// Tokenising, STAR cues with their evidence, quantities and pronoun counting.
struct AnalyzerSTARTests {
    func analyze(_ transcript: String) -> AnswerAnalysis {
        AnswerAnalyzer().analyze(transcript: transcript, seconds: 30)
    }

    @Test func tokenizerKeepsNumbersContractionsAndBoundaries() {
        let transcript = TranscriptTokenizer().tokenize("Um… I’m sure, it cost $5,000 (2.5 weeks) — a 30% follow-up!")
        #expect(
            transcript.tokens.map(\.text) == [
                "um", "i'm", "sure", "it", "cost", "$5,000", "2.5", "weeks", "a", "30%", "follow-up",
            ])
        #expect(
            transcript.tokens.map(\.boundaryBefore) == [
                .sentence, .clause, .none, .clause, .none, .none, .clause, .none, .clause, .none, .none,
            ])
        #expect(transcript[10].boundaryAfter == .sentence)
        #expect(transcript.excerpt(1..<3) == "I’m sure")
        #expect(TranscriptTokenizer().tokenize("Really? Yes.")[0].questionAfter)
    }

    @Test func situationCues() {
        #expect(
            analyze("In my last role, things were slow.").starEvidence["situation"]
                == "In my last role, things were slow")
        #expect(analyze("A few months ago the site went down.").star.situation)
        #expect(analyze("Three years ago the site went down.").star.situation)
        #expect(analyze("Back in 2019 the site went down.").starEvidence["situation"] == "Back in 2019 the site")
        #expect(analyze("During my internship the site went down.").star.situation)
        #expect(analyze("When I was at Acme, the site went down.").star.situation)
        #expect(!analyze("Sites go down all the time.").star.situation)
    }

    @Test func taskCues() {
        #expect(analyze("I was responsible for the launch.").starEvidence["task"] == "I was responsible for the launch")
        #expect(analyze("I had to calm the client.").star.task)
        #expect(analyze("The goal was a faster checkout.").star.task)
        #expect(analyze("I was asked to lead the audit.").star.task)
        #expect(!analyze("The team liked the audit.").star.task)
    }

    @Test func actionCuesNeedTheFirstPerson() {
        #expect(analyze("I organized a workshop.").starEvidence["action"] == "I organized a workshop")
        #expect(analyze("I quickly set up a call.").starEvidence["action"] == "I quickly set up a call")
        #expect(analyze("Then, I call the client and ask.").star.action)
        #expect(analyze("I used Python for it.").star.action)
        #expect(!analyze("We organized a workshop.").star.action)
        #expect(!analyze("I used to work there. I worked at a bank. I wanted a change.").star.action)
        #expect(!analyze("So I think I would call them.").star.action)
        // Three separate first-person actions.
        let facts = STARDetector().detect(in: TranscriptTokenizer().tokenize("I led it, I built it, then I tested it."))
        #expect(facts.pastActionCount == 3)
    }

    @Test func resultCuesPreferExplicitOutcomes() {
        let analysis = analyze("My goal was to cut costs. I renegotiated. In the end, costs fell.")
        #expect(analysis.starEvidence["result"] == "In the end, costs fell")
        #expect(analyze("Sales increased by 30 percent.").starEvidence["result"] == "Sales increased by 30 percent")
        #expect(analyze("Churn fell 12%.").star.result)
        // A planned verb is not an outcome.
        #expect(!analyze("My goal was to cut costs and I would reduce waste.").star.result)
    }

    @Test func quantitiesWithUnitsButNotLoneOneOrYears() {
        #expect(analyze("It took two weeks and saved 30 percent.").quantifiedEvidence == ["two weeks", "30 percent"])
        #expect(analyze("We reached 2,000 users and $5,000 in sales.").quantifiedEvidence == ["2,000 users", "$5,000"])
        #expect(analyze("It fell twenty-five per cent.").quantifiedEvidence == ["twenty-five per cent"])
        #expect(analyze("I called a dozen clients.").quantifiedEvidence == ["a dozen clients"])
        #expect(analyze("One hundred and fifty people came.").quantifiedEvidence == ["One hundred and fifty people"])
        #expect(analyze("We doubled sign-ups.").quantifiedEvidence == ["doubled sign-ups"])
        #expect(!analyze("One of my colleagues helped. In 2019 we moved.").quantified)
        #expect(analyze("It was one time, in 2019.").quantifiedEvidence.isEmpty)
    }

    @Test func hypotheticalNeedsConditionalsAndNoPastAction() {
        #expect(analyze("I'll gather data and I'd present it.").hypothetical)
        #expect(analyze("I'm going to ask the team.").hypothetical)
        // Past perfect and turns of phrase are not "I would".
        #expect(!analyze("I'd already sent the report.").hypothetical)
        #expect(!analyze("I would say the team is strong.").hypothetical)
        #expect(!analyze("I would call them. Last time I called them it worked.").hypothetical)
    }
}
