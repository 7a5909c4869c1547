import Foundation

/// Applies `<Gather>`'s rules to what the caller did: which keys count, when it finishes,
/// how long it took, and which parameters go to the action URL.
enum GatherEvaluator {
    struct Evaluation: Sendable {
        enum Result: Sendable {
            case input([(String, String)])
            case empty
            case hangUp
        }

        var result: Result
        /// Simulated seconds from the end of the prompt to the end of the Gather.
        var seconds: Double
        var accepted: Bool
        var note: String?
    }

    /// Seconds a caller takes per key press.
    static let secondsPerKey = 0.5
    /// Twilio captures at most 60 s of speech.
    static let maxSpeechSeconds = 60.0

    static func evaluate(_ input: CallerInput, gather: TwiMLVerb.Gather) -> Evaluation {
        let timeout = Double(gather.timeout)
        switch input {
        case .hangUp:
            return Evaluation(result: .hangUp, seconds: 0, accepted: true)
        case .silence:
            return Evaluation(result: .empty, seconds: timeout, accepted: true)
        case .digits(let keys):
            guard gather.input.contains(.dtmf) else {
                return Evaluation(
                    result: .empty, seconds: timeout, accepted: false,
                    note: "keys ignored: this Gather listens for speech")
            }
            return digits(keys, gather: gather)
        case .speech(let text, let confidence):
            guard gather.input.contains(.speech) else {
                return Evaluation(
                    result: .empty, seconds: timeout, accepted: false,
                    note: "speech ignored: this Gather listens for keys")
            }
            return speech(text, confidence: confidence, gather: gather)
        }
    }

    private static func digits(_ keys: String, gather: TwiMLVerb.Gather) -> Evaluation {
        var collected = ""
        var finishedOnKey = ""
        var pressed = 0
        for key in keys {
            pressed += 1
            if !gather.finishOnKey.isEmpty && String(key) == gather.finishOnKey {
                finishedOnKey = gather.finishOnKey
                break
            }
            collected.append(key)
            if let limit = gather.numDigits, collected.count >= limit {
                break
            }
        }
        var seconds = Double(pressed) * secondsPerKey
        let complete = !finishedOnKey.isEmpty || gather.numDigits.map { collected.count >= $0 } == true
        if !complete {
            // Twilio waits `timeout` seconds for another key before it gives up.
            seconds += Double(gather.timeout)
        }
        guard !collected.isEmpty else {
            return Evaluation(result: .empty, seconds: seconds, accepted: true)
        }
        return Evaluation(
            result: .input([("Digits", collected), ("FinishedOnKey", finishedOnKey)]), seconds: seconds, accepted: true)
    }

    private static func speech(_ text: String, confidence: Double?, gather: TwiMLVerb.Gather) -> Evaluation {
        var words = text.split(whereSeparator: \.isWhitespace)
        guard !words.isEmpty else {
            return Evaluation(result: .empty, seconds: Double(gather.timeout), accepted: true)
        }
        var note: String?
        let maxWords = Int(maxSpeechSeconds * 2.5)
        if words.count > maxWords {
            words = Array(words.prefix(maxWords))
            note = "speech over 60 s was cut off"
        }
        let endOfSpeech: Double =
            switch gather.speechTimeout {
            case "auto": 1
            case let value?: Double(value) ?? Double(gather.timeout)
            case nil: Double(gather.timeout)
            }
        let heardText =
            note == nil ? text.trimmingCharacters(in: .whitespacesAndNewlines) : words.joined(separator: " ")
        var parameters = [("SpeechResult", heardText)]
        if let confidence {
            parameters.append(("Confidence", String(confidence)))
        }
        return Evaluation(
            result: .input(parameters), seconds: Double(words.count) / 2.5 + endOfSpeech, accepted: true, note: note)
    }
}
