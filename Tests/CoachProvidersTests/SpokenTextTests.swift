import CoachCore
import Foundation
import Testing

@testable import CoachProviders

/// Text from a model or a transcriber is checked or cleaned before anything stores or speaks it.
@Suite struct SpokenTextTests {
    @Test func controlCharactersAreRejectedButLineBreaksAreNot() throws {
        #expect(throws: ProviderError.rejectedContent("question contains control characters")) {
            try SpokenText.validate("Tell me about\u{0} a time you led.", field: "question", maxWords: 40)
        }
        #expect(throws: ProviderError.self) {
            try SpokenText.validate("Tell me\u{7} about it.", field: "question", maxWords: 40)
        }
        try SpokenText.validate("Tell me about a time\nyou led a team.", field: "question", maxWords: 40)
    }

    @Test func aSavedTranscriptionResponseGivesTextWithoutNULAndItsTimings() throws {
        let json = #"""
            {"task":"transcribe","duration":4.5,"text":" I led\u0000 the team. ",
             "words":[{"word":"I","start":0.5,"end":0.7},{"word":"led","start":0.8,"end":1.1}]}
            """#
        let transcript = try OpenAITranscriber.transcript(fromResponse: Data(json.utf8))
        #expect(transcript.text == "I led the team.")
        #expect(transcript.durationSeconds == 4.5)
        #expect(transcript.words == [.init(word: "I", start: 0.5, end: 0.7), .init(word: "led", start: 0.8, end: 1.1)])
        #expect(throws: (any Error).self) { try OpenAITranscriber.transcript(fromResponse: Data("nope".utf8)) }
    }
}
