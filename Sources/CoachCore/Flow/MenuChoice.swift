import Foundation

/// The main menu's three choices, from a key press or from what the caller said.
public enum MenuChoice: String, Sendable, Equatable {
    case interview = "1"
    case progress = "2"
    case role = "3"

    static let spokenKeywords: [(MenuChoice, [String])] = [
        (.interview, ["interview", "mock", "practice", "practise", "start", "begin", "one", "questions"]),
        (.progress, ["progress", "how am i doing", "score", "scores", "results", "history", "two", "report"]),
        (.role, ["role", "job", "change", "three", "position", "career"]),
    ]

    /// Nil when neither keys nor words name a choice: the caller is asked again.
    public static func parse(digits: String?, speech: String?) -> MenuChoice? {
        if let digits = digits?.trimmingCharacters(in: .whitespaces), !digits.isEmpty {
            return MenuChoice(rawValue: String(digits.prefix(1)))
        }
        guard let speech = speech?.lowercased(), !speech.isEmpty else { return nil }
        let words = " " + speech.map { $0.isLetter || $0.isNumber ? $0 : " " }.reduce(into: "") { $0.append($1) } + " "
        if let digit = words.first(where: { "123".contains($0) }) { return MenuChoice(rawValue: String(digit)) }
        for (choice, keywords) in spokenKeywords where keywords.contains(where: { words.contains(" \($0) ") }) {
            return choice
        }
        return nil
    }
}
