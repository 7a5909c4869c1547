import Foundation

/// Numbers, pronouns and "I would" talk found in an answer.
struct ContentFindings: Sendable, Equatable {
    /// Each number with the word that follows it ("30 percent", "two weeks"), first occurrence order.
    var quantifiedEvidence: [String] = []
    /// I, me, my, mine, myself, I'm, I've, I'd, I'll.
    var singularCount = 0
    /// we, us, our, ours, ourselves, we're, we've, we'd, we'll.
    var pluralCount = 0
    /// "I would", "I'd", "I will", "I'll", "I could", "I should", "I might", "I'm going to".
    var conditionalCount = 0

    /// Singular over all first-person words, 2 decimals. 0.5 when there are none: nothing shows either
    /// ownership or its lack, so the score stays neutral.
    var firstPersonRatio: Double {
        let total = singularCount + pluralCount
        guard total > 0 else { return 0.5 }
        return (Double(singularCount) / Double(total) * 100).rounded() / 100
    }
}

/// Finds quantities, first-person pronouns and hypothetical phrasing.
struct ContentDetector: Sendable {
    func detect(in transcript: TokenizedTranscript) -> ContentFindings {
        var findings = ContentFindings()
        findings.quantifiedEvidence = quantities(in: transcript)
        for index in 0..<transcript.count {
            let word = transcript[index].text
            if Self.singular.contains(word) { findings.singularCount += 1 }
            if Self.plural.contains(word) { findings.pluralCount += 1 }
            if isConditional(index, in: transcript) { findings.conditionalCount += 1 }
        }
        return findings
    }

    // MARK: - Quantities

    /// Runs of number tokens ("two hundred", "$5,000", "30%"), each with the word after it as its unit.
    /// A lone "one" is not a quantity ("one of my colleagues"), and neither is a year ("in 2019").
    func quantities(in transcript: TokenizedTranscript) -> [String] {
        var evidence: [String] = []
        var start = 0
        while start < transcript.count {
            guard isQuantityWord(transcript[start].text) else {
                start += 1
                continue
            }
            var end = start + 1
            while end < transcript.count, transcript[end].boundaryBefore == .none {
                if isQuantityWord(transcript[end].text) {
                    end += 1
                } else if transcript[end].text == "and", let next = transcript.attachedNext(end),
                    isQuantityWord(next)
                {
                    end += 2  // "one hundred and fifty"
                } else {
                    break
                }
            }
            if let phrase = quantityPhrase(start..<end, in: transcript), !evidence.contains(phrase) {
                evidence.append(phrase)
            }
            start = end
        }
        return evidence
    }

    /// The run as spoken evidence with its unit, or nil when it is not a real quantity.
    private func quantityPhrase(_ run: Range<Int>, in transcript: TokenizedTranscript) -> String? {
        let words = transcript.tokens[run].map(\.text)
        let significant = words.contains { word in
            NumberWords.hasDigit(word) || NumberWords.multipliers.contains(word)
                || (NumberWords.isNumber(word) && word != "one")
        }
        guard significant, !(run.count == 1 && STARDetector().isYear(run.lowerBound, in: transcript)) else {
            return nil
        }
        var lower = run.lowerBound
        if transcript.attachedPrevious(lower) == "a", NumberWords.scales.contains(words[0]) { lower -= 1 }
        return transcript.excerpt(lower..<unitEnd(after: run.upperBound, in: transcript))
    }

    /// Where the number's unit ends: "percent", "per cent", a known unit, or up to two content words
    /// ("three help articles"), stopping at function words ("three of us").
    private func unitEnd(after end: Int, in transcript: TokenizedTranscript) -> Int {
        guard let first = transcript.attachedNext(end - 1) else { return end }
        if first == "per" { return transcript.attachedNext(end) == "cent" ? end + 2 : end }
        if Self.notUnits.contains(first) { return end }
        if Self.units.contains(first) { return end + 1 }
        guard let second = transcript.attachedNext(end), !Self.notUnits.contains(second) else { return end + 1 }
        return end + 2
    }

    private func isQuantityWord(_ word: String) -> Bool {
        NumberWords.isNumber(word) || NumberWords.multipliers.contains(word)
    }

    /// Words after a number that are not its unit ("three of us", "5 and").
    static let notUnits: Set<String> = [
        "and", "or", "of", "to", "the", "a", "an", "in", "on", "at", "for", "with", "by", "from", "that",
        "which", "who", "we", "i", "it", "so", "but", "than", "is", "was", "were", "are", "our", "my", "their",
        "within", "over", "after", "before", "across", "into", "during", "through", "since", "until", "off",
        "up", "down", "less", "ago", "later", "earlier", "each", "every", "per", "had", "have", "has", "as",
        "when", "while", "because", "if", "then", "this", "these", "those", "them", "they", "you", "he", "she",
    ]

    /// Units that complete a quantity on their own ("two weeks", "40 percent").
    static let units: Set<String> = [
        "percent", "%", "dollars", "pounds", "euros", "k", "grand", "hours", "days", "weeks", "months", "years",
        "minutes", "seconds", "hour", "day", "week", "month", "year", "minute", "people", "customers", "users",
        "clients", "times", "points", "tickets", "orders", "sales", "staff", "members", "engineers",
    ]

    // MARK: - Pronouns and conditionals

    static let singular: Set<String> = ["i", "me", "my", "mine", "myself", "i'm", "i've", "i'd", "i'll"]
    static let plural: Set<String> = ["we", "us", "our", "ours", "ourselves", "we're", "we've", "we'd", "we'll"]

    private func isConditional(_ index: Int, in transcript: TokenizedTranscript) -> Bool {
        let next = transcript.attachedNext(index)
        switch transcript[index].text {
        case "i'll":
            return true
        case "i'd":
            // "I'd already sent it" is past perfect, not "I would"; "I'd say" is a turn of phrase.
            guard let next else { return true }
            return !(Self.pastPerfectMarkers.contains(next) || next.hasSuffix("ed") || Self.politeVerbs.contains(next))
        case "i":
            guard let next, Self.modals.contains(next) else { return false }
            return !(transcript.attachedNext(index + 1).map(Self.politeVerbs.contains) ?? false)
        case "i'm":
            return next == "going" && transcript.attachedNext(index + 1) == "to"
        default:
            return false
        }
    }

    static let modals: Set<String> = ["would", "will", "could", "should", "might"]
    /// "I would say", "I'd like to": politeness, not a plan of what the speaker would do.
    static let politeVerbs: Set<String> = ["say", "like", "love", "think", "imagine", "guess", "add", "argue"]
    static let pastPerfectMarkers: Set<String> = [
        "already", "just", "never", "been", "had", "done", "made", "built", "gone", "seen", "taken", "written",
    ]
}
