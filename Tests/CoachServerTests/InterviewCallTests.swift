import CoachCore
import CoachStore
import Foundation
import Testing
import TwilioSim

@Suite struct InterviewCallTests {
    @Test func menuOneRunsTheWholeInterview() async throws {
        let line = try await TestLine.start()
        let report = try await line.call(Moves.interview())
        try await line.stop()

        #expect(report.isClean, "\(report.violations)")
        #expect(report.endedBy == .hangupVerb)
        #expect(report.questionsAsked == 5)
        #expect(report.heardText.contains("Welcome to CoachLine"))
        #expect(report.heardText.contains("press pound"))
        let responses = report.exchanges(to: "/webhook/response")
        #expect(responses.count == 5)
        // Every answer's reply already holds the next question: no hold, no wait endpoint.
        for exchange in responses.dropLast() {
            #expect(exchange.endsWithRecord, "reply to \(exchange.url) did not ask the next question")
        }
        #expect(report.exchanges(to: "/continue-interview").isEmpty)
        let last = try #require(responses.last)
        #expect(last.endsWithHangup)
        #expect(last.body.contains("One thing you did well"))
        #expect(last.body.contains("One thing to work on"))
        #expect(last.body.contains("You answered 5 questions."))
        // Twilio's callbacks: 5 transcriptions, 5 recording statuses, 1 call status, all accepted.
        #expect(report.callbacks.count == 11)
        #expect(report.callbacks.allSatisfy { $0.status == 204 })

        let store = try await SQLStore.open(.sqliteFile(path: line.databasePath), logger: TestLine.quiet)
        let session = try #require(try await store.session(callSid: report.callSid))
        #expect(session.status == .completed)
        #expect(session.debrief?.contains("One thing you did well") == true)
        let answers = try await store.answers(sessionID: session.id)
        #expect(answers.count == 5)
        #expect(Set(answers.map(\.question.id)).count == 5)
        #expect(Set(answers.map(\.question.competency)).count == 5)
        // Transcripts landed on the right answers and were analysed.
        #expect(try await store.analyses(sessionID: session.id).count == 5)
        let first = try #require(answers.first?.recordingSid)
        #expect(try await store.recording(sid: first)?.transcript == Moves.answers[0])
        try await store.shutdown()
    }

    /// The debrief counts the answers that said something. The last answer's row is read beside its own
    /// write, so it is counted from what Twilio sent as well as from what was stored.
    @Test(arguments: [1, 4])
    func anAnswerWithNothingSaidIsNotCounted(silent: Int) async throws {
        let line = try await TestLine.start()
        var steps = Moves.interview()
        steps[1 + silent] = .press("#")
        let report = try await line.call(steps)
        try await line.stop()

        #expect(report.isClean, "\(report.violations)")
        #expect(report.endedBy == .hangupVerb)
        let last = try #require(report.exchanges(to: "/webhook/response").last)
        #expect(last.body.contains("You answered 4 questions."), "\(last.body)")
    }

    @Test func roleThenInterviewAsksRoleQuestions() async throws {
        let line = try await TestLine.start()
        let report = try await line.call(
            [.press("3"), .say("Senior product manager", confidence: 0.8)] + Moves.interview())
        try await line.stop()

        #expect(report.isClean, "\(report.violations)")
        #expect(report.heardText.contains("Got it: Senior product manager"))
        let bank = try QuestionBank.builtIn()
        let productIDs = Set(bank.questions(for: "product_management").map(\.id))
        let store = try await SQLStore.open(.sqliteFile(path: line.databasePath), logger: TestLine.quiet)
        let session = try #require(try await store.session(callSid: report.callSid))
        #expect(session.role.key == "product_management")
        #expect(session.role.spoken == "Senior product manager")
        let answers = try await store.answers(sessionID: session.id)
        #expect(answers.count == 5)
        #expect(answers.allSatisfy { productIDs.contains($0.question.id) }, "\(answers.map(\.question.id))")
        #expect(try await store.caller(phone: "+14155550123")?.role?.key == "product_management")
        try await store.shutdown()
    }

    @Test func threeBadInputsEndPolitely() async throws {
        let line = try await TestLine.start()
        let report = try await line.call([.press("7"), .silence, .say("banana bread", confidence: 0.4)])
        try await line.stop()

        #expect(report.isClean, "\(report.violations)")
        #expect(report.endedBy == .hangupVerb)
        #expect(report.exchanges(to: "/webhook/menu").count == 3)
        #expect(report.heardText.contains("didn't catch that"))
        #expect(report.heard.last?.contains("Goodbye") == true)
    }

    @Test func hangingUpMidInterviewKeepsTheAnswers() async throws {
        let line = try await TestLine.start()
        let report = try await line.call([
            .press("1"),
            .answer(Moves.answers[0], seconds: 40, end: .key("#")),
            .answer(Moves.answers[2], seconds: 30, end: .hangUp),
        ])
        try await line.stop()

        #expect(report.isClean, "\(report.violations)")
        #expect(report.endedBy == .callerHungUp)
        let store = try await SQLStore.open(.sqliteFile(path: line.databasePath), logger: TestLine.quiet)
        let session = try #require(try await store.session(callSid: report.callSid))
        #expect(session.status == .abandoned)
        let answers = try await store.answers(sessionID: session.id)
        #expect(answers.count == 2)
        #expect(answers.last?.ending == .hangup)
        #expect(try await store.call(callSid: report.callSid)?.status == "completed")
        try await store.shutdown()
    }

    @Test func returningCallerHearsNewQuestionsAndProgress() async throws {
        let line = try await TestLine.start()
        let first = try await line.call(Moves.interview())
        let second = try await line.call(Moves.interview())
        let progress = try await line.call([.press("2"), .hangUp])
        try await line.stop()

        #expect(second.heardText.contains("Welcome back"))
        let store = try await SQLStore.open(.sqliteFile(path: line.databasePath), logger: TestLine.quiet)
        let firstIDs = try await store.answers(
            sessionID: try #require(try await store.session(callSid: first.callSid)).id
        )
        .map(\.question.id)
        let secondIDs = try await store.answers(
            sessionID: try #require(try await store.session(callSid: second.callSid)).id
        ).map(\.question.id)
        #expect(secondIDs.count == 5)
        #expect(Set(firstIDs).isDisjoint(with: secondIDs), "repeated: \(Set(firstIDs).intersection(secondIDs))")
        try await store.shutdown()

        #expect(progress.heardText.contains("You have completed 2 practice interviews"))
        #expect(progress.heardText.contains("out of 5"))
        #expect(progress.heardText.contains("most frequent strength"))
        #expect(progress.heardText.contains("The thing to work on"))
    }

    @Test func firstTimeProgressExplainsTheLine() async throws {
        let line = try await TestLine.start()
        let report = try await line.call([.press("2"), .hangUp])
        try await line.stop()
        #expect(report.isClean, "\(report.violations)")
        #expect(report.heardText.contains("Here is how it works"))
    }

    @Test func anonymousCallerGetsAFullInterviewWithoutProgress() async throws {
        let line = try await TestLine.start()
        let interview = try await line.call(Moves.interview(), from: "anonymous")
        let progress = try await line.call([.press("2"), .hangUp], from: "anonymous")
        try await line.stop()

        #expect(interview.isClean, "\(interview.violations)")
        #expect(interview.questionsAsked == 5)
        #expect(interview.exchanges(to: "/webhook/response").last?.endsWithHangup == true)
        #expect(progress.heardText.contains("caller ID is hidden"))
        let store = try await SQLStore.open(.sqliteFile(path: line.databasePath), logger: TestLine.quiet)
        let session = try #require(try await store.session(callSid: interview.callSid))
        #expect(session.caller == .withheld)
        #expect(session.status == .completed)
        try await store.shutdown()
    }
}
