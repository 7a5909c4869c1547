import Foundation
import Testing

@testable import CoachCore

#if canImport(FoundationXML)
    import FoundationXML
#endif

@Suite struct TwiMLRendererTests {
    let renderer = TwiMLRenderer(voice: "Polly.Joanna")

    /// Parses rendered TwiML with a real XML parser and returns the text of every element.
    func texts(of xml: String) throws -> [String] {
        final class Collector: NSObject, XMLParserDelegate {
            var texts: [String] = []
            var current = ""
            func parser(_ parser: XMLParser, foundCharacters string: String) { current += string }
            func parser(
                _ parser: XMLParser, didEndElement elementName: String, namespaceURI: String?, qualifiedName: String?
            ) {
                if !current.isEmpty { texts.append(current) }
                current = ""
            }
        }
        let parser = XMLParser(data: Data(xml.utf8))
        let collector = Collector()
        parser.delegate = collector
        #expect(parser.parse(), "not well-formed: \(xml)")
        return collector.texts
    }

    @Test func hostileTextIsEscapedAndSurvivesAsText() throws {
        let hostile = #"<Hangup/> & "quotes" 'single' ]]> <speak><break time="3s"/></speak>"#
        let xml = renderer.render(TwiMLDocument([.speak(.say(hostile)), .hangup]))
        #expect(!xml.contains("<Hangup/> &"))
        #expect(xml.hasPrefix("<?xml"))
        #expect(try texts(of: xml) == [hostile])
    }

    @Test func attributesAreEscaped() throws {
        let xml = renderer.render(
            TwiMLDocument([.redirect(url: "https://x.example/continue-interview?q=2&attempt=1")]))
        #expect(xml.contains("q=2&amp;attempt=1"))
        #expect(try texts(of: xml) == ["https://x.example/continue-interview?q=2&attempt=1"])
    }

    @Test func controlCharactersAreDropped() throws {
        let xml = renderer.render(TwiMLDocument([.speak(.say("bell\u{07}and\u{0}null"))]))
        #expect(try texts(of: xml) == ["bellandnull"])
    }

    @Test func nothingFollowsATerminalVerb() {
        let xml = renderer.render(
            TwiMLDocument([
                .speak(.say("one")), .redirect(url: "/a"), .speak(.say("unreachable")), .hangup,
            ]))
        #expect(!xml.contains("unreachable"))
        #expect(!xml.contains("Hangup"))
        #expect(xml.hasSuffix("<Redirect method=\"POST\">/a</Redirect></Response>\n"))
    }

    @Test func emptySayIsLeftOut() {
        let xml = renderer.render(TwiMLDocument([.speak(.say("   ")), .hangup]))
        #expect(!xml.contains("<Say"))
    }

    @Test func recordCarriesTheCoachingSettings() {
        let record = TwiMLRecord(
            action: "/webhook/response?q=1", maxLength: 60, timeout: 3, transcribeCallback: "/webhook/transcription",
            recordingStatusCallback: "/webhook/recording-status")
        let xml = renderer.render(TwiMLDocument([.record(record)]))
        for fragment in [
            #"maxLength="60""#, #"timeout="3""#, ##"finishOnKey="#""##, #"transcribe="true""#,
            #"transcribeCallback="/webhook/transcription""#, #"recordingStatusCallback="/webhook/recording-status""#,
        ] {
            #expect(xml.contains(fragment), "missing \(fragment)")
        }
    }

    @Test func gatherNestsOnlySpeech() {
        let gather = TwiMLGather(
            action: "/webhook/menu?attempt=1", hints: ["interview", "progress"],
            prompts: [.say("hello"), .play(url: "https://a/x.wav", text: "x"), .pause(seconds: 1)])
        let xml = renderer.render(TwiMLDocument([.gather(gather)]))
        #expect(xml.contains(#"input="dtmf speech""#))
        #expect(xml.contains(#"hints="interview, progress""#))
        #expect(
            xml.contains(
                #"<Say voice="Polly.Joanna">hello</Say><Play>https://a/x.wav</Play><Pause length="1"/></Gather>"#))
    }
}
