import Foundation
import TwilioSim

/// What one simulated call tells the benchmark, read from its timeline (caller time) and its
/// webhook exchanges (wall time).
public struct CallMeasurement: Sendable {
    /// Call start to the first audio the caller hears, in call seconds.
    public var greeting: Double?
    /// For each answer followed by another question: the silence between the end of the answer and
    /// the start of that question's audio, in call seconds. Our own speech in between (the
    /// acknowledgement, "question 2 of 5", a hold prompt) is not silence and is not counted.
    public var waits: [Double]
    /// Answers recorded.
    public var answers: Int
    /// The question each visit to the wait endpoint waited for (a question not ready when the caller
    /// reached it), in order.
    public var heldQuestions: [Int]
    /// Times the caller was sent to the wait endpoint because a question was not ready.
    public var holds: Int { heldQuestions.count }
    /// Every webhook and callback: route path, when it was sent (wall seconds from the start of the
    /// run) and wall seconds to the full answer.
    public var webhooks: [(route: String, sent: Double, seconds: Double)]
    /// Twilio rule violations and failed requests.
    public var errors: [String]
    public var endedBy: EndReason

    /// `startedAt`: wall seconds from the start of the run to this call's start.
    public init(report: CallReport, startedAt: Double = 0) {
        self.init(
            events: report.timeline, exchanges: report.exchanges + report.callbacks, violations: report.violations,
            endedBy: report.endedBy, startedAt: startedAt)
    }

    public init(
        events: [TimelineEvent], exchanges: [WebhookExchange], violations: [String], endedBy: EndReason,
        startedAt: Double = 0
    ) {
        greeting = events.first { $0.speechSeconds != nil }.map { $0.simulatedOffset.inSeconds }
        waits = Self.waits(events)
        answers = events.filter { if case .recorded = $0.kind { true } else { false } }.count
        heldQuestions = exchanges.filter { $0.path.hasSuffix("/continue-interview") }.map(Self.heldQuestion)
        webhooks = exchanges.map { (Self.route($0.path), startedAt + $0.wallStart.inSeconds, $0.latency.inSeconds) }
        errors = violations
        self.endedBy = endedBy
    }

    /// Completed: every answer given, the call ended by the line's own goodbye, nothing broke.
    public func completed(questions: Int) -> Bool {
        answers == questions && endedBy == .hangupVerb && errors.isEmpty
    }

    static func waits(_ events: [TimelineEvent]) -> [Double] {
        var waits: [Double] = []
        var index = 0
        while index < events.count {
            guard case .recorded = events[index].kind else {
                index += 1
                continue
            }
            let answerEnd = events[index].simulatedOffset
            // The question is the last thing said before the next recording starts.
            guard
                let nextRecord = events[(index + 1)...].firstIndex(where: {
                    if case .recordStarted = $0.kind { true } else { false }
                }),
                let question = events[(index + 1)..<nextRecord].lastIndex(where: { $0.speechSeconds != nil })
            else {
                index += 1
                continue
            }
            let spoken = events[(index + 1)..<question].compactMap(\.speechSeconds).reduce(0, +)
            waits.append(max(0, (events[question].simulatedOffset - answerEnd).inSeconds - spoken))
            index = nextRecord
        }
        return waits
    }

    /// The wait endpoint's `q`; 0 when the URL does not say.
    static func heldQuestion(_ exchange: WebhookExchange) -> Int {
        URLComponents(string: exchange.url)?.queryItems?.first { $0.name == "q" }?.value.flatMap { Int($0) } ?? 0
    }

    /// Group by route, not by URL: the audio path carries a content key.
    static func route(_ path: String) -> String {
        path.hasPrefix("/audio/") ? "/audio/:file" : path
    }
}

extension TimelineEvent {
    /// Seconds of speech or audio the caller hears from this event; nil for anything else.
    var speechSeconds: Double? {
        switch kind {
        case .say(_, _, let seconds), .play(_, _, let seconds): seconds
        default: nil
        }
    }
}
