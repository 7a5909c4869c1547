import Foundation

/// A person at a terminal: what Twilio says is printed, keys and words are typed.
///
/// At a Gather type keys (`1`, `12#`) or words; an empty line is silence. At a Record type the
/// answer; end it with `|45` to say it took 45 seconds, otherwise the time is estimated at
/// 2.5 words per second. `!hangup` or end of input (Ctrl-D) hangs up.
public struct TerminalCaller: CallerAgent {
    private let input: @Sendable () async -> String?
    private let output: @Sendable (String) -> Void

    /// - Parameters:
    ///   - input: the next line, or nil at end of input; defaults to standard input.
    ///   - output: writes one line; defaults to standard output, unbuffered.
    public init(
        input: @escaping @Sendable () async -> String? = TerminalCaller.readStandardInput,
        output: @escaping @Sendable (String) -> Void = TerminalCaller.writeStandardOutput
    ) {
        self.input = input
        self.output = output
    }

    public func heard(_ event: TimelineEvent) async {
        switch event.kind {
        case .say(let text, _, _): output("Twilio: \(text)")
        case .play(let url, _, let seconds): output("  [audio \(url) \(TimelineEvent.format(seconds))]")
        case .playDigits(let digits): output("  [tones \(digits)]")
        case .pause(let seconds): output("  [pause \(seconds)s]")
        case .beep: output("  [beep]")
        case .hangup: output("  [Twilio hangs up]")
        case .reject(let reason): output("  [call rejected: \(reason ?? "rejected")]")
        case .ended(let reason): output("  [call ended: \(reason.rawValue)]")
        default: break
        }
    }

    public func gather(_ prompt: GatherPrompt) async -> CallerInput {
        var listening: [String] = []
        if prompt.acceptsDigits {
            listening.append(prompt.numDigits.map { "\($0) key(s)" } ?? "keys, then \(prompt.finishOnKey)")
        }
        if prompt.acceptsSpeech { listening.append("words") }
        output("> Listening for \(listening.joined(separator: " or ")); empty line = silence, Ctrl-D = hang up")
        guard let line = await input() else { return .hangUp }
        let text = line.trimmingCharacters(in: .whitespaces)
        if text.isEmpty { return .silence }
        if text == "!hangup" { return .hangUp }
        if text.allSatisfy({ "0123456789*#".contains($0) }) { return .digits(text) }
        return .speech(text, confidence: ScriptedCaller.defaultConfidence)
    }

    public func record(_ prompt: RecordPrompt) async -> CallerAnswer {
        output(
            "> Recording (up to \(prompt.maxLength)s). Type your answer, '|SECONDS' at the end to set its length;"
                + " Ctrl-D = hang up")
        guard let line = await input() else { return .hangUp }
        var text = line.trimmingCharacters(in: .whitespaces)
        if text == "!hangup" { return .hangUp }
        var seconds: Double?
        if let bar = text.lastIndex(of: "|"),
            let value = Double(text[text.index(after: bar)...].trimmingCharacters(in: .whitespaces))
        {
            seconds = value
            text = text[..<bar].trimmingCharacters(in: .whitespaces)
        }
        if text.isEmpty && seconds == nil { return .silence }
        // Press the finish key when there is one, as a caller told "press pound when done" would.
        let key = prompt.finishOnKey.contains("#") ? "#" : prompt.finishOnKey.first.map(String.init)
        return CallerAnswer(text: text, seconds: seconds, ending: key.map { .finishKey($0) } ?? .silenceTimeout)
    }

    /// Reads a line on its own thread so a waiting terminal does not block Swift's concurrency pool.
    public static func readStandardInput() async -> String? {
        await withCheckedContinuation { continuation in
            Thread { continuation.resume(returning: readLine(strippingNewline: true)) }.start()
        }
    }

    public static func writeStandardOutput(_ line: String) {
        FileHandle.standardOutput.write(Data((line + "\n").utf8))
    }
}
