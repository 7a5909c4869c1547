import ArgumentParser
import CoachCore
import Foundation

struct Analyze: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Coach one transcript: pace, fillers, STAR structure, scores, a strength and an improvement.")

    @Option(help: "The transcript text.") var text: String?
    @Option(help: "Read the transcript from this file ('-' for standard input).") var file: String?
    @Option(help: "How long the answer took, in seconds.") var seconds: Double
    @Flag(help: "Print the analysis as JSON.") var json = false

    func validate() throws {
        guard (text == nil) != (file == nil) else { throw ValidationError("Give exactly one of --text or --file.") }
        guard seconds > 0, seconds.isFinite else { throw ValidationError("--seconds must be a positive number.") }
    }

    func run() throws {
        let transcript = try readTranscript()
        let analysis = AnswerAnalyzer().analyze(transcript: transcript, seconds: seconds)
        if json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
            print(String(decoding: try encoder.encode(analysis), as: UTF8.self))
        } else {
            print(Self.report(analysis))
        }
    }

    private func readTranscript() throws -> String {
        if let text { return text }
        guard let file else { return "" }
        if file == "-" {
            return String(decoding: FileHandle.standardInput.readDataToEndOfFile(), as: UTF8.self)
        }
        do {
            return try String(contentsOfFile: file, encoding: .utf8)
        } catch {
            throw ValidationError("Cannot read \(file): \(error.localizedDescription)")
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
        return """
            Words: \(a.words) in \(a.seconds) s (\(a.wordsPerMinute) words per minute), length: \(a.lengthVerdict.rawValue)
            Fillers: \(a.fillerCount)\(fillers.isEmpty ? "" : " (\(fillers))"), hedges: \(a.hedgeCount)
            STAR: \(star)
            Quantified result: \(a.quantified ? "yes" : "no"), first person: \(Int(a.firstPersonRatio * 100))%
            Scores: \(scores); overall \(a.overall)/5
            Strength: \(a.strength)
            Improvement: \(a.improvement)
            """
    }
}
