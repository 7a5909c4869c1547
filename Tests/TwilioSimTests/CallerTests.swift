import Foundation
import Synchronization
import Testing

@testable import TwilioSim

@Suite("Callers and scripts")
struct CallerTests {
    static let example = """
        {
          "from": "anonymous",
          "steps": [
            {"press": "1"},
            {"say": "interview", "confidence": 0.75},
            {"say": "yes"},
            {"silence": true},
            {"answer": "I led the migration.", "seconds": 45, "end": "#"},
            {"answer": "Short one", "end": "timeout"},
            {"answer": "Cut off", "end": "hangup"},
            {"answer": "Went on and on", "end": "max"},
            {"hangup": true}
          ]
        }
        """

    @Test func scriptJSONDecodes() throws {
        let script = try JSONDecoder().decode(CallScript.self, from: Data(Self.example.utf8))
        #expect(script.from == "anonymous")
        #expect(
            script.steps == [
                .press("1"), .say("interview", confidence: 0.75), .say("yes", confidence: nil), .silence,
                .answer("I led the migration.", seconds: 45, end: .key("#")),
                .answer("Short one", seconds: nil, end: .timeout), .answer("Cut off", seconds: nil, end: .hangUp),
                .answer("Went on and on", seconds: nil, end: .maxLength), .hangUp,
            ])
        let again = try JSONDecoder().decode(CallScript.self, from: JSONEncoder().encode(script))
        #expect(again == script)
    }

    @Test func answerEndDefaultsToPound() throws {
        let script = try JSONDecoder().decode(CallScript.self, from: Data(#"{"steps":[{"answer":"hi"}]}"#.utf8))
        #expect(script.steps == [.answer("hi", seconds: nil, end: .key("#"))])
        #expect(script.from == nil)
    }

    @Test func badScriptsAreRejected() {
        #expect(throws: (any Error).self) {
            try JSONDecoder().decode(CallScript.self, from: Data(#"{"steps":[{"dance":true}]}"#.utf8))
        }
        #expect(throws: (any Error).self) {
            try JSONDecoder().decode(CallScript.self, from: Data(#"{"steps":[{"answer":"x","end":"later"}]}"#.utf8))
        }
    }

    private static let gatherPrompt = GatherPrompt(
        heard: ["Press 1"], input: [.dtmf], numDigits: 1, finishOnKey: "#", timeout: 5, hints: [], language: nil)
    private static let recordPrompt = RecordPrompt(
        heard: ["Go"], maxLength: 60, finishOnKey: "#", timeout: 5, playBeep: true)

    @Test func scriptedCallerPlaysStepsThenHangsUp() async {
        let caller = ScriptedCaller(steps: [
            .press("1"), .say("hello", confidence: nil), .answer("An answer here", seconds: nil, end: .timeout),
            .answer("Long", seconds: nil, end: .maxLength),
        ])
        #expect(await caller.gather(Self.gatherPrompt) == .digits("1"))
        #expect(await caller.gather(Self.gatherPrompt) == .speech("hello", confidence: 0.9))
        let answer = await caller.record(Self.recordPrompt)
        #expect(answer == CallerAnswer(text: "An answer here", seconds: 1.2, ending: .silenceTimeout))
        #expect(await caller.record(Self.recordPrompt).seconds == 60)
        #expect(caller.remainingSteps == 0)
        #expect(await caller.gather(Self.gatherPrompt) == .hangUp)
        #expect(await caller.record(Self.recordPrompt) == .hangUp)
    }

    @Test func estimatedSpeechTimeIsTwoAndAHalfWordsPerSecond() {
        #expect(CallerAnswer.estimatedSeconds(for: "") == 0)
        #expect(CallerAnswer.estimatedSeconds(for: "one") == 1)
        #expect(CallerAnswer.estimatedSeconds(for: "one two three four five six seven eight nine ten") == 4)
    }

    @Test func terminalCallerReadsKeysWordsAnswersAndEndOfInput() async {
        let lines = Mutex(["12#", "tell me more", "", "My answer is this |42", "!hangup"])
        let printed = Mutex([String]())
        let caller = TerminalCaller(
            input: { lines.withLock { $0.isEmpty ? nil : $0.removeFirst() } },
            output: { line in printed.withLock { $0.append(line) } })
        #expect(await caller.gather(Self.gatherPrompt) == .digits("12#"))
        #expect(await caller.gather(Self.gatherPrompt) == .speech("tell me more", confidence: 0.9))
        #expect(await caller.gather(Self.gatherPrompt) == .silence)
        #expect(await caller.record(Self.recordPrompt) == CallerAnswer(text: "My answer is this", seconds: 42))
        #expect(await caller.record(Self.recordPrompt) == .hangUp)
        #expect(await caller.gather(Self.gatherPrompt) == .hangUp)
        let event = TimelineEvent(
            simulatedOffset: .zero, wallOffset: .zero, kind: .say(text: "Welcome", voice: nil, seconds: 0.4))
        await caller.heard(event)
        #expect(printed.withLock { $0.contains("Twilio: Welcome") })
    }

    @Test func gatherEvaluatorAppliesNumDigitsAndTimeouts() {
        var gather = TwiMLVerb.Gather()
        gather.numDigits = 2
        let evaluation = GatherEvaluator.evaluate(.digits("1234"), gather: gather)
        guard case .input(let parameters) = evaluation.result else {
            Issue.record("expected input")
            return
        }
        #expect(parameters.map(\.1) == ["12", ""])
        #expect(evaluation.seconds == 1)
        let onlyFinishKey = GatherEvaluator.evaluate(.digits("#"), gather: TwiMLVerb.Gather())
        guard case .empty = onlyFinishKey.result else {
            Issue.record("a lone finish key is no input")
            return
        }
        let speechAtKeys = GatherEvaluator.evaluate(.speech("hello", confidence: nil), gather: TwiMLVerb.Gather())
        #expect(!speechAtKeys.accepted)
        #expect(speechAtKeys.seconds == 5)
    }

    @Test func validatorFillsTwilioDefaults() throws {
        let xml = #"<Response><Gather><Say>Hi</Say></Gather><Record/></Response>"#
        let root = try TwiMLParser.parse(Array(xml.utf8)).get()
        let output = TwiMLValidator.validate(root)
        #expect(output.violations.isEmpty)
        guard case .gather(let gather) = output.verbs.first, case .record(let record) = output.verbs.last else {
            Issue.record("expected Gather then Record")
            return
        }
        #expect(gather.input == [.dtmf])
        #expect(gather.timeout == 5)
        #expect(gather.finishOnKey == "#")
        #expect(gather.method == "POST")
        #expect(gather.children == [.say(text: "Hi", voice: nil, language: nil, loop: 1)])
        #expect(record.timeout == 5)
        #expect(record.maxLength == 3600)
        #expect(record.finishOnKey == "1234567890*#")
        #expect(record.playBeep)
    }

    @Test func entitiesAndCDATAAreText() throws {
        let xml = #"<Response><Say>Q&amp;A &lt;now&gt;</Say><Say><![CDATA[a & b]]></Say></Response>"#
        let root = try TwiMLParser.parse(Array(xml.utf8)).get()
        let output = TwiMLValidator.validate(root)
        #expect(
            output.verbs == [
                .say(text: "Q&A <now>", voice: nil, language: nil, loop: 1),
                .say(text: "a & b", voice: nil, language: nil, loop: 1),
            ])
    }

    @Test func signatureURLDropsTheFragment() {
        let target = RequestTarget("https://example.com/voice?x=1#tt=3000&rc=2")
        #expect(target.url == "https://example.com/voice?x=1")
        #expect(target.totalTimeout == .seconds(3))
    }
}
