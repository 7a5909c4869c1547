import Foundation

/// Menu 2: a caller's history, spoken. Built from stored analyses only, so it is instant.
public struct ProgressReport: Sendable {
    public struct Session: Sendable, Equatable {
        public var started: Date
        public var status: SessionStatus
        public var analyses: [AnswerAnalysis]

        public init(started: Date, status: SessionStatus, analyses: [AnswerAnalysis]) {
            self.started = started
            self.status = status
            self.analyses = analyses
        }

        var averageScore: Double? {
            analyses.isEmpty ? nil : Double(analyses.map(\.overall).reduce(0, +)) / Double(analyses.count)
        }
    }

    public var sessions: [Session]

    public init(sessions: [Session]) {
        self.sessions = sessions.sorted { $0.started < $1.started }
    }

    public var hasHistory: Bool { !sessions.isEmpty }

    public var spoken: String {
        guard hasHistory else { return SpokenCopy.howItWorks }
        let completed = sessions.filter { $0.status == .completed }.count
        var parts: [String] = []
        parts.append(
            completed == 1
                ? "You have completed 1 practice interview."
                : "You have completed \(completed) practice interviews.")
        let unfinished = sessions.count - completed
        if unfinished > 0 {
            parts.append("\(unfinished) more \(unfinished == 1 ? "was" : "were") ended early; those answers count too.")
        }
        let scored = sessions.compactMap(\.averageScore)
        if scored.count >= 2, let first = scored.first, let last = scored.last {
            let trend = last > first + 0.25 ? "went up" : (last < first - 0.25 ? "went down" : "held steady")
            parts.append(
                "Your average score \(trend), from \(ScoreWords.spoken(first)) in your first interview to \(ScoreWords.spoken(last)) in your latest, out of 5."
            )
        } else if let only = scored.first {
            parts.append("Your answers scored about \(ScoreWords.spoken(only)) out of 5.")
        }
        let analyses = sessions.flatMap(\.analyses)
        if let strength = Debrief.mostFrequent(analyses.map(\.strengthDimension)) {
            parts.append("Your most frequent strength is \(SpokenCopy.praise(strength)).")
        }
        if let focus = Debrief.mostFrequent(analyses.map(\.improvementDimension)) {
            parts.append("The thing to work on is \(SpokenCopy.tip(focus)).")
        }
        if analyses.isEmpty {
            parts.append("Your answers are still being analysed; your scores will be ready soon.")
        }
        return parts.joined(separator: " ")
    }
}
