import CoachCore
import CoachStore
import Foundation
import SQLKit
import Testing

// Sessions, prepared questions and answers, on every engine. Fixtures: StoreContractTests.swift.

@Suite struct StoreSessionTests {
    /// A session opened since `since` for the sample role, in progress.
    static func expectJustOpened(
        _ session: SessionRecord, callSid: String, caller: CallerNumber, total: Int, since: Date,
        sourceLocation: SourceLocation = #_sourceLocation
    ) {
        #expect(session.callSid == callSid, sourceLocation: sourceLocation)
        #expect(session.caller == caller, sourceLocation: sourceLocation)
        #expect(session.role == Sample.role, sourceLocation: sourceLocation)
        #expect(session.total == total, sourceLocation: sourceLocation)
        #expect(session.status == .inProgress, sourceLocation: sourceLocation)
        #expect(isBetween(session.startedAt, since, Date()), sourceLocation: sourceLocation)
    }

    @Test(arguments: StoreEngine.available)
    func openSessionOpensOnceAndRoundTrips(engine: StoreEngine) async throws {
        try await engine.withStore { store in
            #expect(try await store.session(callSid: "CA1") == nil)
            _ = try await store.beginCall(callSid: "CA1", caller: .known(Sample.phone))
            let before = Date()
            let session = try await store.openSession(
                callSid: "CA1", caller: .known(Sample.phone), role: Sample.role, total: 5)
            #expect(!session.id.isEmpty)
            #expect(session.id == session.id.lowercased())
            Self.expectJustOpened(session, callSid: "CA1", caller: .known(Sample.phone), total: 5, since: before)
            #expect(session.endedAt == nil)
            #expect(session.debrief == nil)
            #expect(try await store.session(callSid: "CA1") == session)

            // A retried webhook gets the open session, whatever it asks for.
            let again = try await store.openSession(callSid: "CA1", caller: .withheld, role: .general, total: 3)
            #expect(again == session)
            #expect(try await rowCount(store, "sessions") == 1)

            let withheld = try await store.openSession(callSid: "CA2", caller: .withheld, role: .general, total: 3)
            #expect(withheld.caller == .withheld)
            #expect(withheld.role == .general)
            #expect(withheld.id != session.id)
        }
    }

    /// The menu's "1": the interview opens from the stored call in one statement, with its answer count.
    @Test(arguments: StoreEngine.available)
    func openInterviewTakesTheCallsCallerAndRoleAndCountsTheAnswers(engine: StoreEngine) async throws {
        try await engine.withStore { store in
            #expect(try await store.openInterview(callSid: "CA1", defaultRole: .general, total: 5) == nil)
            #expect(try await rowCount(store, "sessions") == 0, "no call, no session")

            _ = try await store.beginCall(callSid: "CA1", caller: .known(Sample.phone))
            try await store.setRole(Sample.role, callSid: "CA1", caller: .known(Sample.phone))
            let before = Date()
            let (session, answered) = try #require(
                try await store.openInterview(callSid: "CA1", defaultRole: .general, total: 5))
            #expect(answered == 0)
            Self.expectJustOpened(session, callSid: "CA1", caller: .known(Sample.phone), total: 5, since: before)
            #expect(try await store.session(callSid: "CA1") == session)

            // Back at the menu after two answers: the same session, and where to go on from.
            for number in 1...2 {
                _ = try await store.saveAnswer(
                    Sample.answer(callSid: "CA1", number: number, sessionID: session.id, recordingSid: "RE\(number)"))
            }
            let again = try #require(try await store.openInterview(callSid: "CA1", defaultRole: .general, total: 3))
            #expect(again.session == session)
            #expect(again.answered == 2)
            let read = try #require(try await store.interview(callSid: "CA1"))
            #expect(read.session == session && read.answered == 2, "the same, read without writing")
            #expect(try await store.interview(callSid: "CA-none") == nil)
            #expect(try await rowCount(store, "sessions") == 1)

            // A call without a role (a withheld caller who never chose) gets the default.
            _ = try await store.beginCall(callSid: "CA2", caller: .withheld)
            let plain = try #require(
                try await store.openInterview(
                    callSid: "CA2", defaultRole: PracticeRole(key: "general", spoken: "any job"), total: 5))
            #expect(plain.session.role == PracticeRole(key: "general", spoken: "any job"))
            #expect(plain.session.caller == .withheld)
            #expect(plain.session.id != session.id)
        }
    }

    @Test(arguments: StoreEngine.available)
    func finishSessionEndsOnceExceptAbandonedBecomingCompleted(engine: StoreEngine) async throws {
        try await engine.withStore { store in
            let done = try await store.openSession(callSid: "CA1", caller: .withheld, role: .general, total: 2)
            try await store.finishSession(id: done.id, status: .completed, debrief: "Well done.")
            let completed = try #require(try await store.session(callSid: "CA1"))
            #expect(completed.status == .completed)
            #expect(completed.debrief == "Well done.")
            #expect(completed.endedAt != nil)
            // An ended session stays as it is.
            try await store.finishSession(id: done.id, status: .abandoned, debrief: "Hung up.")
            try await store.finishSession(id: done.id, status: .completed, debrief: "Another.")
            #expect(try await store.session(callSid: "CA1") == completed)

            // Abandoned by the status callback, then the last answer arrives: completed after all.
            let raced = try await store.openSession(callSid: "CA2", caller: .withheld, role: .general, total: 2)
            try await store.finishSession(id: raced.id, status: .abandoned, debrief: "Partial.")
            let abandoned = try #require(try await store.session(callSid: "CA2"))
            #expect(abandoned.status == .abandoned)
            #expect(abandoned.debrief == "Partial.")
            try await store.finishSession(id: raced.id, status: .abandoned, debrief: "Again.")
            #expect(try await store.session(callSid: "CA2") == abandoned)
            try await store.finishSession(id: raced.id, status: .completed, debrief: nil)
            let late = try #require(try await store.session(callSid: "CA2"))
            #expect(late.status == .completed)
            #expect(late.debrief == "Partial.", "a nil debrief keeps the stored one")
            let abandonedAt = try #require(abandoned.endedAt)
            let completedAt = try #require(late.endedAt)
            #expect(completedAt >= abandonedAt)
            try await store.finishSession(id: raced.id, status: .completed, debrief: "Too late.")
            #expect(try await store.session(callSid: "CA2") == late)

            // An unknown id changes nothing.
            try await store.finishSession(id: "no-such-session", status: .completed, debrief: "x")
            #expect(try await rowCount(store, "sessions") == 2)
        }
    }

    @Test(arguments: StoreEngine.available)
    func historyListsTheNumbersSessionsOldestFirstWithTheirAnalyses(engine: StoreEngine) async throws {
        try await engine.withStore { store in
            var ids: [String: String] = [:]
            for sid in ["CA1", "CA2", "CA3"] {
                ids[sid] = try await store.openSession(
                    callSid: sid, caller: .known(Sample.phone), role: Sample.role, total: 2
                ).id
            }
            _ = try await store.openSession(callSid: "CA4", caller: .withheld, role: .general, total: 2)
            _ = try await store.openSession(callSid: "CA5", caller: .known(Sample.otherPhone), role: .general, total: 2)
            // Start times in an order that differs from insertion order.
            for (sid, start) in [("CA1", 2_000.0), ("CA2", 3_000.0), ("CA3", 1_000.0)] {
                try await store.database.raw(
                    "UPDATE sessions SET started_at = \(bind: start) WHERE call_sid = \(bind: sid)"
                ).run()
            }
            let analysis = Sample.analysis()
            try await store.saveAnswer(
                Sample.answer(callSid: "CA1", number: 1, sessionID: ids["CA1"]!, recordingSid: "RE1"))
            _ = try await store.updateRecording(RecordingUpdate(recordingSid: "RE1", transcript: "I led it."))
            try await store.saveAnalysis(analysis, recordingSid: "RE1")

            var earlier = Sample.analysis()
            earlier.words = 7
            try await store.saveAnswer(
                Sample.answer(callSid: "CA3", number: 2, sessionID: ids["CA3"]!, recordingSid: "RE3"))
            _ = try await store.updateRecording(RecordingUpdate(recordingSid: "RE3", transcript: "We shipped."))
            try await store.saveAnalysis(earlier, recordingSid: "RE3")

            let history = try await store.history(phone: Sample.phone)
            #expect(history.map(\.session.callSid) == ["CA3", "CA1", "CA2"])
            #expect(history.map(\.session.startedAt.timeIntervalSince1970) == [1_000, 2_000, 3_000])
            #expect(history.map(\.analyses) == [[earlier], [analysis], []])
            #expect(try await store.history(phone: Sample.otherPhone).map(\.session.callSid) == ["CA5"])
            #expect(try await store.history(phone: "+15559999999").isEmpty)
            // The same analyses in the question writer's one query, oldest session first; this session's
            // transcripts beside them.
            let written = try await store.answerHistory(phone: Sample.phone, sessionID: ids["CA1"])
            #expect(written.analyses == [earlier, analysis])
            #expect(written.heard.mapValues(\.transcript) == [1: "I led it."])
            #expect(try await store.answerHistory(phone: Sample.otherPhone, sessionID: nil).analyses.isEmpty)
        }
    }
}

@Suite struct StoreQuestionTests {
    @Test(arguments: StoreEngine.available)
    func preparedQuestionsRoundTripInNumberOrder(engine: StoreEngine) async throws {
        try await engine.withStore { store in
            let origins: [QuestionOrigin] = [.bank, .model, .fallback]
            let competencies = Competency.allCases
            // Stored out of order: the last number first.
            for (index, competency) in competencies.enumerated().reversed() {
                let number = index + 1
                let question = Sample.question("q\(number)", competency: competency, origin: origins[index % 3])
                let stored = try await store.savePreparedQuestion(
                    callSid: "CA1", number: number, question: question, roleKey: "product_management",
                    audioKey: number.isMultiple(of: 2) ? "questions/CA1/\(number).wav" : nil)
                #expect(stored.callSid == "CA1")
                #expect(stored.number == number)
                #expect(stored.question == question)
                #expect(stored.roleKey == "product_management")
                #expect(stored.audioKey == (number.isMultiple(of: 2) ? "questions/CA1/\(number).wav" : nil))
                #expect(stored.status == .ready)
                #expect(try await store.preparedQuestion(callSid: "CA1", number: number) == stored)
            }
            let all = try await store.preparedQuestions(callSid: "CA1")
            #expect(all.map(\.number) == Array(1...competencies.count))
            #expect(all.map(\.question.competency) == competencies)
            #expect(all.map(\.question.origin) == competencies.indices.map { origins[$0 % 3] })
            #expect(try await store.preparedQuestion(callSid: "CA1", number: 99) == nil)
            #expect(try await store.preparedQuestions(callSid: "CA2").isEmpty)

            // The Record action's one read: the session with these questions, nothing of another call's.
            #expect(try await store.interviewQuestions(callSid: "CA1") == nil, "questions, but no interview yet")
            _ = try await store.beginCall(callSid: "CA1", caller: .known(Sample.phone))
            let session = try await store.openSession(
                callSid: "CA1", caller: .known(Sample.phone), role: Sample.role, total: 5)
            let read = try #require(try await store.interviewQuestions(callSid: "CA1"))
            #expect(read.session == session)
            #expect(read.questions == all)
            _ = try await store.beginCall(callSid: "CA2", caller: .withheld)
            let empty = try await store.openSession(callSid: "CA2", caller: .withheld, role: .general, total: 5)
            let none = try #require(try await store.interviewQuestions(callSid: "CA2"))
            #expect(none.session == empty)
            #expect(none.questions.isEmpty)
        }
    }

    /// A voiced question's audio goes in with it (on PostgreSQL in the same statement, with or without a
    /// notice), and stays even when the question itself gives way to one stored before it.
    @Test(arguments: StoreEngine.available)
    func aQuestionIsStoredWithItsAudio(engine: StoreEngine) async throws {
        try await engine.withStore { store in
            _ = try await store.beginCall(callSid: "CA1", caller: .withheld)
            let clip = { (key: String) in AudioClip(key: key, contentType: "audio/wav", bytes: Data(key.utf8)) }
            let notice = Notice(channel: "coachline_test", payload: "ready:CA1:1")
            let first = try await store.savePreparedQuestion(
                callSid: "CA1", number: 1, question: Sample.question("first"), roleKey: "general",
                audioKey: "k1", notifying: notice, clip: clip("k1"))
            #expect(first.audioKey == "k1")
            #expect(try await store.audio(key: "k1")?.bytes == Data("k1".utf8))
            _ = try await store.savePreparedQuestion(
                callSid: "CA1", number: 2, question: Sample.question("second"), roleKey: "general",
                audioKey: "k2", clip: clip("k2"))
            #expect(try await store.audio(key: "k2")?.contentType == "audio/wav")

            // Question 1 is stored already: it stays, and the late one's audio is kept for whoever says it.
            let late = try await store.savePreparedQuestion(
                callSid: "CA1", number: 1, question: Sample.question("late"), roleKey: "general",
                audioKey: "k3", notifying: notice, clip: clip("k3"))
            #expect(late == first)
            #expect(try await store.hasAudio(key: "k3"))
            // The same audio again changes nothing: the first stored under a key wins.
            _ = try await store.savePreparedQuestion(
                callSid: "CA1", number: 3, question: Sample.question("third"), roleKey: "general",
                audioKey: "k1", clip: AudioClip(key: "k1", contentType: "audio/wav", bytes: Data("other".utf8)))
            #expect(try await store.audio(key: "k1")?.bytes == Data("k1".utf8))
            #expect(try await store.preparedQuestions(callSid: "CA1").map(\.audioKey) == ["k1", "k2", "k1"])
        }
    }

    @Test(arguments: StoreEngine.available)
    func theFirstPreparedQuestionStaysAndAnAskedOneIsNeverReplaced(engine: StoreEngine) async throws {
        try await engine.withStore { store in
            // The call has no role yet: questions are prepared for "general".
            _ = try await store.beginCall(callSid: "CA1", caller: .withheld)
            let first = Sample.question("first")
            let late = Sample.question("late", competency: .conflict, origin: .model)
            // With a notice to send (PostgreSQL sends it in the same statement) the result is the same.
            let notice = Notice(channel: "coachline_test", payload: "ready:CA1:1")
            let stored = try await store.savePreparedQuestion(
                callSid: "CA1", number: 1, question: first, roleKey: "general", audioKey: "a1", notifying: notice)
            #expect(stored.question == first)
            // Prepared elsewhere first, for the same role, or for a role the call does not have: the stored
            // one stays, and the caller must use it.
            let again = try await store.savePreparedQuestion(
                callSid: "CA1", number: 1, question: late, roleKey: "general", audioKey: "a2", notifying: notice)
            #expect(again == stored)
            let otherRole = try await store.savePreparedQuestion(
                callSid: "CA1", number: 1, question: late, roleKey: "sales", audioKey: "a2")
            #expect(otherRole == stored)

            _ = try await store.takeQuestion(callSid: "CA1", number: 1, roleKey: "general")
            let asked = try #require(try await store.preparedQuestion(callSid: "CA1", number: 1))
            #expect(asked.status == .asked)
            #expect(asked.question == first)
            #expect(asked.audioKey == "a1")
            let afterAsked = try await store.savePreparedQuestion(
                callSid: "CA1", number: 1, question: late, roleKey: "general", audioKey: nil)
            #expect(afterAsked == asked)
            #expect(try await store.preparedQuestions(callSid: "CA1") == [asked])

            // A fallback asked before preparation finished: the late result is dropped.
            let fallback = Sample.question("fallback", origin: .fallback)
            let played = try await store.savePreparedQuestion(
                callSid: "CA1", number: 2, question: fallback, roleKey: "general", audioKey: nil, status: .asked)
            #expect(played.status == .asked)
            #expect(played.question == fallback)
            #expect(
                try await store.savePreparedQuestion(
                    callSid: "CA1", number: 2, question: late, roleKey: "general", audioKey: "a3") == played)

            // Taking a question nobody prepared creates nothing.
            #expect(try await store.takeQuestion(callSid: "CA1", number: 3, roleKey: "general") == nil)
            #expect(try await store.preparedQuestion(callSid: "CA1", number: 3) == nil)
        }
    }

    /// Taking a question reads and marks it in one statement, and only when it suits the role.
    @Test(arguments: StoreEngine.available)
    func aQuestionIsTakenOnlyWhenReadyForTheRoleOrAskedAlready(engine: StoreEngine) async throws {
        try await engine.withStore { store in
            _ = try await store.beginCall(callSid: "CA1", caller: .withheld)
            #expect(try await store.takeQuestion(callSid: "CA1", number: 1, roleKey: "general") == nil)
            let prepared = try await store.savePreparedQuestion(
                callSid: "CA1", number: 1, question: Sample.question("q1"), roleKey: "general", audioKey: "a1")
            #expect(prepared.status == .ready)
            // Prepared for another role: not taken, and still ready.
            #expect(try await store.takeQuestion(callSid: "CA1", number: 1, roleKey: "sales") == nil)
            #expect(try await store.preparedQuestion(callSid: "CA1", number: 1)?.status == .ready)
            let taken = try #require(try await store.takeQuestion(callSid: "CA1", number: 1, roleKey: "general"))
            #expect(taken.status == .asked && taken.question == prepared.question && taken.audioKey == "a1")
            #expect(try await store.preparedQuestion(callSid: "CA1", number: 1) == taken)
            // Once asked it is the caller's question whatever the role is now (a retried webhook).
            #expect(try await store.takeQuestion(callSid: "CA1", number: 1, roleKey: "sales") == taken)
            #expect(try await store.takeQuestion(callSid: "CA2", number: 1, roleKey: "general") == nil)
        }
    }

    /// A preparation that started before the caller chose a role loses the race to one for the role.
    @Test(arguments: StoreEngine.available)
    func aReadyQuestionForAnotherRoleGivesWayToOneForTheCallsRole(engine: StoreEngine) async throws {
        try await engine.withStore { store in
            _ = try await store.beginCall(callSid: "CA1", caller: .known(Sample.phone))
            try await store.setRole(Sample.role, callSid: "CA1", caller: .known(Sample.phone))
            // The stale writer lands after the role was set (and its questions dropped).
            let stale = try await store.savePreparedQuestion(
                callSid: "CA1", number: 1, question: Sample.question("stale"), roleKey: "general", audioKey: "s1")
            #expect(stale.question.id == "stale")
            let right = try await store.savePreparedQuestion(
                callSid: "CA1", number: 1, question: Sample.question("right", origin: .model),
                roleKey: Sample.role.key, audioKey: "r1")
            #expect(right.question.id == "right")
            #expect(right.question.origin == .model)
            #expect(right.roleKey == Sample.role.key)
            #expect(right.audioKey == "r1")
            #expect(right.status == .ready)
            // Nothing replaces the right one: not the stale role again, another role, or the same role.
            for (id, roleKey) in [("stale2", "general"), ("sales", "sales"), ("right2", Sample.role.key)] {
                let result = try await store.savePreparedQuestion(
                    callSid: "CA1", number: 1, question: Sample.question(id), roleKey: roleKey, audioKey: nil)
                #expect(result == right, "\(id) for \(roleKey)")
            }

            // Once asked, a question for the old role stays, even against the call's role.
            _ = try await store.savePreparedQuestion(
                callSid: "CA1", number: 2, question: Sample.question("heard"), roleKey: "general", audioKey: nil)
            _ = try await store.takeQuestion(callSid: "CA1", number: 2, roleKey: "general")
            let heard = try await store.savePreparedQuestion(
                callSid: "CA1", number: 2, question: Sample.question("new"), roleKey: Sample.role.key, audioKey: nil)
            #expect(heard.question.id == "heard")
            #expect(heard.status == .asked)

            // A call without a role (or without a row yet) counts as "general".
            _ = try await store.savePreparedQuestion(
                callSid: "CA9", number: 1, question: Sample.question("sales"), roleKey: "sales", audioKey: nil)
            let general = try await store.savePreparedQuestion(
                callSid: "CA9", number: 1, question: Sample.question("general"), roleKey: "general", audioKey: nil)
            #expect(general.question.id == "general")
            #expect(general.roleKey == "general")
        }
    }

    @Test(arguments: StoreEngine.available)
    func aNewRoleDropsOnlyQuestionsNobodyHeard(engine: StoreEngine) async throws {
        try await engine.withStore { store in
            _ = try await store.beginCall(callSid: "CA1", caller: .known(Sample.phone))
            for number in 1...3 {
                _ = try await store.savePreparedQuestion(
                    callSid: "CA1", number: number, question: Sample.question("old\(number)"), roleKey: "general",
                    audioKey: nil)
            }
            _ = try await store.savePreparedQuestion(
                callSid: "CA2", number: 2, question: Sample.question("other"), roleKey: "general", audioKey: nil)
            _ = try await store.takeQuestion(callSid: "CA1", number: 1, roleKey: "general")
            try await store.setRole(Sample.role, callSid: "CA1", caller: .known(Sample.phone))
            #expect(try await store.preparedQuestions(callSid: "CA1").map(\.number) == [1])
            #expect(try await store.preparedQuestions(callSid: "CA2").count == 1, "another call keeps its questions")

            let replacement = Sample.question("new2")
            let stored = try await store.savePreparedQuestion(
                callSid: "CA1", number: 2, question: replacement, roleKey: Sample.role.key, audioKey: nil)
            #expect(stored.question == replacement)
            #expect(stored.roleKey == Sample.role.key)
        }
    }
}

@Suite struct StoreAnswerTests {
    @Test(arguments: StoreEngine.available)
    func anAnswerIsStoredOnceAndRoundTrips(engine: StoreEngine) async throws {
        try await engine.withStore { store in
            let session = try await store.openSession(
                callSid: "CA1", caller: .known(Sample.phone), role: Sample.role, total: 3)
            let answer = Sample.answer(number: 1, sessionID: session.id, recordingSid: "RE1", durationSeconds: 73.25)
            #expect(try await store.answer(callSid: "CA1", number: 1) == nil)
            #expect(try await store.saveAnswer(answer) == true)
            #expect(try await store.answer(callSid: "CA1", number: 1) == answer)

            // A retried Record action: nothing changes, and it says so.
            var retry = answer
            retry.durationSeconds = 5
            retry.ending = .hangup
            retry.recordingSid = "RE-other"
            #expect(try await store.saveAnswer(retry) == false)
            #expect(try await store.answer(callSid: "CA1", number: 1) == answer)
            #expect(try await store.answers(sessionID: session.id) == [answer])

            // No recording, hung up, zero seconds.
            let hungUp = Sample.answer(
                number: 2, sessionID: session.id, recordingSid: nil, durationSeconds: 0, ending: .hangup)
            #expect(try await store.saveAnswer(hungUp))
            #expect(try await store.answer(callSid: "CA1", number: 2) == hungUp)
            #expect(try await rowCount(store, "answers") == 2)
        }
    }

    @Test(arguments: StoreEngine.available)
    func answersComeInNumberOrderPerSession(engine: StoreEngine) async throws {
        try await engine.withStore { store in
            let session = try await store.openSession(callSid: "CA1", caller: .withheld, role: .general, total: 3)
            let other = try await store.openSession(callSid: "CA2", caller: .withheld, role: .general, total: 3)
            for number in [3, 1, 2] {
                try await store.saveAnswer(
                    Sample.answer(number: number, sessionID: session.id, ending: number == 2 ? .silence : .finishKey))
            }
            try await store.saveAnswer(Sample.answer(callSid: "CA2", number: 1, sessionID: other.id))
            let answers = try await store.answers(sessionID: session.id)
            #expect(answers.map(\.number) == [1, 2, 3])
            #expect(answers.map(\.ending) == [.finishKey, .silence, .finishKey])
            #expect(try await store.answers(sessionID: other.id).map(\.callSid) == ["CA2"])
            #expect(try await store.answers(sessionID: "no-such-session").isEmpty)
        }
    }

    /// Twilio retries a slow Record action while the first request is still running: one row, one `true`.
    @Test(arguments: StoreEngine.available)
    func concurrentSavesOfOneAnswerStoreOneRowAndOneTrue(engine: StoreEngine) async throws {
        try await engine.withStore(poolSize: 10) { store in
            let session = try await store.openSession(callSid: "CA1", caller: .withheld, role: .general, total: 1)
            let results = try await withThrowingTaskGroup(of: Bool.self) { group in
                for attempt in 0..<20 {
                    let answer = Sample.answer(number: 1, sessionID: session.id, durationSeconds: Double(attempt))
                    group.addTask { try await store.saveAnswer(answer) }
                }
                var results: [Bool] = []
                for try await result in group { results.append(result) }
                return results
            }
            #expect(try await rowCount(store, "answers") == 1)
            #expect(results.filter { $0 }.count == 1, "saveAnswer returned true \(results.filter { $0 }.count) times")
        }
    }

    @Test(arguments: StoreEngine.available)
    func askedQuestionIDsCoverEveryAnsweredQuestionOfTheNumber(engine: StoreEngine) async throws {
        try await engine.withStore { store in
            let first = try await store.openSession(
                callSid: "CA1", caller: .known(Sample.phone), role: Sample.role, total: 2)
            let second = try await store.openSession(
                callSid: "CA2", caller: .known(Sample.phone), role: Sample.role, total: 2)
            let other = try await store.openSession(
                callSid: "CA3", caller: .known(Sample.otherPhone), role: .general, total: 1)
            let withheld = try await store.openSession(callSid: "CA4", caller: .withheld, role: .general, total: 1)
            try await store.saveAnswer(Sample.answer(callSid: "CA1", number: 1, sessionID: first.id, questionID: "b1"))
            try await store.saveAnswer(Sample.answer(callSid: "CA1", number: 2, sessionID: first.id, questionID: "b2"))
            try await store.saveAnswer(Sample.answer(callSid: "CA2", number: 1, sessionID: second.id, questionID: "b1"))
            try await store.saveAnswer(Sample.answer(callSid: "CA2", number: 2, sessionID: second.id, questionID: "b3"))
            try await store.saveAnswer(Sample.answer(callSid: "CA3", number: 1, sessionID: other.id, questionID: "b4"))
            try await store.saveAnswer(
                Sample.answer(callSid: "CA4", number: 1, sessionID: withheld.id, questionID: "b5"))
            // Prepared but never answered: not asked as far as history knows.
            _ = try await store.savePreparedQuestion(
                callSid: "CA2", number: 3, question: Sample.question("b6"), roleKey: "general", audioKey: nil)

            func asked(_ phone: String) async throws -> Set<String> {
                try await store.answerHistory(phone: phone, sessionID: nil).askedQuestionIDs
            }
            #expect(try await asked(Sample.phone) == ["b1", "b2", "b3"])
            #expect(try await asked(Sample.otherPhone) == ["b4"])
            #expect(try await asked("+15559999999").isEmpty)
        }
    }

    @Test(arguments: StoreEngine.available)
    func answerContextFindsTheAnswerAndSessionOfARecording(engine: StoreEngine) async throws {
        try await engine.withStore { store in
            let session = try await store.openSession(
                callSid: "CA1", caller: .known(Sample.phone), role: Sample.role, total: 2)
            let answer = Sample.answer(number: 2, sessionID: session.id, recordingSid: "RE2")
            try await store.saveAnswer(Sample.answer(number: 1, sessionID: session.id, recordingSid: "RE1"))
            try await store.saveAnswer(answer)
            let context = try #require(try await store.answerContext(recordingSid: "RE2"))
            #expect(context.answer == answer)
            #expect(context.session == session)
            #expect(try await store.answerContext(recordingSid: "RE-unknown") == nil)

            // An answer whose session is gone has no context.
            try await store.saveAnswer(Sample.answer(callSid: "CA9", number: 1, sessionID: "gone", recordingSid: "RE9"))
            #expect(try await store.answerContext(recordingSid: "RE9") == nil)
        }
    }
}
