import Foundation

/// Something that happened during the call, stamped with what the caller experienced
/// (simulated time) and with what the machine spent (wall time).
public struct TimelineEvent: Sendable, CustomStringConvertible {
    public var simulatedOffset: Duration
    public var wallOffset: Duration
    public var kind: Kind

    public init(simulatedOffset: Duration, wallOffset: Duration, kind: Kind) {
        self.simulatedOffset = simulatedOffset
        self.wallOffset = wallOffset
        self.kind = kind
    }

    public enum Kind: Sendable {
        case request(purpose: WebhookExchange.Purpose, method: String, url: String)
        case response(url: String, status: Int?, latency: Duration, error: String?)
        case say(text: String, voice: String?, seconds: Double)
        case play(url: String, audio: AudioInfo?, seconds: Double)
        case playDigits(String)
        case pause(seconds: Int)
        case gatherStarted(input: [String], timeout: Int, numDigits: Int?)
        case gatherInput(CallerInput, accepted: Bool)
        case beep
        case recordStarted(maxLength: Int, timeout: Int, finishOnKey: String)
        case recorded(CallerAnswer, recordingSid: String, durationSeconds: Int)
        case redirect(url: String, method: String)
        case hangup
        case reject(reason: String?)
        case callback(purpose: WebhookExchange.Purpose, url: String, status: Int?, error: String?)
        case violation(String)
        case note(String)
        case ended(EndReason)
    }

    /// Events the caller can hear.
    public var isAudible: Bool {
        switch kind {
        case .say, .play, .playDigits, .pause, .beep, .hangup, .reject, .ended: true
        default: false
        }
    }

    /// The `heard` entries this event contributes: Say text, or `[audio <url> 2.4s]`.
    var heardText: String? {
        switch kind {
        case .say(let text, _, _): text
        case .play(let url, _, let seconds): "[audio \(url) \(Self.format(seconds))]"
        case .playDigits(let digits): "[tones \(digits)]"
        default: nil
        }
    }

    public var description: String {
        let wall = String(format: "%.3fs", wallOffset.inSeconds)
        let stamp = "[\(Self.format(simulatedOffset.inSeconds).padded(8)) | wall \(wall.padded(8))]"
        return "\(stamp) \(summary)"
    }

    private var summary: String {
        switch kind {
        case .request(let purpose, let method, let url): "→ \(purpose.rawValue) \(method) \(url)"
        case .response(_, let status, let latency, let error):
            "← \(status.map(String.init) ?? "no response") in \(Self.milliseconds(latency))"
                + (error.map { " (\($0))" } ?? "")
        case .say(let text, let voice, let seconds):
            "Say\(voice.map { "(\($0))" } ?? "") \(Self.format(seconds)): \(text)"
        case .play(let url, let audio, let seconds):
            "Play \(url) \(Self.format(seconds))" + (audio.map { " \($0.summary)" } ?? "")
        case .playDigits(let digits): "Play digits \(digits)"
        case .pause(let seconds): "Pause \(seconds)s"
        case .gatherStarted(let input, let timeout, let numDigits):
            "Gather listening (\(input.joined(separator: " ")), timeout \(timeout)s"
                + (numDigits.map { ", numDigits \($0)" } ?? "") + ")"
        case .gatherInput(let input, let accepted): "Caller: \(input)" + (accepted ? "" : " (not accepted)")
        case .beep: "beep"
        case .recordStarted(let maxLength, let timeout, let keys):
            "Record (maxLength \(maxLength)s, timeout \(timeout)s, finishOnKey \(keys))"
        case .recorded(let answer, let sid, let duration):
            "Caller answered \(Self.format(answer.seconds)) ending \(answer.ending): \(duration)s recording \(sid)"
        case .redirect(let url, let method): "Redirect \(method) \(url)"
        case .hangup: "Hangup"
        case .reject(let reason): "Reject \(reason ?? "rejected")"
        case .callback(let purpose, let url, let status, let error):
            "callback \(purpose.rawValue) \(url) → \(status.map(String.init) ?? "no response")"
                + (error.map { " (\($0))" } ?? "")
        case .violation(let message): "VIOLATION \(message)"
        case .note(let message): "note: \(message)"
        case .ended(let reason): "call ended: \(reason.rawValue)"
        }
    }

    static func format(_ seconds: Double) -> String {
        String(format: "%.1fs", seconds)
    }

    static func milliseconds(_ duration: Duration) -> String {
        String(format: "%.0f ms", duration.inSeconds * 1000)
    }
}

/// The call's two clocks and its event log.
struct Timeline: Sendable {
    private(set) var events: [TimelineEvent] = []
    /// What the caller has lived through so far.
    private(set) var simulatedNow: Duration = .zero
    private let wallStart = ContinuousClock.now

    var wallNow: Duration { ContinuousClock.now - wallStart }

    @discardableResult
    mutating func record(_ kind: TimelineEvent.Kind) -> TimelineEvent {
        let event = TimelineEvent(simulatedOffset: simulatedNow, wallOffset: wallNow, kind: kind)
        events.append(event)
        return event
    }

    mutating func advance(by duration: Duration) {
        simulatedNow += duration
    }
}

extension Duration {
    /// The duration as fractional seconds.
    public var inSeconds: Double {
        Double(components.seconds) + Double(components.attoseconds) / 1e18
    }

    static func seconds(fractional value: Double) -> Duration {
        .nanoseconds(Int64((value * 1e9).rounded()))
    }
}

extension String {
    fileprivate func padded(_ width: Int) -> String {
        count >= width ? self : String(repeating: " ", count: width - count) + self
    }
}
