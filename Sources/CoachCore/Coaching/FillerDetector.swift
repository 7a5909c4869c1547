import Foundation

/// Counts of matched phrases, remembering which came first so ties are broken the same way every time.
struct MatchTally: Sendable, Equatable {
    private(set) var counts: [String: Int] = [:]
    private(set) var firstSeen: [String] = []

    var total: Int { counts.values.reduce(0, +) }

    mutating func add(_ phrase: String) {
        if counts[phrase] == nil { firstSeen.append(phrase) }
        counts[phrase, default: 0] += 1
    }

    /// The most frequent phrase; on a tie, the one heard first.
    var mostFrequent: (phrase: String, count: Int)? {
        var best: (phrase: String, count: Int)?
        for phrase in firstSeen {
            let count = counts[phrase] ?? 0
            if count > (best?.count ?? 0) { best = (phrase, count) }
        }
        return best
    }
}

/// Finds fillers and hedges. Words such as "like", "so" and "right" are fillers only in some positions,
/// so each has a rule; a word is counted at most once. "kind of" and "sort of" are counted as fillers
/// only, never also as hedges, so one slip is not penalised twice.
struct FillerDetector: Sendable {
    func fillers(in transcript: TokenizedTranscript) -> MatchTally {
        var tally = MatchTally()
        var index = 0
        while index < transcript.count {
            if let (phrase, length) = filler(at: index, in: transcript) {
                tally.add(phrase)
                index += length
            } else {
                index += 1
            }
        }
        return tally
    }

    func hedges(in transcript: TokenizedTranscript) -> MatchTally {
        var tally = MatchTally()
        var index = 0
        while index < transcript.count {
            if let (phrase, pattern) = Self.hedgePatterns.first(where: {
                $0.pattern.matchLength(in: transcript, at: index) != nil
            }) {
                tally.add(phrase)
                index += pattern.elements.count
            } else {
                index += 1
            }
        }
        return tally
    }

    // MARK: - Fillers

    /// The filler starting at `index` as (canonical phrase, tokens used), or nil.
    func filler(at index: Int, in transcript: TokenizedTranscript) -> (String, Int)? {
        let word = transcript[index].text
        // All capitals is an abbreviation ("the ER"), not a hesitation.
        if let hesitation = Self.hesitation(word), transcript.original(index) != word.uppercased() {
            return (hesitation, 1)
        }
        switch word {
        case "basically", "actually", "literally":
            return (word, 1)
        case "like":
            return isFillerLike(at: index, in: transcript) ? ("like", 1) : nil
        case "so":
            return isFillerSo(at: index, in: transcript) ? ("so", 1) : nil
        case "right":
            return isFillerRight(at: index, in: transcript) ? ("right", 1) : nil
        case "you":
            return isFillerYouKnow(at: index, in: transcript) ? ("you know", 2) : nil
        case "i":
            return isFillerIMean(at: index, in: transcript) ? ("i mean", 2) : nil
        case "kind", "sort":
            guard transcript.attachedNext(index) == "of" else { return nil }
            // "what kind of role", "that sort of thing": a noun, not a softener.
            if let previous = transcript.attachedPrevious(index), Self.nounDeterminers.contains(previous) {
                return nil
            }
            return ("\(word) of", 2)
        default:
            return nil
        }
    }

    /// um, umm, uhm -> "um"; uhh -> "uh"; err -> "er"; erm; ahh -> "ah"; hm, hmmm -> "hmm".
    static func hesitation(_ word: String) -> String? {
        var collapsed = ""
        for character in word where character != collapsed.last { collapsed.append(character) }
        switch collapsed {
        case "um", "uhm": return "um"
        case "uh": return "uh"
        case "er": return "er"
        case "erm": return "erm"
        case "ah": return "ah"
        case "hm": return "hmm"
        default: return nil
        }
    }

    /// A clause starts after punctuation or after a joining word ("and like we...").
    private func startsClause(_ index: Int, in transcript: TokenizedTranscript) -> Bool {
        guard let previous = transcript.attachedPrevious(index) else { return true }
        return Self.conjunctions.contains(previous)
    }

    /// "like" as a filler: standing in a pause, starting a clause, repeated, quotative ("I was like"),
    /// or just before another filler. Never after a subject or verb that makes it a verb or comparison
    /// ("I like", "would like", "felt like", "something like", "just like a").
    private func isFillerLike(at index: Int, in transcript: TokenizedTranscript) -> Bool {
        let token = transcript[index]
        let previous = transcript.attachedPrevious(index)
        let next = transcript.attachedNext(index)
        if let previous, Self.likeAsVerbOrComparison.contains(previous) { return false }
        // "what it was like." describes, it does not fill.
        if token.boundaryAfter != .none,
            (max(0, index - 3)..<index).contains(where: { transcript[$0].text == "what" })
        {
            return false
        }
        if next == "like" { return true }
        if token.boundaryAfter != .none { return true }
        if let next, Self.comparisonStarts.contains(next) { return false }
        if let next, ["i", "we", "you"].contains(next), transcript.attachedNext(index + 1) == "said" { return false }
        if startsClause(index, in: transcript) { return true }
        if let previous, Self.beVerbs.contains(previous) { return true }
        return isBeforeFiller(index, in: transcript)
    }

    private func isBeforeFiller(_ index: Int, in transcript: TokenizedTranscript) -> Bool {
        guard let next = transcript.attachedNext(index) else { return false }
        if Self.hesitation(next) != nil || ["basically", "actually", "literally"].contains(next) { return true }
        let afterNext = transcript.attachedNext(index + 1)
        return (next == "you" && afterNext == "know") || (next == "i" && afterNext == "mean")
    }

    /// "so" as a filler: opening a sentence ("So, I...", "So I...") or standing alone between pauses
    /// (", so, "). Not "so that/much/many/far/long", not "and so", and not ", so I called" where it
    /// means "therefore".
    private func isFillerSo(at index: Int, in transcript: TokenizedTranscript) -> Bool {
        let token = transcript[index]
        if let next = transcript.attachedNext(index), Self.soIntensified.contains(next) { return false }
        if token.boundaryBefore == .sentence { return true }
        return token.boundaryBefore == .clause && token.boundaryAfter != .none
    }

    /// "right" as a tag or opener: its own clause ("..., right?", "Right, so", "Right.") or opening a
    /// clause before "so/and/um" ("Right so I"). Not "the right person", "right away", "right now",
    /// "that's right", and not "all right", which is an ordinary transition.
    private func isFillerRight(at index: Int, in transcript: TokenizedTranscript) -> Bool {
        let token = transcript[index]
        guard token.boundaryBefore != .none else { return false }
        if token.boundaryAfter != .none { return true }
        guard let next = transcript.attachedNext(index) else { return false }
        return ["so", "and"].contains(next) || Self.hesitation(next) != nil
    }

    /// "you know" as a filler, unless it asks or states real knowledge: "do you know", "as you know",
    /// "you know how to", "you know what", "you know the...". A comma after "know" always means filler.
    private func isFillerYouKnow(at index: Int, in transcript: TokenizedTranscript) -> Bool {
        guard transcript.attachedNext(index) == "know" else { return false }
        if let previous = transcript.attachedPrevious(index), Self.youKnowAsVerb.contains(previous) { return false }
        guard let object = transcript.attachedNext(index + 1) else { return true }
        return !Self.knowObjects.contains(object)
    }

    /// "I mean" as a filler when it opens a clause or stands before a pause; not "what I mean",
    /// "I mean it", "I mean to".
    private func isFillerIMean(at index: Int, in transcript: TokenizedTranscript) -> Bool {
        guard transcript.attachedNext(index) == "mean" else { return false }
        if transcript[index + 1].boundaryAfter != .none { return true }
        if let next = transcript.attachedNext(index + 1), ["it", "to"].contains(next) { return false }
        return startsClause(index, in: transcript) || transcript.attachedPrevious(index) == "so"
    }

    static let conjunctions: Set<String> = ["and", "but", "or", "because", "cause", "'cause"]

    static let likeAsVerbOrComparison: Set<String> = [
        // Subjects and auxiliaries: "I like", "would like", "didn't like".
        "i", "you", "we", "they", "he", "she", "people", "would", "i'd", "we'd", "you'd", "they'd", "to",
        "do", "does", "did", "don't", "doesn't", "didn't", "really", "also", "always", "never", "still",
        // Comparisons and approximations: "looks like", "felt like", "something like 20", "just like a".
        "look", "looks", "looked", "looking", "feel", "feels", "felt", "feeling", "seem", "seems", "seemed",
        "sound", "sounds", "sounded", "something", "anything", "nothing", "everything", "someone", "anyone",
        "things", "stuff", "more", "much", "just", "exactly", "lot", "act", "acted",
    ]

    /// After "like", these make a comparison: "like a dream", "like the others", "like many teams".
    static let comparisonStarts: Set<String> = [
        "a", "an", "the", "this", "that", "these", "those", "my", "our", "your", "his", "her", "their",
        "many", "most", "other", "others", "nothing", "something", "anything", "everything", "any",
    ]

    /// Quotative "was like" ("I was like, no way"), the usual filler after a form of "be".
    static let beVerbs: Set<String> = [
        "was", "were", "is", "are", "am", "be", "been", "i'm", "he's", "she's", "it's", "that's", "they're",
        "we're", "you're", "there's",
    ]

    static let soIntensified: Set<String> = ["that", "much", "many", "far", "long", "few", "little"]

    static let youKnowAsVerb: Set<String> = [
        "do", "did", "does", "don't", "didn't", "doesn't", "if", "as", "would", "will", "should", "could",
        "might", "to", "let", "all", "what",
    ]

    static let knowObjects: Set<String> = [
        "how", "what", "where", "when", "why", "who", "whom", "which", "whether", "about", "that", "if",
        "the", "a", "an", "this", "these", "those", "your", "my", "his", "her", "their", "our", "him",
        "them", "me", "us", "it",
    ]

    static let nounDeterminers: Set<String> = [
        "a", "the", "what", "this", "that", "some", "any", "which", "every", "one", "no", "each", "another",
        "same", "different", "my", "your", "his", "her", "our", "their", "its", "these", "those", "whatever",
        "what's",
    ]

    // MARK: - Hedges

    static let hedgePatterns: [(phrase: String, pattern: PhrasePattern)] = [
        ("i'm not sure", PhrasePattern("i'm not sure")),
        ("i'm not sure", PhrasePattern("i am not sure")),
        ("i think", PhrasePattern("i think")),
        ("i guess", PhrasePattern("i guess")),
        ("i suppose", PhrasePattern("i suppose")),
        ("maybe", PhrasePattern("maybe")),
        ("probably", PhrasePattern("probably")),
        ("perhaps", PhrasePattern("perhaps")),
    ]
}
