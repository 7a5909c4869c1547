import Testing

@testable import TwilioSupport

/// Vectors published in the official helper libraries' own test suites (see twilio.md).
@Suite("TwilioSignature")
struct SignatureTests {
    let token = "12345"
    let url = "https://mycompany.com/myapp.php?foo=1&bar=2"
    let params = [
        ("CallSid", "CA1234567890ABCDE"),
        ("Caller", "+14158675309"),
        ("Digits", "1234"),
        ("From", "+14158675309"),
        ("To", "+18005551212"),
    ]

    @Test func publishedVectorWithoutPort() {
        #expect(
            TwilioSignature.compute(url: url, parameters: params, authToken: token) == "RSOYDt4T1cUTdK1PDd93/VVr8B8=")
    }

    @Test func publishedVectorWithDefaultPort() {
        let withPort = "https://mycompany.com:443/myapp.php?foo=1&bar=2"
        #expect(
            TwilioSignature.compute(url: withPort, parameters: params, authToken: token)
                == "kvajT1Ptam85bY51eRf/AJRuM3w="
        )
    }

    @Test func publishedVectorWithCustomPort() {
        let custom = "http://mycompany.com:1234/myapp.php?foo=1&bar=2"
        let signature = "Zmvh+3yNM1Phv2jhDCwEM3q5ebU="
        #expect(TwilioSignature.compute(url: custom, parameters: params, authToken: token) == signature)
        #expect(TwilioSignature.isValid(signature: signature, url: custom, parameters: params, authToken: token))
    }

    @Test func publishedVectorWithRepeatedKeys() {
        let repeated = [
            ("Sid", "CA123"), ("SidAccount", "AC123"), ("Digits", "5678"), ("Digits", "1234"), ("Digits", "1234"),
        ]
        let signature = "IK+Dwps556ElfBT0I3Rgjkr1wJU="
        #expect(TwilioSignature.compute(url: url, parameters: repeated, authToken: token) == signature)
        #expect(TwilioSignature.isValid(signature: signature, url: url, parameters: repeated, authToken: token))
        // Order of the pairs on the wire does not matter.
        #expect(
            TwilioSignature.isValid(signature: signature, url: url, parameters: repeated.reversed(), authToken: token)
        )
    }

    @Test func publishedJSONVector() {
        let body = Array(#"{"property": "value", "boolean": true}"#.utf8)
        let hash = "0a1ff7634d9ab3b95db5c9a2dfe9416e41502b283a80c7cf19632632f96e6620"
        let signed = "\(url)&bodySHA256=\(hash)"
        let signature = "a9nBmqA0ju/hNViExpshrM61xv4="
        #expect(TwilioSignature.compute(url: signed, parameters: [], authToken: token) == signature)
        #expect(TwilioSignature.isValidJSON(signature: signature, url: signed, body: body, authToken: token))
        // A different body no longer matches the hash in the URL.
        let tampered = Array(#"{"property": "value", "boolean": false}"#.utf8)
        #expect(!TwilioSignature.isValidJSON(signature: signature, url: signed, body: tampered, authToken: token))
        // No bodySHA256 in the URL: not a signed JSON request.
        #expect(!TwilioSignature.isValidJSON(signature: signature, url: url, body: body, authToken: token))
    }

    @Test func signatureWithoutPortValidatesAgainstURLWithDefaultPort() {
        let withPort = "https://mycompany.com:443/myapp.php?foo=1&bar=2"
        #expect(
            TwilioSignature.isValid(
                signature: "RSOYDt4T1cUTdK1PDd93/VVr8B8=", url: withPort, parameters: params, authToken: token)
        )
    }

    @Test func signatureWithDefaultPortValidatesAgainstURLWithoutPort() {
        #expect(
            TwilioSignature.isValid(
                signature: "kvajT1Ptam85bY51eRf/AJRuM3w=", url: url, parameters: params, authToken: token)
        )
    }

    @Test func httpDefaultPortIsEighty() {
        let plain = "http://example.com/voice"
        let signature = TwilioSignature.compute(
            url: "http://example.com:80/voice", parameters: params, authToken: token)
        #expect(TwilioSignature.isValid(signature: signature, url: plain, parameters: params, authToken: token))
        let other = TwilioSignature.compute(url: "http://example.com:8080/voice", parameters: params, authToken: token)
        #expect(!TwilioSignature.isValid(signature: other, url: plain, parameters: params, authToken: token))
    }

    @Test func forgedSignatureIsRejected() {
        #expect(
            !TwilioSignature.isValid(
                signature: "AAAAAAAAAAAAAAAAAAAAAAAAAAA=", url: url, parameters: params, authToken: token)
        )
        #expect(!TwilioSignature.isValid(signature: "", url: url, parameters: params, authToken: token))
        #expect(
            !TwilioSignature.isValid(
                signature: "RSOYDt4T1cUTdK1PDd93/VVr8B8=", url: url, parameters: params, authToken: "54321")
        )
    }

    @Test func tamperedParameterIsRejected() {
        var tampered = params
        tampered[2] = ("Digits", "9999")
        #expect(
            !TwilioSignature.isValid(
                signature: "RSOYDt4T1cUTdK1PDd93/VVr8B8=", url: url, parameters: tampered, authToken: token)
        )
        let extra = params + [("Extra", "1")]
        #expect(
            !TwilioSignature.isValid(
                signature: "RSOYDt4T1cUTdK1PDd93/VVr8B8=", url: url, parameters: extra, authToken: token)
        )
        #expect(
            !TwilioSignature.isValid(
                signature: "RSOYDt4T1cUTdK1PDd93/VVr8B8=", url: url + "&baz=3", parameters: params, authToken: token)
        )
    }

    @Test func urlVariantsHandleIPv6AndUserInfo() {
        #expect(SignedURL.variants(of: "http://[::1]:8080/a") == ["http://[::1]:8080/a", "http://[::1]/a"])
        #expect(SignedURL.variants(of: "https://[::1]/a") == ["https://[::1]/a", "https://[::1]:443/a"])
        #expect(SignedURL.variants(of: "https://u:p@host?x=1") == ["https://u:p@host?x=1", "https://u:p@host:443?x=1"])
    }

    @Test func constantTimeEquality() {
        #expect(TwilioSignature.constantTimeEquals("abc", "abc"))
        #expect(!TwilioSignature.constantTimeEquals("abc", "abd"))
        #expect(!TwilioSignature.constantTimeEquals("abc", "abcd"))
    }

    @Test func base64MatchesRFC4648() {
        #expect(Base64.encode(Array("".utf8)) == "")
        #expect(Base64.encode(Array("f".utf8)) == "Zg==")
        #expect(Base64.encode(Array("fo".utf8)) == "Zm8=")
        #expect(Base64.encode(Array("foo".utf8)) == "Zm9v")
        #expect(Base64.encode(Array("foobar".utf8)) == "Zm9vYmFy")
    }
}
