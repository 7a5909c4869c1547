import Testing

@testable import CoachCore

/// Context rules for fillers and hedges: the same word counts in one position and not in another.
struct AnalyzerFillerTests {
    func fillers(_ transcript: String) -> [String: Int] {
        AnswerAnalyzer().analyze(transcript: transcript, seconds: 30).fillers
    }

    func hedges(_ transcript: String) -> [String: Int] {
        AnswerAnalyzer().analyze(transcript: transcript, seconds: 30).hedges
    }

    @Test func soCountsAtSentenceStartOrAloneButNotAsConjunction() {
        #expect(fillers("So I called the vendor.") == ["so": 1])
        #expect(fillers("So, I called the vendor.") == ["so": 1])
        #expect(fillers("It broke. So we rolled back.") == ["so": 1])
        #expect(fillers("We waited, so, nothing happened.") == ["so": 1])
        #expect(fillers("So that we could finish, I stayed late.") == [:])
        #expect(fillers("So much changed. So many people left. So far it works.") == [:])
        #expect(fillers("The server crashed and so I called the vendor.") == [:])
        #expect(fillers("The server crashed, so I called the vendor.") == [:])
        #expect(fillers("I was so tired that I slept.") == [:])
    }

    @Test func rightCountsAsTagOrOpenerOnly() {
        #expect(fillers("We shipped it on time, right?") == ["right": 1])
        #expect(fillers("Right, so the plan changed.") == ["right": 1])
        #expect(fillers("Right so the plan changed.") == ["right": 1])
        #expect(fillers("We hired the right person.") == [:])
        #expect(fillers("Right away, I called her. I fixed it right now.") == [:])
        #expect(fillers("All right, the plan changed.") == [:])
        #expect(fillers("That's right.") == [:])
    }

    @Test func kindOfCountsUnlessItNamesAKind() {
        #expect(fillers("I was kind of nervous.") == ["kind of": 1])
        #expect(fillers("It was sort of a mess.") == ["sort of": 1])
        #expect(fillers("What kind of role is it?") == [:])
        #expect(fillers("That sort of thing happens. This kind of bug is rare.") == [:])
        #expect(fillers("We use all kinds of tools.") == [:])
        // Counted once, as a filler, never also as a hedge.
        #expect(hedges("I was kind of nervous.") == [:])
    }

    @Test func likeCountsAsFillerButNotAsVerbOrComparison() {
        #expect(fillers("I like working with people.") == [:])
        #expect(fillers("I would like to lead. I really liked it. She didn't like it.") == [:])
        #expect(fillers("It looks like rain. It felt like a marathon. It was just like a race.") == [:])
        #expect(fillers("We had something like 20 people. Like many teams, we struggled.") == [:])
        #expect(fillers("Like I said, it worked. I don't know what it was like.") == [:])
        #expect(fillers("We had, like, three days.") == ["like": 1])
        #expect(fillers("Like, the whole team left.") == ["like": 1])
        #expect(fillers("And like we had no time.") == ["like": 1])
        #expect(fillers("I was like, no way.") == ["like": 1])
        #expect(fillers("It was like really hard.") == ["like": 1])
        #expect(fillers("It was like a dream.") == [:])
        #expect(fillers("We had like um no budget.") == ["like": 1, "um": 1])
        // The first of a repeated pair is the filler; "like the deadline" is a comparison.
        #expect(fillers("The plan was like like the deadline.") == ["like": 1])
        #expect(fillers("I was like, like, no way.") == ["like": 2])
    }

    @Test func youKnowAndIMeanCountOnlyAsFillers() {
        #expect(fillers("You know, it was hard.") == ["you know": 1])
        #expect(fillers("It was, you know, hard.") == ["you know": 1])
        #expect(fillers("You know we tried everything.") == ["you know": 1])
        #expect(fillers("Do you know how to fix it? If you know the code, it helps.") == [:])
        #expect(fillers("You know how to deploy it.") == [:])
        #expect(fillers("I mean, it worked.") == ["i mean": 1])
        #expect(fillers("And I mean the whole team.") == ["i mean": 1])
        #expect(fillers("That is what I mean by quality. I mean it.") == [:])
    }

    @Test func hesitationsAndAlwaysFillers() {
        #expect(fillers("I worked in the ER, um, for years.") == ["um": 1])
        #expect(
            fillers("Umm, uhh, hmmm, erm, err, ahh, uhm.") == ["um": 2, "uh": 1, "hmm": 1, "erm": 1, "er": 1, "ah": 1])
        #expect(fillers("Basically it actually literally worked.") == ["basically": 1, "actually": 1, "literally": 1])
    }

    @Test func hedgesAreCountedByPhrase() {
        let transcript = "I think it worked. I guess, maybe. Probably, perhaps. I suppose I’m not sure. I am not sure."
        #expect(
            hedges(transcript) == [
                "i think": 1, "i guess": 1, "maybe": 1, "probably": 1, "perhaps": 1, "i suppose": 1,
                "i'm not sure": 2,
            ]
        )
        #expect(hedges("I thought about it. The guess was right.") == [:])
    }

    @Test func unpunctuatedTranscriptStillFindsFillers() {
        // Without punctuation only the opening "so" is at a sentence start, and "like" after "was" is quotative.
        let analysis = AnswerAnalyzer().analyze(
            transcript: "so um I like my team and uh she was like we can do it so we did it you know",
            seconds: 6
        )
        #expect(analysis.fillers == ["so": 1, "um": 1, "uh": 1, "like": 1, "you know": 1])
        #expect(analysis.words == 21)
    }

    @Test func tallyBreaksTiesByFirstOccurrence() {
        var tally = MatchTally()
        for phrase in ["uh", "um", "um", "uh", "like"] { tally.add(phrase) }
        #expect(tally.total == 5)
        #expect(tally.mostFrequent?.phrase == "uh")
        #expect(tally.mostFrequent?.count == 2)
        #expect(MatchTally().mostFrequent == nil)
    }
}
