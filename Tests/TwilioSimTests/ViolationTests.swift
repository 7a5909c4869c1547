import Foundation
import Testing
import TwilioSim

/// Each breach of Twilio's rules is reported, never crashes the simulator, and ends the call
/// only where Twilio would.
@Suite("Violations")
struct ViolationTests {
    /// Runs a call whose voice webhook answers `reply` (and `/next` answers a hangup).
    private func call(_ reply: Reply, steps: [CallScript.Step] = [], strictAudio: Bool = false) async throws
        -> CallReport
    {
        let box = ReportBox()
        try await withTwiMLServer { request in
            switch request.path {
            case "/voice": reply
            case "/next", "/answer": .twiml("<Hangup/>")
            case "/audio/missing.wav": .notFound()
            case "/audio/page.wav": .raw("<html>not audio</html>", contentType: "text/html")
            case "/audio/fake.wav": .raw("<html>not audio</html>", contentType: "audio/wav")
            case "/audio/wideband.wav": Reply(contentType: "audio/x-wav", body: Self.wideband)
            default: .notFound()
            }
        } test: { base, _ in
            var configuration = simConfiguration(base)
            configuration.strictAudio = strictAudio
            await box.set(try await placeCall(configuration, steps))
        }
        return try #require(await box.report)
    }

    /// 16 kHz PCM16 mono: valid WAV, but not what the phone network carries.
    static let wideband: [UInt8] = {
        var bytes = Array("RIFF".utf8) + le32(36 + 3200) + Array("WAVE".utf8)
        bytes += Array("fmt ".utf8) + le32(16) + le16(1) + le16(1) + le32(16000) + le32(32000) + le16(2) + le16(16)
        bytes += Array("data".utf8) + le32(3200) + [UInt8](repeating: 0, count: 3200)
        return bytes
    }()

    private static func le16(_ value: UInt16) -> [UInt8] { [UInt8(value & 0xFF), UInt8(value >> 8)] }
    private static func le32(_ value: UInt32) -> [UInt8] { le16(UInt16(value & 0xFFFF)) + le16(UInt16(value >> 16)) }

    private func expectViolation(
        _ report: CallReport, _ fragment: String, sourceLocation: SourceLocation = #_sourceLocation
    ) {
        #expect(!report.isClean, sourceLocation: sourceLocation)
        #expect(
            report.violations.contains { $0.contains(fragment) }, "\(fragment) not in \(report.violations)",
            sourceLocation: sourceLocation)
    }

    @Test func malformedXMLIsAnApplicationError() async throws {
        let report = try await call(.raw(#"<?xml version="1.0"?><Response><Say>Hi</Response>"#))
        expectViolation(report, "[12100] malformed XML")
        #expect(report.endedBy == .applicationError)
        #expect(report.heard.isEmpty)
    }

    @Test func unescapedAmpersandBreaksTheDocument() async throws {
        let report = try await call(.twiml("<Say>Q&A time</Say>"))
        expectViolation(report, "[12100]")
    }

    @Test func rootMustBeResponse() async throws {
        let report = try await call(.raw("<Answer><Say>Hi</Say></Answer>"))
        expectViolation(report, "root element is <Answer>")
    }

    @Test func wrongContentTypeIsRejected() async throws {
        let report = try await call(.raw("<Response><Say>Hi</Say></Response>", contentType: "text/html"))
        expectViolation(report, "[12300] Content-Type 'text/html'")
        #expect(report.endedBy == .applicationError)
    }

    @Test func missingContentTypeIsRejected() async throws {
        let report = try await call(.raw("<Response><Say>Hi</Say></Response>", contentType: nil))
        expectViolation(report, "[12300] no Content-Type")
    }

    @Test func xmlContentTypesWithCharsetAreAccepted() async throws {
        for contentType in ["text/xml; charset=utf-8", "application/xml", "Application/XML;charset=UTF-8"] {
            let report = try await call(.raw("<Response><Say>Hi</Say></Response>", contentType: contentType))
            #expect(report.isClean, "\(contentType): \(report.violations)")
            #expect(report.heard == ["Hi"])
        }
    }

    @Test func blankLineBeforeDeclarationIsRejected() async throws {
        let report = try await call(.raw("\n<?xml version=\"1.0\"?><Response><Say>Hi</Say></Response>"))
        expectViolation(report, "[12100] 1 byte(s) before <?xml")
        let spaces = try await call(.raw("  <?xml version=\"1.0\"?><Response/>"))
        expectViolation(spaces, "before <?xml")
    }

    @Test func documentOver64KilobytesIsRejected() async throws {
        let report = try await call(.twiml("<Say>" + String(repeating: "word ", count: 14_000) + "</Say>"))
        expectViolation(report, "[11750]")
        #expect(report.endedBy == .applicationError)
    }

    @Test func illegalNestingIsReported() async throws {
        let report = try await call(
            .twiml(
                #"<Gather action="/next"><Say>Hi</Say><Record/></Gather>"#
                    + "<Say>Hello <Play>x.wav</Play></Say><Pause><Say>no</Say></Pause><Response/><Hangup/>"),
            steps: [.silence])
        expectViolation(report, "<Record> cannot nest in <Gather>")
        expectViolation(report, "<Play> cannot nest in <Say>")
        expectViolation(report, "<Say> cannot nest in <Pause>")
        expectViolation(report, "<Response> cannot nest")
        #expect(report.endedBy == .hangupVerb)
        #expect(report.heard == ["Hi", "Hello"])
    }

    @Test func verbsAfterRecordAreUnreachable() async throws {
        let report = try await call(
            .twiml(#"<Record action="/answer"/><Say>Never heard.</Say>"#), steps: [.answer("An answer", seconds: 4)])
        expectViolation(report, "<Say> is unreachable: it follows <Record>")
        #expect(!report.heard.contains("Never heard."))
    }

    @Test func verbsAfterHangupAreUnreachable() async throws {
        let report = try await call(.twiml("<Say>Bye.</Say><Hangup/><Say>Never heard.</Say><Pause/>"))
        expectViolation(report, "<Say> is unreachable: it follows <Hangup>")
        expectViolation(report, "<Pause> is unreachable")
        #expect(report.heard == ["Bye."])
        #expect(report.endedBy == .hangupVerb)
    }

    @Test func verbsAfterRedirectAreUnreachable() async throws {
        let report = try await call(.twiml("<Redirect>/next</Redirect><Say>Never.</Say>"))
        expectViolation(report, "<Say> is unreachable: it follows <Redirect>")
    }

    @Test func unknownVerbsAndWrongCaseAreReported() async throws {
        let report = try await call(.twiml("<Speak>Hi</Speak><say>lower case</say><Say>Fine.</Say>"))
        expectViolation(report, "<Speak> is not a TwiML verb")
        expectViolation(report, "<say> is not a TwiML verb (names are case-sensitive: <Say>)")
        #expect(report.heard == ["Fine."])
        #expect(report.endedBy == .documentEnded)
    }

    @Test func attributeNamesAreCaseSensitive() async throws {
        let report = try await call(
            .twiml(#"<Gather NumDigits="1" action="/next"><Say>Hi</Say></Gather>"#), steps: [.press("12")])
        expectViolation(report, "has no attribute 'NumDigits' (names are case-sensitive: 'numDigits')")
    }

    @Test func badAttributeValuesAreReported() async throws {
        let report = try await call(
            .twiml(
                #"<Gather input="keys" numDigits="one" timeout="-1" action="/next"><Say loop="-2">Hi</Say></Gather>"#
                    + #"<Pause length="-3"/><Record maxLength="abc" playBeep="yes"/>"#),
            steps: [.silence, .answer("ok", seconds: 2)])
        expectViolation(report, "input 'keys' must be dtmf, speech")
        expectViolation(report, "numDigits 'one' is not a whole number")
        expectViolation(report, "timeout -1 is below 0")
        expectViolation(report, "loop -2 is below 0")
        expectViolation(report, "length -3 is below 0")
        expectViolation(report, "maxLength 'abc' is not a whole number")
        expectViolation(report, "playBeep 'yes' must be true or false")
    }

    @Test func emptySayAndRedirectAreReported() async throws {
        let report = try await call(.twiml("<Say>  </Say><Redirect></Redirect>"))
        expectViolation(report, "<Say> is empty")
        expectViolation(report, "<Redirect> has no URL")
        #expect(report.endedBy == .documentEnded)
    }

    @Test func playOfMissingFileIsReportedAndSkipped() async throws {
        let report = try await call(.twiml("<Play>/audio/missing.wav</Play><Say>After.</Say>"))
        expectViolation(report, "GET answered 404")
        #expect(report.heard == ["After."])
    }

    @Test func playOfNonAudioIsReported() async throws {
        let page = try await call(.twiml("<Play>/audio/page.wav</Play>"))
        expectViolation(page, "Content-Type text/html is not audio/*")
        #expect(page.heard.isEmpty)
        let fake = try await call(.twiml("<Play>/audio/fake.wav</Play>"))
        expectViolation(fake, "does not parse as WAV")
    }

    @Test func nonTelephonyAudioIsANoteUnlessStrict() async throws {
        let relaxed = try await call(.twiml("<Play>/audio/wideband.wav</Play>"))
        #expect(relaxed.isClean, "\(relaxed.violations)")
        #expect(relaxed.notes.contains { $0.contains("is not 8 kHz mono mu-law") })
        #expect(relaxed.heard.first?.hasSuffix("/audio/wideband.wav 0.1s]") == true)
        let strict = try await call(.twiml("<Play>/audio/wideband.wav</Play>"), strictAudio: true)
        expectViolation(strict, "pcm16 16000 Hz 1 channel(s) is not 8 kHz mono mu-law")
    }

    @Test func unsupportedTwilioVerbsAreSkippedWithANote() async throws {
        let report = try await call(.twiml("<Dial>+14155550123</Dial><Say>After dial.</Say>"))
        #expect(report.isClean)
        #expect(report.notes.contains { $0.contains("<Dial> is not simulated") })
        #expect(report.heard == ["After dial."])
    }
}

/// Carries a report out of the server's test closure.
actor ReportBox {
    private(set) var report: CallReport?
    func set(_ report: CallReport) { self.report = report }
}
