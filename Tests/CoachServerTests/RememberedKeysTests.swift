import Testing

@testable import CoachServer

@Suite("Remembered keys")
struct RememberedKeysTests {
    /// A prompt asked for on every call stays known; one call's debrief, heard once, is forgotten.
    @Test func keepsWhatIsAskedForAndForgetsTheRest() {
        var keys = RememberedKeys(generation: 100)
        keys.insert("prompt")
        keys.insert("debrief-0")
        for call in 1...1_000 {
            keys.insert("debrief-\(call)")
            let promptKnown = keys.contains("prompt")
            #expect(promptKnown, "call \(call)")
            #expect(keys.count <= 200)
        }
        let (first, last, unknown) = (keys.contains("debrief-0"), keys.contains("debrief-1000"), keys.contains("x"))
        #expect(!first)
        #expect(last)
        #expect(!unknown)
    }

    @Test func aKeyFromThePreviousGenerationIsKeptForAnother() {
        var keys = RememberedKeys(generation: 2)
        keys.insert("a")
        keys.insert("b")
        keys.insert("c")  // a and b are now the previous generation
        let aPromoted = keys.contains("a")  // moves to the current one, beside c
        keys.insert("d")  // c and a become the previous generation; b is forgotten
        let held = ["a", "b", "c", "d"].map { keys.contains($0) }
        #expect(aPromoted)
        #expect(held == [true, false, true, true])
    }
}
