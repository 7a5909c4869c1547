import Synchronization

/// Plays a `CallScript` in order. When the steps run out at a Gather or Record it hangs up.
///
/// Steps are matched leniently so a script survives small flow changes: `answer` at a Gather
/// is spoken, `say` at a Record is an answer ended by silence, `press` at a Record ends it with that key.
public struct ScriptedCaller: CallerAgent {
    public let script: CallScript
    private let cursor = Cursor()

    /// Confidence reported for `say` steps that give none.
    public static let defaultConfidence = 0.9

    public init(_ script: CallScript) {
        self.script = script
    }

    public init(steps: [CallScript.Step], from: String? = nil) {
        self.init(CallScript(from: from, steps: steps))
    }

    public var callerID: String? { script.from }

    /// Steps not yet used.
    public var remainingSteps: Int { script.steps.count - cursor.position }

    public func gather(_ prompt: GatherPrompt) async -> CallerInput {
        guard let step = cursor.next(in: script.steps) else { return .hangUp }
        switch step {
        case .press(let keys): return .digits(keys)
        case .say(let words, let confidence): return .speech(words, confidence: confidence ?? Self.defaultConfidence)
        case .silence: return .silence
        case .answer(let text, _, _): return .speech(text, confidence: Self.defaultConfidence)
        case .hangUp: return .hangUp
        }
    }

    public func record(_ prompt: RecordPrompt) async -> CallerAnswer {
        guard let step = cursor.next(in: script.steps) else { return .hangUp }
        switch step {
        case .answer(let text, let seconds, let end):
            let ending: CallerAnswer.Ending =
                switch end {
                case .key(let key): .finishKey(key)
                case .timeout: .silenceTimeout
                case .maxLength: .maxLength
                case .hangUp: .hangUp
                }
            let spoken = end == .maxLength ? Double(prompt.maxLength) : seconds
            return CallerAnswer(text: text, seconds: spoken, ending: ending)
        case .say(let words, _): return CallerAnswer(text: words, ending: .silenceTimeout)
        case .press(let keys): return CallerAnswer(text: "", seconds: 0, ending: .finishKey(String(keys.prefix(1))))
        case .silence: return .silence
        case .hangUp: return .hangUp
        }
    }

    /// The script position, shared by copies of the caller.
    private final class Cursor: Sendable {
        private let index = Mutex(0)

        var position: Int { index.withLock { $0 } }

        func next(in steps: [CallScript.Step]) -> CallScript.Step? {
            index.withLock { position in
                guard position < steps.count else { return nil }
                defer { position += 1 }
                return steps[position]
            }
        }
    }
}
