import CoachCore
import CoachStore
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
}
