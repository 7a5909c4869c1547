import Foundation

/// The STAR parts found, with evidence, and how many first-person actions the speaker described.
struct STARFindings: Sendable, Equatable {
    var presence = STARPresence()
    /// "situation"/"task"/"action"/"result" -> a few words from the transcript.
    var evidence: [String: String] = [:]
    /// "I" + past-tense action verb occurrences; zero means no past action at all (hypothetical check).
    var pastActionCount = 0
}

/// Finds the four STAR parts by cue phrases. Each part's evidence is its first cue in the transcript.
/// Actions count only in the first person ("I built"), because the interviewer wants what the caller
/// did; a "we" story is left for the ownership score to point out.
struct STARDetector: Sendable {
    func detect(in transcript: TokenizedTranscript) -> STARFindings {
        var findings = STARFindings()
        if let match = firstMatch(in: transcript, situationMatch) {
            findings.presence.situation = true
            findings.evidence["situation"] = transcript.evidence(match)
        }
        if let match = firstMatch(in: transcript, { Self.task.matchLength(in: $0, at: $1) }) {
            findings.presence.task = true
            findings.evidence["task"] = transcript.evidence(match)
        }
        let actions = allMatches(in: transcript, actionMatch)
        if let first = actions.first {
            findings.presence.action = true
            findings.evidence["action"] = transcript.evidence(first)
        }
        findings.pastActionCount = actions.count
        if let match = resultMatch(in: transcript) {
            findings.presence.result = true
            findings.evidence["result"] = transcript.evidence(match)
        }
        return findings
    }

    private typealias Matcher = (TokenizedTranscript, Int) -> Int?

    private func firstMatch(in transcript: TokenizedTranscript, _ matcher: Matcher) -> Range<Int>? {
        for start in 0..<transcript.count {
            if let length = matcher(transcript, start) { return start..<(start + length) }
        }
        return nil
    }

    private func allMatches(in transcript: TokenizedTranscript, _ matcher: Matcher) -> [Range<Int>] {
        var matches: [Range<Int>] = []
        var start = 0
        while start < transcript.count {
            if let length = matcher(transcript, start) {
                matches.append(start..<(start + length))
                start += length
            } else {
                start += 1
            }
        }
        return matches
    }

    // MARK: - Situation: a specific past setting

    private func situationMatch(_ transcript: TokenizedTranscript, _ start: Int) -> Int? {
        if let length = Self.situation.matchLength(in: transcript, at: start) { return length }
        // "in 2019", "back in March 2021": a year after a time word.
        if Self.yearPrefixes.contains(transcript[start].text), isYear(start + 1, in: transcript),
            transcript[start + 1].boundaryBefore == .none
        {
            return 2
        }
        return nil
    }

    /// A four-digit year from 1950 to 2049 introduced by a time word, so "2000 users" is not a year.
    func isYear(_ index: Int, in transcript: TokenizedTranscript) -> Bool {
        guard let word = transcript.word(index), word.count == 4, let value = NumberWords.integer(word),
            (1950...2049).contains(value), let previous = transcript.attachedPrevious(index)
        else { return false }
        return Self.yearPrefixes.contains(previous)
    }

    static let yearPrefixes: Set<String> = [
        "in", "since", "during", "of", "until", "by", "from", "around", "early", "late", "mid", "spring", "summer",
        "fall", "autumn", "winter", "january", "february", "march", "april", "may", "june", "july", "august",
        "september", "october", "november", "december",
    ]

    static let situation: [PhrasePattern] = [
        "last year|month|week|spring|summer|fall|autumn|winter|quarter|semester|term|christmas",
        "earlier this year|month|week|spring|summer",
        "this past year|month|spring|summer|fall|autumn|winter",
        "at|in my previous|last|old|former|current|first|second job|company|role|position|employer|team|"
            + "workplace|internship|startup|school|university|placement",
        "at|in my job|internship|placement at|with",
        "during my internship|time|first|last|placement|studies|degree|apprenticeship",
        "when|while i was|worked|joined|started|interned|ran|led",
        "while working",
        "a few|couple days|weeks|months|years ago",
        "a couple of days|weeks|months|years ago",
        "some|several|many days|weeks|months|years ago",
        "# day|days|week|weeks|month|months|year|years ago",
        "there was a|one|this time",
        "one time",
        "back in|when",
        "at the time",
        "in college|university|school",
        "i used to work",
        "i worked at|as|for",
        "i was working",
        "previously",
    ].map(PhrasePattern.init)

    // MARK: - Task: what the speaker was responsible for

    static let task: [PhrasePattern] = [
        "my|our|the role|job|task|goal|aim|objective|responsibility|mission|challenge|assignment|brief was",
        "it was my job|responsibility|role|task|goal to",
        "it was up to me",
        "i was responsible|accountable for",
        "i was in charge of",
        "i was asked|supposed|expected|hired|told|chosen|picked to",
        "i was tasked|assigned",
        "i was brought in",
        "i had|needed|wanted to",
        "we had|needed to",
    ].map(PhrasePattern.init)

    // MARK: - Action: first-person past actions

    private func actionMatch(_ transcript: TokenizedTranscript, _ start: Int) -> Int? {
        if let length = Self.actionPhrases.matchLength(in: transcript, at: start) { return length }
        guard transcript[start].text == "i", start + 1 < transcript.count,
            transcript[start + 1].boundaryBefore == .none
        else { return nil }
        var verb = start + 1
        // "I quickly set up", "I then called".
        if isAdverb(transcript[verb].text), transcript.attachedNext(verb) != nil { verb += 1 }
        if isPastAction(verb, in: transcript) { return verb - start + 1 }
        // Storytelling present after a sequence word: "so I call the client", "then I ask".
        if let previous = transcript.attachedPrevious(start) ?? sentenceOpener(before: start, in: transcript),
            Self.sequenceWords.contains(previous),
            !Self.notActions.contains(transcript[verb].text), !Self.nonVerbs.contains(transcript[verb].text)
        {
            return verb - start + 1
        }
        return nil
    }

    /// "So, I" and "Then, I": the sequence word before a comma still introduces the action.
    private func sentenceOpener(before index: Int, in transcript: TokenizedTranscript) -> String? {
        guard index > 0, transcript[index].boundaryBefore == .clause,
            transcript[index - 1].boundaryBefore != .none
        else { return nil }
        return transcript[index - 1].text
    }

    private func isAdverb(_ word: String) -> Bool {
        Self.adverbs.contains(word) || (word.hasSuffix("ly") && word.count > 4 && word != "only")
    }

    private func isPastAction(_ index: Int, in transcript: TokenizedTranscript) -> Bool {
        let word = transcript[index].text
        if Self.notActions.contains(word) { return false }
        // "I used to work there" is a habit, "I used Python" an action.
        if word == "used" { return transcript.attachedNext(index) != "to" }
        // "I worked at a bank" sets the scene; "I worked with finance to fix it" is an action.
        if Self.circumstanceVerbs.contains(word), let next = transcript.attachedNext(index),
            Self.placeWords.contains(next)
        {
            return false
        }
        return Self.irregularPast.contains(word) || (word.hasSuffix("ed") && word.count > 3)
    }

    static let circumstanceVerbs: Set<String> = ["worked", "started", "joined", "interned", "stayed", "lived"]
    static let placeWords: Set<String> = ["at", "as", "for", "in", "there", "here"]

    static let actionPhrases: [PhrasePattern] = [
        "i managed|decided|chose|offered|volunteered to",
        "i was able to",
        "i took it upon myself",
    ].map(PhrasePattern.init)

    static let adverbs: Set<String> = [
        "then", "also", "first", "just", "immediately", "quickly", "personally", "finally", "eventually", "even",
        "actually", "basically", "proactively", "directly", "still", "soon", "later",
    ]

    static let sequenceWords: Set<String> = ["so", "then", "next", "first", "afterwards", "finally", "after"]

    /// Past forms that are feelings, thoughts or circumstances rather than actions; "learned" is a result.
    static let notActions: Set<String> = [
        "was", "were", "had", "needed", "wanted", "liked", "loved", "hated", "enjoyed", "hoped", "wished",
        "seemed", "felt", "thought", "believed", "guessed", "supposed", "assumed", "learned", "learnt",
        "wondered", "preferred", "imagined", "expected", "noticed", "realized", "realised", "knew", "heard",
        "saw", "understood", "meant", "forgot", "would", "will", "could", "should", "might", "can", "may",
        "must", "think", "guess", "mean", "suppose", "don't", "do", "am", "have", "know", "need", "want",
        "feel", "hope", "believe", "wish", "like", "love", "didn't", "wasn't", "couldn't", "never", "also",
    ]

    /// Words that cannot follow "so I" as a verb (pronoun-like slips, articles).
    static let nonVerbs: Set<String> = ["a", "an", "the", "and", "or", "but", "i", "we", "it", "to", "not"]

    static let irregularPast: Set<String> = [
        "built", "made", "led", "wrote", "took", "spoke", "met", "ran", "set", "sent", "got", "gave", "went",
        "began", "brought", "bought", "found", "kept", "told", "sold", "taught", "chose", "drew", "drove",
        "held", "put", "paid", "rebuilt", "rewrote", "redid", "spent", "stood", "won", "broke", "caught", "cut",
        "dealt", "fought", "sought", "shut", "split", "spread", "struck", "swept", "undertook", "withdrew",
        "did", "came", "overcame", "oversaw", "left", "lent", "hid", "hit", "let", "quit", "rang", "rode",
        "rose", "sat", "shook", "threw", "flew", "froze", "grew", "wound", "woke", "upheld", "forgave", "read",
    ]

    // MARK: - Result: the outcome

    /// Explicit outcome phrases win over outcome verbs, so the evidence is "As a result, tickets
    /// dropped" rather than an earlier "cut" in passing.
    private func resultMatch(in transcript: TokenizedTranscript) -> Range<Int>? {
        firstMatch(in: transcript) { Self.resultPhrases.matchLength(in: $0, at: $1) }
            ?? firstMatch(in: transcript, resultWordMatch)
    }

    private func resultWordMatch(_ transcript: TokenizedTranscript, _ start: Int) -> Int? {
        let word = transcript[start].text
        // "30%" is a quantified outcome; a bare number is not necessarily one.
        if word.hasSuffix("%") && NumberWords.hasDigit(word) { return 1 }
        guard let length = Self.resultWords.matchLength(in: transcript, at: start) else { return nil }
        // "my goal was to cut costs", "I would reduce": a plan, not an outcome.
        if let previous = transcript.attachedPrevious(start), Self.plannedMarkers.contains(previous) { return nil }
        return length
    }

    static let plannedMarkers: Set<String> = [
        "to", "would", "will", "could", "should", "can", "might", "i'd", "i'll", "we'd", "we'll", "not",
    ]

    static let resultPhrases: [PhrasePattern] = [
        "as a result",
        "in the end",
        "led to",
        "resulted in",
        "the result|results|outcome|impact was|were",
        "the outcome",
        "ended up",
        "paid off",
        "worked out",
        "it worked",
        "ahead of schedule",
        "under budget",
        "delivered|finished|launched|shipped on time",
    ].map(PhrasePattern.init)

    static let resultWords: [PhrasePattern] = [
        "# percent",
        "# per cent",
        "went up|down",
        "increased|reduced|improved|saved|cut|grew|learned|learnt|decreased|doubled|tripled|halved|boosted",
        "lowered|shortened|dropped|rose|succeeded|won|promoted|successfully",
    ].map(PhrasePattern.init)
}
