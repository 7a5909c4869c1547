import Foundation

/// Why the call ended.
public enum EndReason: String, Sendable, Equatable {
    /// The document said `<Hangup/>`.
    case hangupVerb
    /// The caller hung up (at a Gather, during a Record, or when audio looped forever).
    case callerHungUp
    /// The last document ran out of verbs.
    case documentEnded
    /// The document said `<Reject/>`.
    case reject
    /// A webhook failed and no fallback saved the call: the caller would hear Twilio's error message.
    case applicationError
    /// The webhook count or simulated duration limit was reached.
    case limitExceeded
}

/// One HTTP request Twilio made, and its answer.
public struct WebhookExchange: Sendable {
    public enum Purpose: String, Sendable, Equatable {
        case voice
        case gatherAction
        case recordAction
        case redirect
        /// A 3xx from the previous request, followed with GET.
        case redirectHop
        case fallback
        case recordingStatusCallback
        case transcriptionCallback
        case callStatusCallback
    }

    public var purpose: Purpose
    public var method: String
    /// The exact URL requested (with the query for GET).
    public var url: String
    /// The Twilio parameters sent (in the body for POST, in the query for GET).
    public var parameters: [(String, String)]
    /// `X-Twilio-Signature`, when an auth token is configured.
    public var signature: String?
    public var status: Int?
    public var contentType: String?
    public var responseHeaders: [(String, String)]
    public var body: String
    /// The verbs parsed from the answer (empty for callbacks and failures).
    public var verbs: [TwiMLVerb]
    /// From sending the request to the whole answer arriving.
    public var latency: Duration
    /// When the request was sent, from the start of the call (wall clock).
    public var wallStart: Duration
    /// When the request was sent, from the start of the call (what the caller lived through).
    public var simulatedStart: Duration
    /// Transport failure, time limit or document failure.
    public var error: String?

    /// The first value sent under that name.
    public func parameter(_ name: String) -> String? {
        parameters.first { $0.0 == name }?.1
    }

    /// The URL's path, for grouping by route.
    public var path: String {
        URLComponents(string: url)?.path ?? url
    }

    public var succeeded: Bool { status.map { (200..<300).contains($0) } ?? false }
}

/// What the simulator learnt about a `<Play>` file.
public struct AudioInfo: Sendable, Equatable {
    public var status: Int?
    public var contentType: String?
    public var cacheControl: String?
    public var bytes: Int
    /// `pcm16`, `muLaw`, ... when the file parsed as WAV.
    public var encoding: String?
    public var sampleRate: Int?
    public var channels: Int?
    public var durationSeconds: Double?
    /// 8 kHz mono mu-law: the phone network's native format.
    public var telephonyReady: Bool
    /// Served from the call's cache rather than fetched again.
    public var fromCache: Bool

    var summary: String {
        var parts: [String] = []
        if let status { parts.append("HTTP \(status)") }
        if let contentType { parts.append(contentType) }
        if let encoding, let sampleRate, let channels { parts.append("\(encoding) \(sampleRate) Hz \(channels) ch") }
        if let cacheControl { parts.append("Cache-Control: \(cacheControl)") }
        if fromCache { parts.append("cached") }
        return "(" + parts.joined(separator: ", ") + ")"
    }
}

/// How long the caller waited after finishing an answer.
public struct AnswerWait: Sendable {
    /// Index into `CallReport.exchanges` of the Record action request.
    public var exchangeIndex: Int
    public var url: String
    /// Wall time from sending the Record action to its answer arriving.
    public var responseLatency: Duration
    /// Simulated silence from the end of the answer to the start of the next audio
    /// (silence timeout, webhook time, pauses); nil when nothing was heard again.
    public var silenceAfterAnswer: Duration?
}

/// Everything that happened on one simulated call.
public struct CallReport: Sendable {
    public var callSid: String
    /// Every TwiML webhook request, in order (voice, actions, redirects, fallbacks).
    public var exchanges: [WebhookExchange]
    /// Recording status, transcription and call status callbacks, in the order they finished.
    public var callbacks: [WebhookExchange]
    public var timeline: [TimelineEvent]
    /// What the caller heard, in order: Say texts and `[audio <url> 2.4s]` for Play.
    public var heard: [String]
    public var endedBy: EndReason
    public var simulatedDuration: Duration
    public var wallDuration: Duration
    /// Breaches of Twilio's protocol and failed webhooks, each with its URL.
    public var violations: [String]
    /// Observations that are not errors (audio not in telephony format, skipped verbs...).
    public var notes: [String]
    /// One entry per Record action.
    public var answerWaits: [AnswerWait]

    /// No violations.
    public var isClean: Bool { violations.isEmpty }

    /// A closing human summary with timings.
    public var summary: String {
        var lines: [String] = []
        lines.append(
            "Call \(callSid) ended by \(endedBy.rawValue) after \(TimelineEvent.format(simulatedDuration.inSeconds))"
                + " simulated (\(TimelineEvent.format(wallDuration.inSeconds)) wall); caller heard \(heard.count) items."
        )
        let latencies = exchanges.map(\.latency)
        lines.append(
            "Webhooks: \(exchanges.count), latency p50 \(Self.p50(latencies)), max \(Self.maximum(latencies))."
        )
        var routes: [String] = []
        var byRoute: [String: [Duration]] = [:]
        for exchange in exchanges {
            let route = "\(exchange.method) \(exchange.path)"
            if byRoute[route] == nil { routes.append(route) }
            byRoute[route, default: []].append(exchange.latency)
        }
        for route in routes {
            let values = byRoute[route] ?? []
            lines.append("  \(route)  ×\(values.count)  p50 \(Self.p50(values))  max \(Self.maximum(values))")
        }
        if !callbacks.isEmpty {
            let list = callbacks.map { "\($0.purpose.rawValue) \($0.status.map(String.init) ?? "failed")" }
            lines.append("Callbacks: " + list.joined(separator: ", "))
        }
        for wait in answerWaits {
            let silence = wait.silenceAfterAnswer.map { TimelineEvent.format($0.inSeconds) } ?? "n/a"
            lines.append(
                "  after answer → \(wait.url): response \(TimelineEvent.milliseconds(wait.responseLatency)),"
                    + " silence before next audio \(silence)"
            )
        }
        if violations.isEmpty {
            lines.append("Violations: none.")
        } else {
            lines.append("Violations: \(violations.count)")
            lines.append(contentsOf: violations.map { "  - \($0)" })
        }
        if !notes.isEmpty {
            lines.append("Notes:")
            lines.append(contentsOf: notes.map { "  - \($0)" })
        }
        return lines.joined(separator: "\n")
    }

    static func p50(_ values: [Duration]) -> String {
        guard !values.isEmpty else { return "n/a" }
        let sorted = values.sorted()
        return TimelineEvent.milliseconds(sorted[(sorted.count - 1) / 2])
    }

    static func maximum(_ values: [Duration]) -> String {
        values.max().map(TimelineEvent.milliseconds) ?? "n/a"
    }
}
