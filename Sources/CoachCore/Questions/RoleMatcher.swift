import Foundation

/// Maps what a caller keyed or said to a bank role. Keypad digits pick a role directly; free speech
/// maps to the role whose alias it contains (longest alias wins), else to the role sharing the most
/// words with it, else to `generic`. The spoken words are always kept.
public struct RoleMatcher: Sendable {
    public let bank: QuestionBank

    public init(bank: QuestionBank) {
        self.bank = bank
    }

    public func match(digits: String?, speech: String?) -> PracticeRole? {
        if let digits = digits?.trimmingCharacters(in: .whitespaces), !digits.isEmpty {
            guard let role = bank.keypadRoles.first(where: { $0.dtmf == digits }) else { return nil }
            return PracticeRole(key: role.key, spoken: role.name)
        }
        guard let speech = speech?.trimmingCharacters(in: .whitespacesAndNewlines), !speech.isEmpty else {
            return nil
        }
        let spoken = Self.clean(speech)
        guard !spoken.isEmpty else { return nil }
        return PracticeRole(key: roleKey(forSpeech: spoken), spoken: spoken)
    }

    func roleKey(forSpeech spoken: String) -> String {
        let padded = " \(Self.normalize(spoken)) "
        var best: (key: String, length: Int)?
        for role in bank.roles {
            for alias in role.aliases + [role.name] where !alias.isEmpty {
                let needle = " \(Self.normalize(alias)) "
                if padded.contains(needle), needle.count > (best?.length ?? 0) {
                    best = (role.key, needle.count)
                }
            }
        }
        if let best { return best.key }
        // No alias: the role whose aliases share the most (non-trivial) words.
        let words = Set(Self.normalize(spoken).split(separator: " ").map(String.init)).subtracting(Self.stopWords)
        var bestOverlap: (key: String, score: Int)?
        for role in bank.roles {
            let roleWords = Set(
                (role.aliases + [role.name]).flatMap { Self.normalize($0).split(separator: " ") }.map(
                    String.init))
            let score = words.intersection(roleWords).count
            if score > (bestOverlap?.score ?? 0) { bestOverlap = (role.key, score) }
        }
        return bestOverlap?.key ?? QuestionBank.genericKey
    }

    static let stopWords: Set<String> = [
        "a", "an", "the", "i", "im", "want", "to", "be", "as", "for", "of", "and", "in", "my", "job", "role",
        "position", "work", "working", "practice", "practise", "interview", "senior", "junior", "assistant", "lead",
        // Title words every field uses: they must not pull "restaurant manager" into product management.
        "manager", "worker", "agent", "executive", "officer", "specialist", "representative", "associate",
        "technician", "director", "supervisor", "head", "chief", "staff", "engineer",
    ]

    /// Lowercase letters and digits only, single-spaced: "Product-Manager!" -> "product manager".
    static func normalize(_ text: String) -> String {
        let mapped = text.lowercased().unicodeScalars.map {
            CharacterSet.alphanumerics.contains($0) ? Character($0) : " "
        }
        return String(mapped).split(separator: " ").joined(separator: " ")
    }

    /// Drops "I'm practising for ..." style lead-ins and trailing punctuation, keeps the caller's words.
    static func clean(_ speech: String) -> String {
        var text = speech.trimmingCharacters(in: CharacterSet(charactersIn: " .!?,"))
        for prefix in [
            "i want to be a ", "i want to be an ", "i'm practicing for ", "i am practicing for ", "a ", "an ",
        ]
        where text.lowercased().hasPrefix(prefix) {
            text = String(text.dropFirst(prefix.count))
        }
        return String(text.prefix(80))
    }
}
