import CoachFakes
import Foundation

/// What one benchmark run does: how many simulated calls, how fast simulated time runs, and how slow
/// the fake providers are.
public struct BenchPlan: Sendable, Codable, Equatable {
    /// Calls on the line at once.
    public var calls: Int = 200
    /// Call seconds per wall second: 60 plays a 60 s answer in 1 s.
    public var compression: Double = 60
    /// How long each answer is, in call seconds.
    public var answerSeconds: Double = 60
    /// Answers per call (the server's QUESTIONS_PER_INTERVIEW).
    public var questions: Int = 5
    /// Wall seconds over which call starts are spread, as calls arrive on a real line.
    public var rampSeconds: Double = 5
    /// Provider latencies in real seconds (what a caller would live through).
    public var model = LatencyRange(2, 6)
    public var speech = LatencyRange(0.3, 2)
    public var transcription = LatencyRange(1, 3)
    public var design: Design = .ahead

    public init() {}

    /// How the server times question writing and voicing (its QUESTION_TIMING setting).
    public enum Design: String, Sendable, Codable, CaseIterable {
        /// CoachLine: prepared in the background while the caller answers the previous question.
        case ahead
        /// The replaced system: generated, then synthesised, inside the webhook.
        case inline

        public var title: String {
            switch self {
            case .ahead: "prepared ahead"
            case .inline: "sequential (old)"
            }
        }
    }

    /// The fakes' behaviour for this run. Every latency is played on the clock it overlaps: work
    /// in the background runs while the simulated caller talks, so it is compressed like the caller;
    /// work inside a webhook (question and voice in the inline design) is measured by the simulator
    /// in wall time, so it keeps its real length. Either way a 2 s model call costs the caller what
    /// 2 s would cost on a real call.
    public func fakeBehaviors() -> [FakeService: FakeBehavior] {
        let background = 1 / compression
        let questionScale = design == .inline ? 1 : background
        // A real model words every question its own way, so every question is synthesised and fetched:
        // without this the fake's few templates made the audio library answer most of them from cache.
        var chat = model.behavior(scale: questionScale)
        chat.sampled = true
        return [
            .openAIChat: chat,
            .murfGenerate: speech.behavior(scale: questionScale),
            .murfStream: speech.behavior(scale: questionScale),
            .openAISpeech: speech.behavior(scale: questionScale),
            .openAITranscription: transcription.behavior(scale: background),
            .twilioMedia: .normal,
        ]
    }

    /// The problems that would make the run meaningless, in words.
    public func validate() throws(BenchError) {
        guard calls >= 1 else { throw .invalidPlan("calls must be at least 1") }
        guard compression >= 1, compression <= 1000 else { throw .invalidPlan("compression must be 1 to 1000") }
        guard answerSeconds >= 1 else { throw .invalidPlan("answers must last at least 1 s") }
        guard (1...10).contains(questions) else { throw .invalidPlan("questions must be 1 to 10") }
        guard rampSeconds >= 0 else { throw .invalidPlan("ramp must not be negative") }
    }
}

/// A latency drawn uniformly from `low...high` seconds.
public struct LatencyRange: Sendable, Codable, Equatable, CustomStringConvertible {
    public var low: Double
    public var high: Double

    public init(_ low: Double, _ high: Double) {
        self.low = low
        self.high = high
    }

    /// Parses `2-6` or `0.5`.
    public init?(parsing text: String) {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false).map {
            Double($0.trimmingCharacters(in: .whitespaces))
        }
        guard (1...2).contains(parts.count), let low = parts.first ?? nil, let high = parts.last ?? nil, low >= 0,
            low <= high
        else { return nil }
        self.init(low, high)
    }

    public var description: String { low == high ? "\(low) s" : "\(low)-\(high) s" }

    func behavior(scale: Double) -> FakeBehavior {
        FakeBehavior(minLatency: low * scale, maxLatency: high * scale)
    }
}

public enum BenchError: Error, CustomStringConvertible, Equatable {
    case invalidPlan(String)
    case server(String)

    public var description: String {
        switch self {
        case .invalidPlan(let message): "Invalid benchmark: \(message)."
        case .server(let message): message
        }
    }
}
