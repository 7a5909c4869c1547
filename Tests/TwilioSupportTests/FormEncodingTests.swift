import Testing
import TwilioSupport

@Suite("FormEncoding")
struct FormEncodingTests {
    private func same(_ lhs: [(String, String)], _ rhs: [(String, String)]) -> Bool {
        lhs.count == rhs.count && zip(lhs, rhs).allSatisfy { $0.0 == $1.0 && $0.1 == $1.1 }
    }

    @Test func encodesReservedCharacters() {
        let encoded = FormEncoding.encode([("a&b", "c=d"), ("plus", "1+1 = 2"), ("safe", "A-z_0.9~")])
        #expect(encoded == "a%26b=c%3Dd&plus=1%2B1+%3D+2&safe=A-z_0.9~")
    }

    @Test func encodesUnicodeAsUTF8() {
        #expect(FormEncoding.encode([("name", "José ✓")]) == "name=Jos%C3%A9+%E2%9C%93")
    }

    @Test func roundTripsTrickyValues() {
        let pairs = [
            ("From", "+14158675309"), ("SpeechResult", "I said \"yes\" & then = no"), ("Empty", ""),
            ("Unicode", "naïve café 🎧"), ("Percent", "100%"), ("Slash", "a/b?c#d"),
        ]
        #expect(same(FormEncoding.decode(FormEncoding.encode(pairs)), pairs))
    }

    @Test func keepsRepeatedKeysInOrder() {
        let decoded = FormEncoding.decode("Digits=5678&Sid=CA1&Digits=1234&Digits=1234")
        #expect(same(decoded, [("Digits", "5678"), ("Sid", "CA1"), ("Digits", "1234"), ("Digits", "1234")]))
    }

    @Test func decodesPlusAsSpaceAndPercentEscapes() {
        #expect(same(FormEncoding.decode("q=a+b%2Bc%20d"), [("q", "a b+c d")]))
        #expect(same(FormEncoding.decode("q=%e2%9c%93"), [("q", "✓")]))
        #expect(
            same(FormEncoding.decode(bytes: Array("q=a+b&r=%41&s=✓".utf8)), [("q", "a b"), ("r", "A"), ("s", "✓")]))
    }

    @Test func toleratesJunk() {
        #expect(same(FormEncoding.decode(""), []))
        #expect(same(FormEncoding.decode("&&a=1&&"), [("a", "1")]))
        #expect(same(FormEncoding.decode("flag"), [("flag", "")]))
        #expect(
            same(FormEncoding.decode("a=%&b=%2&c=%zz&d=x=y"), [("a", "%"), ("b", "%2"), ("c", "%zz"), ("d", "x=y")]))
        // Invalid UTF-8 is repaired, not fatal.
        #expect(FormEncoding.decode("a=%FF").first?.1 == "\u{FFFD}")
    }
}
