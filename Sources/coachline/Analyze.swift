import ArgumentParser
import CoachCore
import CoachProviders
import Foundation

struct Analyze: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Coach one transcript: pace, pauses, fillers, STAR structure, scores, a strength and an improvement.")

    @Option(help: "The transcript text.") var text: String?
    @Option(help: "Read the transcript from this file ('-' for standard input).") var file: String?
    @Option(
        help: ArgumentHelp(
            "Read a saved OpenAI transcription response instead ('-' for standard input).",
            discussion: "With verbose_json word timestamps, pace and pauses come from the timings."))
    var transcription: String?
    @Option(help: "How long the answer took, in seconds (default with --transcription: its duration).")
    var seconds: Double?
    @Flag(help: "Print the analysis as JSON.") var json = false

    func validate() throws {
        guard [text, file, transcription].compactMap({ $0 }).count == 1 else {
            throw ValidationError("Give exactly one of --text, --file or --transcription.")
        }
        if let seconds, !(seconds > 0 && seconds.isFinite) {
            throw ValidationError("--seconds must be a positive number.")
        }
        if seconds == nil, transcription == nil { throw ValidationError("Give --seconds: how long the answer took.") }
    }

    func run() throws {
        let transcript = try readTranscript()
        guard let seconds = seconds ?? transcript.durationSeconds ?? transcript.words.map(\.end).max() else {
            throw ValidationError("The transcription has no duration; give --seconds.")
        }
        let analysis = AnswerAnalyzer().analyze(
            transcript: transcript.text, seconds: seconds, timing: SpeechTiming(words: transcript.words))
        if json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
            print(String(decoding: try encoder.encode(analysis), as: UTF8.self))
        } else {
            print(Self.report(analysis))
        }
    }

    private func readTranscript() throws -> Transcript {
        if let text { return Transcript(text: text) }
        if let file { return Transcript(text: String(decoding: try Self.read(file), as: UTF8.self)) }
        guard let transcription else { return Transcript(text: "") }
        do {
            return try OpenAITranscriber.transcript(fromResponse: try Self.read(transcription))
        } catch let error as ValidationError {
            throw error
        } catch {
            throw ValidationError("\(transcription) is not a transcription response (JSON with \"text\"): \(error)")
        }
    }

    private static func read(_ path: String) throws -> Data {
        if path == "-" { return FileHandle.standardInput.readDataToEndOfFile() }
        do {
            return try Data(contentsOf: URL(fileURLWithPath: path))
        } catch {
            throw ValidationError("Cannot read \(path): \(error.localizedDescription)")
        }
    }

    static func report(_ a: AnswerAnalysis) -> String {
        let fillers = a.fillers.sorted { $0.value > $1.value }.map { "\($0.key) x\($0.value)" }.joined(separator: ", ")
        let star = [
            ("situation", a.star.situation), ("task", a.star.task), ("action", a.star.action),
            ("result", a.star.result),
        ]
        .map { "\($0.0) \($0.1 ? "yes" : "no")" }.joined(separator: ", ")
        let scores = CoachingDimension.allCases.map { "\($0.rawValue) \(a.score($0))/5" }.joined(separator: ", ")
        let timing =
            a.timing.map {
                "Timing: spoke for \($0.speakingSeconds) s after \($0.leadingSilenceSeconds) s of silence; "
                    + "pauses of 1 s or more: \($0.pauses), of 3 s or more: \($0.longPauses), "
                    + "longest \($0.longestPauseSeconds) s\n"
            } ?? ""
        return """
            Words: \(a.words) in \(a.seconds) s (\(a.wordsPerMinute) words per minute), length: \(a.lengthVerdict.rawValue)
            \(timing)Fillers: \(a.fillerCount)\(fillers.isEmpty ? "" : " (\(fillers))"), hedges: \(a.hedgeCount)
            STAR: \(star)
            Quantified result: \(a.quantified ? "yes" : "no"), first person: \(Int(a.firstPersonRatio * 100))%
            Scores: \(scores); overall \(a.overall)/5
            Strength: \(a.strength)
            Improvement: \(a.improvement)
            """
    }
}
