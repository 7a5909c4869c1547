import Foundation

/// Writes the two sentences spoken to the caller. Each is plain English for text to speech: no symbols
/// or markup, under 30 words, and built from what was actually heard (the missing STAR part, the most
/// frequent filler, the measured pace) so it is specific rather than generic.
struct FeedbackWriter: Sendable {
    func strength(_ dimension: CoachingDimension, facts: AnswerFacts, score: Int) -> String {
        if facts.words == 0 {
            return "Practising out loud is the best way to improve, so well done for calling in."
        }
        if score <= 2 {
            return "You made a start, and practising out loud like this is how answers get better."
        }
        switch dimension {
        case .structure:
            switch facts.star.presence.count {
            case 4:
                return "You told a complete story, with the situation, your task, what you did, "
                    + "and how it turned out."
            case 3: return "Your answer had a clear shape, covering three of the four parts of a strong story."
            default: return "You gave your answer some shape, which makes it easier to follow."
            }
        case .substance:
            if facts.quantified && facts.hasPastExample {
                return "You gave a real example with a concrete number, which makes it memorable and believable."
            }
            if facts.quantified { return "You used a concrete number, which makes your point memorable." }
            if facts.hasPastExample {
                return "You drew on a real example from your own experience, which is more convincing "
                    + "than a general answer."
            }
            return "You stayed on the question and gave the interviewer something concrete to work with."
        case .ownership:
            if facts.content.singularCount + facts.content.pluralCount == 0 {
                return "You kept the focus on the work itself rather than on yourself."
            }
            if score >= 4 && facts.star.presence.action {
                return "You spoke in the first person, so it was clear what you did yourself."
            }
            if score >= 4 { return "You spoke in the first person, which keeps the focus on you." }
            return "You balanced your own part with the team's, which shows you work well with others."
        case .fluency:
            if facts.fillers.total + facts.hedges.total == 0 {
                return "You spoke cleanly, without filler words or hedging, which made you easy to follow."
            }
            if score >= 4 { return "You kept filler words to a minimum, which made you easy to follow." }
            return "Your delivery was mostly smooth, with only a few filler words."
        case .pace:
            let rate = Self.spokenRate(facts.wordsPerMinute)
            if score == 5 { return "You spoke at about \(rate) words a minute, a comfortable pace to follow." }
            return "Your pace of about \(rate) words a minute was easy enough to follow."
        case .length:
            let duration = Self.spokenDuration(facts.seconds)
            if score == 5 {
                return "Your answer was a good length, \(duration), with enough detail and no rambling."
            }
            return "Your answer was close to the ideal length of one to two minutes."
        }
    }

    func improvement(_ dimension: CoachingDimension, facts: AnswerFacts) -> String {
        if facts.words == 0 {
            return "I did not hear an answer, so next time give one full example, with the situation, "
                + "what you did, and how it turned out."
        }
        switch dimension {
        case .structure: return structureImprovement(facts.star.presence, hypothetical: facts.hypothetical)
        case .substance: return substanceImprovement(facts)
        case .ownership: return ownershipImprovement(facts.content)
        case .fluency: return fluencyImprovement(facts)
        case .pace: return paceImprovement(facts.wordsPerMinute)
        case .length: return lengthImprovement(facts)
        }
    }

    // MARK: - Improvements

    /// Names the most useful missing part: the result first, then the action, the situation, the task.
    private func structureImprovement(_ star: STARPresence, hypothetical: Bool) -> String {
        if star.count == 0 && hypothetical {
            return "You described what you would do, so instead tell one real story, with the situation, "
                + "what you did, and how it turned out."
        }
        if star.count == 0 {
            return "Next time, tell one real story, covering the situation, your task, what you did, "
                + "and how it turned out."
        }
        if !star.result {
            return "You never said how it turned out, so end with the result, ideally a number such as "
                + "time or money saved."
        }
        if !star.action {
            return "You did not say what you did yourself, so walk through your steps, such as I called "
                + "or I built."
        }
        if !star.situation {
            return "Start by setting the scene, saying when and where it happened, for example last year "
                + "at my previous job."
        }
        if !star.task {
            return "Say what you were responsible for, or what the goal was, before you describe what you did."
        }
        return "To make it even stronger, finish with one sentence on what you learned."
    }

    private func substanceImprovement(_ facts: AnswerFacts) -> String {
        if facts.hypothetical {
            return "You described what you would do, so instead tell me about a real time you did it "
                + "and what happened."
        }
        if !facts.hasPastExample {
            return "Use one specific example from your past, and say when and where it happened."
        }
        if !facts.quantified {
            return "Add a number to your result, such as time saved, money, or how many people it helped."
        }
        if facts.words < AnswerScorer.substantialWords {
            return "Add more detail about what you actually did, so the example feels real."
        }
        return "To polish it, mention your biggest number early, so the interviewer remembers it."
    }

    private func ownershipImprovement(_ content: ContentFindings) -> String {
        let we = content.pluralCount
        let i = content.singularCount
        if we == 0 && i == 0 {
            return "Tell it in the first person, so the interviewer hears what you did, such as I decided "
                + "or I built."
        }
        if we > i {
            let weSaid = Self.times(we)
            if i == 0 {
                return "You said we \(weSaid) and never said I, so tell me what you yourself did, such as "
                    + "I decided or I built."
            }
            return "You said we \(weSaid) but I only \(Self.times(i)), so tell me what you yourself did, "
                + "such as I decided or I built."
        }
        if content.firstPersonRatio < 0.7 {
            return "Use I more for your own steps, such as I decided or I built, and keep we for the team's work."
        }
        return "Keep using I for your own actions, and mention the team briefly to show you work well with others."
    }

    /// Points at the most frequent filler, or the most frequent hedge when hedging is the bigger habit,
    /// or the long silences when the caller stalled more than they filled.
    private func fluencyImprovement(_ facts: AnswerFacts) -> String {
        let filler = facts.fillers.mostFrequent
        let hedge = facts.hedges.mostFrequent
        if facts.longPauses > 0, facts.longPauses >= facts.fillers.total, facts.longPauses >= facts.hedges.total {
            let seconds = Self.spoken(Self.wholeNumber(facts.longestPause))
            let stalls = Self.times(facts.longPauses)
            return "You went quiet \(stalls), for up to \(seconds) seconds, so plan your story's four parts "
                + "before you start, and keep each pause short."
        }
        if let hedge, facts.hedges.total > facts.fillers.total {
            return "You said \(Self.quoted(hedge.phrase)) \(Self.times(hedge.count)), so state what you did "
                + "plainly, without hedging."
        }
        if let filler {
            return "You said \(Self.quoted(filler.phrase)) \(Self.times(filler.count)), so try a short silent "
                + "pause instead, which sounds more composed."
        }
        return "Keep your delivery clean by pausing silently whenever you need a moment to think."
    }

    private func paceImprovement(_ wordsPerMinute: Double) -> String {
        let rate = Self.spokenRate(wordsPerMinute)
        if wordsPerMinute > 160 {
            return "You spoke at about \(rate) words a minute, so slow down a little and pause between "
                + "the parts of your story."
        }
        if wordsPerMinute < 130 {
            return "You spoke at about \(rate) words a minute, so pick up the pace a little, aiming "
                + "for about 140."
        }
        return "Keep your pace of about \(rate) words a minute, and pause briefly before your result "
            + "to let it land."
    }

    private func lengthImprovement(_ facts: AnswerFacts) -> String {
        let duration = Self.spokenDuration(facts.seconds)
        switch AnswerScorer.length(words: facts.words, seconds: facts.seconds).verdict {
        case .tooShort:
            return "Your answer lasted only \(duration), so give a full example of one to two minutes, "
                + "with what you did and the result."
        case .short:
            return "Add a little more detail, since a strong answer usually runs one to two minutes."
        case .long, .tooLong:
            // A very fast talker can be long in words yet under two minutes; then say the words.
            let size = facts.seconds > 120 ? duration : "to about \(Self.spoken(facts.words / 50 * 50)) words"
            return "Your answer ran \(size), so aim for one to two minutes by trimming the background "
                + "and keeping the result."
        case .good:
            return "Keep to this length of one to two minutes, which gives enough detail without losing "
                + "the listener."
        }
    }

    // MARK: - Speaking numbers

    private static let smallNumbers = [
        "zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven",
        "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen", "nineteen", "twenty",
    ]

    /// Small numbers as words, larger ones as digits, which speech engines read well.
    static func spoken(_ number: Int) -> String {
        smallNumbers.indices.contains(number) ? smallNumbers[number] : String(number)
    }

    /// "once", "twice", "seven times".
    static func times(_ count: Int) -> String {
        switch count {
        case 1: "once"
        case 2: "twice"
        default: "\(spoken(count)) times"
        }
    }

    /// A filler as the caller would hear it quoted back: 'um', 'I think'.
    static func quoted(_ phrase: String) -> String {
        let words = phrase.split(separator: " ").map { word in
            word == "i" ? "I" : word == "i'm" ? "I'm" : String(word)
        }
        return "'\(words.joined(separator: " "))'"
    }

    /// Words a minute rounded to the nearest five: "about 190".
    static func spokenRate(_ wordsPerMinute: Double) -> String {
        String(wholeNumber(wordsPerMinute / 5) * 5)
    }

    /// Rounds for speech without trapping on absurd inputs (a duration of a millisecond or a year).
    static func wholeNumber(_ value: Double) -> Int {
        guard value.isFinite else { return 0 }
        return Int(min(max(value.rounded(), 0), 1_000_000))
    }

    /// "about 20 seconds" under 100 seconds, else half minutes: "about two and a half minutes".
    static func spokenDuration(_ seconds: Double) -> String {
        if seconds < 100 {
            let rounded = max(5, wholeNumber(seconds / 5) * 5)
            return "about \(spoken(rounded)) seconds"
        }
        let halves = wholeNumber(seconds / 30)
        let whole = spoken(halves / 2)
        if halves % 2 == 0 { return "about \(whole) minutes" }
        return "about \(whole) and a half minutes"
    }
}
