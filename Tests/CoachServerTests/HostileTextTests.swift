import CoachCore
import CoachStore
import CoachTestSupport
import Foundation
import Testing
import TwilioSim

@Suite struct HostileTextTests {
    static let hostile = #"<Hangup/> & "dev" 'ops' ]]> <speak><break time="9s"/></speak>"#

    @Test func hostileSpeechAndStoredTextStayText() async throws {
        let line = try await TestLine.start()
        // A role spoken with markup, stored on the profile and spoken back in later calls.
        let roleCall = try await line.call([.press("3"), .say(Self.hostile, confidence: 0.5), .hangUp])
        #expect(roleCall.isClean, "\(roleCall.violations)")
        #expect(roleCall.heardText.contains(#"<Hangup/> & "dev" 'ops' ]]>"#))
        // Hostile transcripts are stored, analysed, and read back in progress without breaking TwiML.
        let answers = Array(repeating: Self.hostile + " I led the team & we grew sales 20%.", count: 5)
        let interview = try await line.call(Moves.interview(answers: answers))
        #expect(interview.isClean, "\(interview.violations)")
        #expect(interview.questionsAsked == 5)
        #expect(interview.heardText.contains("Welcome back"))
        let progress = try await line.call([.press("2"), .hangUp])
        #expect(progress.isClean, "\(progress.violations)")
        #expect(progress.heardText.contains("You have completed 1 practice interview"))
        let profile = try await line.store.caller(phone: "+14155550123")
        #expect(profile?.role?.spoken?.contains("<speak>") == true)  // kept as said, escaped only on output
        try await line.stop()
    }

    /// PostgreSQL refuses NUL in text, which SQLite quietly cuts at: callback fields carrying one must
    /// still be stored (without it) and the call go on, on the engine that is strict about it.
    @Test(.enabled(if: TestPostgres.isAvailable, "needs PostgreSQL (COACHLINE_TEST_POSTGRES_URL)"))
    func nulCharactersInCallbacksAreDroppedNotFatal() async throws {
        let database = try await TestDatabase.create(.postgres)
        let line = try await TestLine.start(databaseURL: database.urlString)
        let roleCall = try await line.call([.press("3"), .say("product\u{0} manager", confidence: 0.9), .hangUp])
        #expect(roleCall.isClean, "\(roleCall.violations)")
        let answers = Array(repeating: "I led\u{0} the team and we grew sales by 20 percent.", count: 5)
        let interview = try await line.call(Moves.interview(answers: answers))
        await line.running.settle()
        #expect(interview.isClean, "\(interview.violations)")
        #expect(interview.questionsAsked == 5)
        #expect(!interview.heardText.contains(SpokenCopy.apology), "no webhook failed: \(interview.heardText)")
        #expect(try await line.store.caller(phone: "+14155550123")?.role?.spoken == "product manager")
        let session = try #require(try await line.store.session(callSid: interview.callSid))
        let transcripts = try await line.store.answers(sessionID: session.id).compactMap(\.recordingSid)
        for sid in transcripts {
            #expect(
                try await line.store.recording(sid: sid)?.transcript
                    == "I led the team and we grew sales by 20 percent.")
        }
        #expect(transcripts.count == 5)
        try await line.stop()
        try await database.drop()
    }
}
