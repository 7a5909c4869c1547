import Foundation
import Testing

@testable import CoachBench
@testable import TwilioSim

/// The caller-side numbers are read from TwilioSim's timeline; these timelines are written by hand so
/// each rule is checked on its own.
@Suite struct CallMeasurementTests {
    static func at(_ seconds: Double, _ kind: TimelineEvent.Kind) -> TimelineEvent {
        TimelineEvent(simulatedOffset: .milliseconds(Int64(seconds * 1000)), wallOffset: .zero, kind: kind)
    }

    static func answer(_ text: String = "An answer") -> CallerAnswer {
        CallerAnswer(text: text, seconds: 60, ending: .finishKey("#"))
    }

    static let record = TimelineEvent.Kind.recordStarted(maxLength: 60, timeout: 3, finishOnKey: "#")

    @Test func waitIsTheSilenceBeforeTheNextQuestionNotOurOwnSpeech() {
        let events = [
            Self.at(0.02, .say(text: "Welcome", voice: nil, seconds: 4)),
            Self.at(10, Self.record),
            Self.at(70, .recorded(Self.answer(), recordingSid: "RE1", durationSeconds: 60)),
            // 0.1 s of webhook, then "Thanks" (2 s) and "Question 2 of 5" (1.5 s), 0.5 s of fetching audio.
            Self.at(70.1, .say(text: "Thanks.", voice: nil, seconds: 2)),
            Self.at(72.1, .say(text: "Question 2 of 5.", voice: nil, seconds: 1.5)),
            Self.at(74.1, .play(url: "/audio/q2.wav", audio: nil, seconds: 6)),
            Self.at(80.1, Self.record),
            Self.at(140, .recorded(Self.answer(), recordingSid: "RE2", durationSeconds: 60)),
            Self.at(143, .say(text: "Here is how you did.", voice: nil, seconds: 10)),
            Self.at(153, .hangup),
        ]
        let measurement = CallMeasurement(events: events, exchanges: [], violations: [], endedBy: .hangupVerb)
        #expect(measurement.greeting == 0.02)
        #expect(measurement.answers == 2)
        // After the last answer comes the debrief, not a question: no wait is counted for it.
        #expect(measurement.waits.count == 1)
        #expect(abs(measurement.waits[0] - 0.6) < 1e-9)
        #expect(measurement.completed(questions: 2))
        #expect(!measurement.completed(questions: 5))
    }

    @Test func aHoldPromptDoesNotHideTheWaitEndpointsSilence() {
        let events = [
            Self.at(0, Self.record),
            Self.at(60, .recorded(Self.answer(), recordingSid: "RE1", durationSeconds: 60)),
            Self.at(60.05, .say(text: "One moment.", voice: nil, seconds: 1)),
            // The wait endpoint held the request for 3 s before the question came.
            Self.at(64.05, .say(text: "Question 2 of 5.", voice: nil, seconds: 1.5)),
            Self.at(65.55, .say(text: "Tell me about a conflict.", voice: nil, seconds: 3)),
            Self.at(68.55, Self.record),
        ]
        let measurement = CallMeasurement(events: events, exchanges: [], violations: [], endedBy: .callerHungUp)
        #expect(measurement.waits.count == 1)
        #expect(abs(measurement.waits[0] - 3.05) < 1e-9)
        #expect(!measurement.completed(questions: 1), "a call the caller hung up did not complete")
    }

    @Test func violationsMakeACallIncomplete() {
        let events = [
            Self.at(0, Self.record), Self.at(60, .recorded(Self.answer(), recordingSid: "RE1", durationSeconds: 60)),
        ]
        let measurement = CallMeasurement(
            events: events, exchanges: [], violations: ["/webhook/response: [11200] HTTP 500"], endedBy: .hangupVerb)
        #expect(!measurement.completed(questions: 1))
    }

    static func exchange(_ path: String, sentAt seconds: Double, milliseconds: Int64) -> WebhookExchange {
        WebhookExchange(
            purpose: .voice, method: "POST", url: "http://127.0.0.1:1\(path)", parameters: [], signature: nil,
            status: 200, contentType: "text/xml", responseHeaders: [], body: "", verbs: [],
            latency: .milliseconds(milliseconds), wallStart: .milliseconds(Int64(seconds * 1000)),
            simulatedStart: .zero, error: nil)
    }

    /// A call that ended well, measured from its webhooks alone.
    static func call(_ exchanges: [WebhookExchange], startedAt: Double = 0) -> CallMeasurement {
        CallMeasurement(events: [], exchanges: exchanges, violations: [], endedBy: .hangupVerb, startedAt: startedAt)
    }

    @Test func theTimelineCountsWebhooksBySecondOfTheRunNotOfTheCall() throws {
        let first = Self.call([
            Self.exchange("/webhook/voice", sentAt: 0.2, milliseconds: 10),
            Self.exchange("/webhook/menu", sentAt: 0.9, milliseconds: 30),
            Self.exchange("/audio/q1.wav", sentAt: 0.95, milliseconds: 500),
        ])
        // Started 1.5 s into the run: its webhooks 0.2 s and 0.7 s into the call are in seconds 1 and 2.
        let second = Self.call(
            [
                Self.exchange("/webhook/voice", sentAt: 0.2, milliseconds: 20),
                Self.exchange("/webhook/response", sentAt: 0.7, milliseconds: 400),
            ], startedAt: 1.5)
        let result = BenchResult(
            plan: BenchPlan(), engine: "sqlite", wallSeconds: 3, measurements: [first, second], peakResidentBytes: nil)
        #expect(result.timeline.map(\.second) == [0, 1, 2])
        #expect(result.timeline.map(\.webhooks) == [2, 1, 1], "audio downloads are not webhooks")
        #expect(result.timeline.map(\.latency.max) == [0.03, 0.02, 0.4])
        #expect(result.busiestSecond?.second == 0)
        let table = BenchTable.timeline(result)
        #expect(table.contains("     2         1  400 / 400 / 400 / 400 ms"), "\(table)")
        #expect(BenchTable.render([result]).contains("2 webhooks, p99 30 ms"))
    }

    @Test func holdsCountByTheQuestionTheyWaitedFor() {
        let held = Self.call([
            Self.exchange("/webhook/menu", sentAt: 0.1, milliseconds: 10),
            Self.exchange("/continue-interview?q=1&attempt=1", sentAt: 0.2, milliseconds: 90),
            Self.exchange("/continue-interview?q=1&attempt=2", sentAt: 0.4, milliseconds: 90),
            Self.exchange("/continue-interview?q=4&attempt=1&since=1700000000000", sentAt: 3, milliseconds: 90),
            Self.exchange("/webhook/response?q=4", sentAt: 2.9, milliseconds: 10),
        ])
        let calm = Self.call([Self.exchange("/webhook/menu", sentAt: 0.1, milliseconds: 10)])
        #expect(held.heldQuestions == [1, 1, 4])
        let result = BenchResult(
            plan: BenchPlan(), engine: "sqlite", wallSeconds: 3, measurements: [held, calm, held],
            peakResidentBytes: nil)
        #expect(result.holds == 6)
        #expect(result.holdsByQuestion == [4, 0, 0, 2, 0])
        #expect(BenchTable.render([result]).contains("6 (q1 4, q4 2)"), "\(BenchTable.render([result]))")
        let none = BenchResult(
            plan: BenchPlan(), engine: "sqlite", wallSeconds: 3, measurements: [calm], peakResidentBytes: nil)
        #expect(none.holdsByQuestion == [0, 0, 0, 0, 0])
        #expect(BenchTable.holds(none) == "0")
    }

    @Test func audioDownloadsGroupUnderOneRoute() {
        #expect(CallMeasurement.route("/audio/abc123.wav") == "/audio/:file")
        #expect(CallMeasurement.route("/webhook/response") == "/webhook/response")
    }

    @Test func serverMetricsAreReadFromPrometheusText() {
        let text = """
            # HELP coachline_database_info The database engine this process stores calls in.
            # TYPE coachline_database_info gauge
            coachline_database_info{engine="postgres"} 1.0
            coachline_process_peak_resident_memory_bytes 123456789.0
            coachline_process_resident_memory_bytes 1.0
            """
        #expect(ServerMetrics(text: text) == ServerMetrics(engine: "postgres", peakResidentBytes: 123_456_789))
        #expect(ServerMetrics(text: "") == ServerMetrics(engine: nil, peakResidentBytes: nil))
    }
}
