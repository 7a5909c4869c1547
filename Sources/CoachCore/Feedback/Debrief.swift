import Foundation

/// The short spoken debrief at the end of an interview, from the analyses that are ready by then.
/// It never waits: answers whose transcripts are still on their way simply do not count yet.
public enum Debrief {
    public static func text(analyses: [AnswerAnalysis], answered: Int) -> String {
        guard answered > 0 else { return "You didn't record any answers this time. Call again when you're ready." }
        let count = "You answered \(answered) \(answered == 1 ? "question" : "questions")."
        guard
            let best = analyses.max(by: {
                ($0.overall, $0.score($0.strengthDimension)) < ($1.overall, $1.score($1.strengthDimension))
            })
        else {
            return count
                + " Your answers are still being analysed. Call back and press 2 to hear your feedback and progress."
        }
        let focus = mostFrequent(analyses.map(\.improvementDimension)) ?? best.improvementDimension
        let improvement = analyses.last(where: { $0.improvementDimension == focus })?.improvement ?? best.improvement
        let average = Double(analyses.map(\.overall).reduce(0, +)) / Double(analyses.count)
        return "\(count) Your answers scored about \(ScoreWords.spoken(average)) out of 5. "
            + "One thing you did well: \(best.strength) One thing to work on: \(improvement)"
    }

    /// The most frequent element; ties go to the one seen first, so the result is stable.
    static func mostFrequent<T: Hashable>(_ items: [T]) -> T? {
        var counts: [T: Int] = [:]
        for item in items { counts[item, default: 0] += 1 }
        guard let top = counts.values.max() else { return nil }
        return items.first { counts[$0] == top }
    }
}

enum ScoreWords {
    /// 3.46 -> "3.5", 4.0 -> "4": how a person reads a score aloud.
    static func spoken(_ value: Double) -> String {
        let rounded = (value * 2).rounded() / 2
        return rounded == rounded.rounded() ? String(Int(rounded)) : String(format: "%.1f", rounded)
    }
}
