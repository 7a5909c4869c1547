import CoachAudio
import Foundation
import Testing

@testable import CoachProviders

@Suite("Text splitter")
struct TextSplitterTests {
    /// Words in order, whatever the chunking: nothing lost, nothing cut.
    private func words(_ text: String) -> [Substring] {
        text.split(whereSeparator: \.isWhitespace)
    }

    @Test func shortTextStaysWhole() {
        #expect(
            TextSplitter(limit: 100).split("  Tell me about a time you led.  ") == ["Tell me about a time you led."])
        #expect(TextSplitter(limit: 100).split("   ").isEmpty)
    }

    @Test func splitsBetweenSentencesFirst() {
        let text = "First sentence here. Second one is here! Third one? Fourth."
        let chunks = TextSplitter(limit: 42).split(text)
        #expect(chunks == ["First sentence here. Second one is here!", "Third one? Fourth."])
    }

    @Test func splitsALongSentenceAtCommasThenSpaces() {
        let text = "When the launch slipped, I called the client, explained the delay, and offered a discount"
        let chunks = TextSplitter(limit: 30).split(text)
        #expect(chunks.allSatisfy { $0.utf16.count <= 30 })
        #expect(chunks.first == "When the launch slipped,")
        #expect(words(chunks.joined(separator: " ")) == words(text))
    }

    @Test func neverCutsAWordThatFits() {
        let text = String(repeating: "alpha beta gamma delta epsilon ", count: 40)
        for limit in [7, 13, 50, 101] {
            let chunks = TextSplitter(limit: limit).split(text)
            #expect(chunks.allSatisfy { $0.utf16.count <= limit })
            #expect(words(chunks.joined(separator: " ")) == words(text))
        }
    }

    @Test func cutsOnlyAWordLongerThanTheLimit() {
        let chunks = TextSplitter(limit: 4).split("ab abcdefghij cd")
        #expect(chunks == ["ab", "abcd", "efgh", "ij", "cd"])
    }

    @Test func murfSizedTextKeepsEveryWordInOrder() {
        let sentence = "I led the migration, planned the rollout with the team, and we cut costs by 30 percent. "
        let text = String(repeating: sentence, count: 60)
        let chunks = TextSplitter(limit: 3000).split(text)
        #expect(chunks.count == 2)
        #expect(chunks.allSatisfy { $0.utf16.count <= 3000 && $0.hasSuffix(".") })
        #expect(words(chunks.joined(separator: " ")) == words(text))
    }
}

@Suite("Murf stream wire format")
struct MurfStreamWireTests {
    private func decode(_ json: String) throws -> MurfIncomingMessage {
        try JSONDecoder().decode(MurfIncomingMessage.self, from: Data(json.utf8))
    }

    @Test func acceptsBothSpellingsOfTheFinalMessage() throws {
        #expect(try decode(#"{"final":true,"context_id":"a"}"#).isFinal)
        #expect(try decode(#"{"isFinalAudio":true,"contextId":"a"}"#).contextID == "a")
        #expect(try decode(#"{"isFinalAudio":true,"contextId":"a"}"#).isFinal)
        #expect(try !decode(#"{"audio":"AAAA","context_id":"a","final":false}"#).isFinal)
    }

    @Test func readsErrorsAsStringOrObject() throws {
        #expect(try decode(#"{"error":"Invalid api key"}"#).error?.text == "Invalid api key")
        #expect(
            try decode(#"{"error":{"message":"Too many contexts"},"context_id":"b"}"#).error?.text
                == "Too many contexts")
    }

    @Test func dropsAWAVHeaderFromTheFirstChunk() {
        let wav = [UInt8](WAVAudio.telephony(muLawBytes: [1, 2, 3, 4]).encoded())
        #expect(MurfStreamWire.strippingWAVHeader(wav) == [1, 2, 3, 4])
        #expect(MurfStreamWire.strippingWAVHeader([9, 8, 7]) == [9, 8, 7])
    }
}
