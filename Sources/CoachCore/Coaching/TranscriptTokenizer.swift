import Foundation

/// How strongly a pause in the punctuation separates two neighbouring words.
enum TokenBoundary: Int, Sendable, Comparable {
    /// Only spaces: the words run together.
    case none
    /// Comma, semicolon, colon, dash, ellipsis, bracket or line break: a pause inside a sentence.
    case clause
    /// Full stop, question or exclamation mark, or the start or end of the text.
    case sentence

    static func < (lhs: TokenBoundary, rhs: TokenBoundary) -> Bool { lhs.rawValue < rhs.rawValue }
}

/// One spoken word. Rules match on `text`; evidence is cut from the original transcript through `range`.
struct TranscriptToken: Sendable, Equatable {
    /// Lower-cased, curly apostrophes straightened.
    let text: String
    let range: Range<String.Index>
    var boundaryBefore: TokenBoundary
    var boundaryAfter: TokenBoundary
    /// The pause after this word holds a question mark ("..., right?").
    var questionAfter: Bool
}

/// A transcript split into words, keeping where sentences and clauses break.
struct TokenizedTranscript: Sendable {
    let text: String
    let tokens: [TranscriptToken]

    var count: Int { tokens.count }

    subscript(index: Int) -> TranscriptToken { tokens[index] }

    /// The word at `index` as the caller wrote it.
    func original(_ index: Int) -> String { String(text[tokens[index].range]) }

    /// The word at `index`, or nil past either end.
    func word(_ index: Int) -> String? {
        tokens.indices.contains(index) ? tokens[index].text : nil
    }

    /// The previous word when no punctuation separates it from `index`; nil otherwise.
    func attachedPrevious(_ index: Int) -> String? {
        guard index > 0, index < count, tokens[index].boundaryBefore == .none else { return nil }
        return tokens[index - 1].text
    }

    /// The next word when no punctuation separates it from `index`; nil otherwise.
    func attachedNext(_ index: Int) -> String? {
        guard index + 1 < count, tokens[index + 1].boundaryBefore == .none else { return nil }
        return tokens[index + 1].text
    }

    /// The original text from the first to the last token of `range`, punctuation between included.
    func excerpt(_ range: Range<Int>) -> String {
        guard !range.isEmpty else { return "" }
        let lower = tokens[range.lowerBound].range.lowerBound
        let upper = tokens[range.upperBound - 1].range.upperBound
        return String(text[lower..<upper])
    }

    /// A few words that show a finding: the match, the word before a short match (so "increased"
    /// reads "sales increased", "ended up" reads "we ended up"), and up to `trailing` more words in
    /// the same sentence ("As a result, tickets dropped").
    func evidence(_ match: Range<Int>, trailing: Int = 3) -> String {
        var lower = match.lowerBound
        if match.count <= 2, lower > 0, tokens[lower].boundaryBefore == .none { lower -= 1 }
        var upper = match.upperBound
        var added = 0
        while added < trailing, upper < count, tokens[upper].boundaryBefore != .sentence {
            upper += 1
            added += 1
        }
        return excerpt(lower..<upper)
    }
}

/// Splits a transcript into words. Speech-to-text output (Twilio, Whisper) is punctuated, but plain
/// unpunctuated text works too: then the whole text is one sentence and position rules fire less often.
///
/// A word is a run of letters and digits. Apostrophes and hyphens inside a word stay ("didn't",
/// "follow-up"), as do the "." and "," inside a number ("2.5", "1,000"), a trailing "%" and a leading
/// currency sign ("$5,000"). Everything else is punctuation and only marks boundaries.
struct TranscriptTokenizer: Sendable {
    func tokenize(_ transcript: String) -> TokenizedTranscript {
        let characters = Array(transcript)
        var indices = Array(transcript.indices)
        indices.append(transcript.endIndex)

        var tokens: [TranscriptToken] = []
        var gap = ""
        var position = 0
        while position < characters.count {
            guard Self.startsWord(characters, at: position) else {
                gap.append(characters[position])
                position += 1
                continue
            }
            var end = position + 1
            while end < characters.count, Self.continuesWord(characters, at: end) { end += 1 }

            let boundary = tokens.isEmpty ? TokenBoundary.sentence : Self.boundary(of: gap)
            if !tokens.isEmpty {
                tokens[tokens.count - 1].boundaryAfter = boundary
                tokens[tokens.count - 1].questionAfter = gap.contains(Character("?"))
            }
            var text = String(characters[position..<end]).lowercased()
            // Foundation's replacing on every word was most of the analysis's CPU; few words need it.
            if text.contains(where: Self.curlyApostrophes.contains) {
                text = String(text.map { Self.curlyApostrophes.contains($0) ? "'" : $0 })
            }
            tokens.append(
                TranscriptToken(
                    text: text,
                    range: indices[position]..<indices[end],
                    boundaryBefore: boundary,
                    boundaryAfter: .sentence,
                    questionAfter: false
                )
            )
            gap = ""
            position = end
        }
        if !tokens.isEmpty { tokens[tokens.count - 1].questionAfter = gap.contains(Character("?")) }
        return TokenizedTranscript(text: transcript, tokens: tokens)
    }

    private static let curlyApostrophes: Set<Character> = ["\u{2019}", "\u{2018}"]
    private static let apostrophes: Set<Character> = ["'", "\u{2019}", "\u{2018}", "\u{02BC}"]
    private static let hyphens: Set<Character> = ["-", "\u{2010}", "\u{2011}"]
    private static let currencies: Set<Character> = ["$", "\u{00A3}", "\u{20AC}"]

    private static func isCore(_ character: Character) -> Bool {
        character.isLetter || character.isNumber
    }

    private static func startsWord(_ characters: [Character], at index: Int) -> Bool {
        let character = characters[index]
        if isCore(character) { return true }
        // "$5" is one word; a lone "$" is not.
        return currencies.contains(character) && index + 1 < characters.count
            && characters[index + 1].isWholeNumber
    }

    private static func continuesWord(_ characters: [Character], at index: Int) -> Bool {
        let character = characters[index]
        if isCore(character) { return true }
        let previous = characters[index - 1]
        let next: Character? = index + 1 < characters.count ? characters[index + 1] : nil
        if apostrophes.contains(character) || hyphens.contains(character) {
            return isCore(previous) && next.map(isCore) == true
        }
        if character == "." || character == "," {
            return previous.isWholeNumber && next?.isWholeNumber == true
        }
        return character == "%" && previous.isWholeNumber
    }

    /// Classifies the punctuation and spaces between two words.
    static func boundary(of gap: String) -> TokenBoundary {
        if gap.contains(where: { $0 == "?" || $0 == "!" }) { return .sentence }
        let stops = gap.filter { $0 == "." }.count
        // An ellipsis is a trailing-off pause, not the end of a sentence.
        // A Character, not a string: the string overload is Foundation's search.
        if gap.contains(Character("\u{2026}")) || stops >= 2 { return .clause }
        if stops == 1 { return .sentence }
        let pauses: Set<Character> = [",", ";", ":", "-", "\u{2013}", "\u{2014}", "(", ")", "\n", "\r\n"]
        return gap.contains(where: { pauses.contains($0) }) ? .clause : .none
    }
}

/// A short word pattern such as "i was responsible for" or "# percent", matched within one clause.
///
/// Spec syntax: words separated by spaces; "a|b" means either word; "#" any number (digits or a
/// number word, "one" included); "*" any word.
struct PhrasePattern: Sendable {
    enum Element: Sendable {
        case words(Set<String>)
        case number
        case any
    }

    let elements: [Element]

    init(_ spec: String) {
        elements = spec.split(separator: " ").map { part in
            switch part {
            case "#": .number
            case "*": .any
            default: .words(Set(part.split(separator: "|").map(String.init)))
            }
        }
    }

    /// The number of tokens matched starting at `start`, or nil.
    func matchLength(in transcript: TokenizedTranscript, at start: Int) -> Int? {
        guard start >= 0, start + elements.count <= transcript.count else { return nil }
        for (offset, element) in elements.enumerated() {
            let token = transcript[start + offset]
            if offset > 0, token.boundaryBefore != .none { return nil }
            switch element {
            case .words(let words): if !words.contains(token.text) { return nil }
            case .number: if !NumberWords.isNumber(token.text) { return nil }
            case .any: break
            }
        }
        return elements.count
    }
}

extension Array where Element == PhrasePattern {
    /// The length of the first pattern in the list that matches at `start`.
    func matchLength(in transcript: TokenizedTranscript, at start: Int) -> Int? {
        for pattern in self {
            if let length = pattern.matchLength(in: transcript, at: start) { return length }
        }
        return nil
    }
}

/// Spoken and written numbers.
enum NumberWords {
    static let cardinals: Set<String> = [
        "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve",
        "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen", "nineteen", "twenty", "thirty",
        "forty", "fifty", "sixty", "seventy", "eighty", "ninety", "hundred", "thousand", "million", "billion",
        "hundreds", "thousands", "millions", "billions", "dozen", "dozens", "half",
    ]
    /// Words that state a quantity change by themselves ("we doubled sign-ups").
    static let multipliers: Set<String> = ["twice", "double", "doubled", "triple", "tripled", "halved", "quadrupled"]
    /// Words that read naturally with "a" in front ("a dozen", "a hundred").
    static let scales: Set<String> = ["hundred", "thousand", "million", "billion", "dozen", "half"]

    static func hasDigit(_ word: String) -> Bool { word.contains(where: \.isWholeNumber) }

    /// Digits, or number words, hyphenated ones too ("twenty-five").
    static func isNumber(_ word: String) -> Bool {
        hasDigit(word) || (!word.isEmpty && word.split(separator: "-").allSatisfy { cardinals.contains(String($0)) })
    }

    /// The number of the token when it is a plain integer ("2019"), else nil.
    static func integer(_ word: String) -> Int? { Int(word) }
}
