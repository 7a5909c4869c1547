import CoachCore
import CoachStore
import Foundation
import Testing

// Recordings and their transcripts, analyses and feedback; spoken drafts; audio. Fixtures: StoreContractTests.swift.

@Suite struct StoreRecordingTests {
    @Test(arguments: StoreEngine.available)
    func theFirstCallbackStoresWhatItKnows(engine: StoreEngine) async throws {
        try await engine.withStore { store in
            #expect(try await store.recording(sid: "RE1") == nil)
            let stored = try await store.updateRecording(
                RecordingUpdate(
                    recordingSid: "RE1", callSid: "CA1", recordingURL: "https://api.twilio.com/Recordings/RE1",
                    durationSeconds: 61.5, status: "completed", transcript: "I led the launch — “on time”.",
                    transcriptStatus: "completed", speechTiming: Sample.timing))
            #expect(stored.recordingSid == "RE1")
            #expect(stored.callSid == "CA1")
            #expect(stored.recordingURL == "https://api.twilio.com/Recordings/RE1")
            #expect(stored.durationSeconds == 61.5)
            #expect(stored.status == "completed")
            #expect(stored.transcript == "I led the launch — “on time”.")
            #expect(stored.transcriptStatus == "completed")
            #expect(stored.transcriptSource == "twilio", "a transcript without a source is Twilio's")
            #expect(stored.speechTiming == Sample.timing)
            #expect(stored.analysis == nil)
            #expect(stored.modelFeedback == nil)
            #expect(try await store.recording(sid: "RE1") == stored)

            // Timings belong to a transcript: without one they are dropped, and there is no source.
            let bare = try await store.updateRecording(
                RecordingUpdate(recordingSid: "RE2", status: "in-progress", speechTiming: Sample.timing))
            #expect(bare.recordingSid == "RE2")
            #expect(bare.status == "in-progress")
            #expect(bare.callSid == nil && bare.recordingURL == nil && bare.durationSeconds == nil)
            #expect(bare.transcript == nil && bare.transcriptStatus == nil && bare.transcriptSource == nil)
            #expect(bare.speechTiming == nil)
            #expect(try await store.recording(sid: "RE2") == bare)
        }
    }

    @Test(arguments: StoreEngine.available)
    func laterCallbacksFillInAndNilKeepsWhatIsStored(engine: StoreEngine) async throws {
        try await engine.withStore { store in
            _ = try await store.updateRecording(
                RecordingUpdate(recordingSid: "RE1", callSid: "CA1", recordingURL: "u1", durationSeconds: 10))
            var record = try await store.updateRecording(
                RecordingUpdate(recordingSid: "RE1", status: "completed", transcriptStatus: "in-progress"))
            #expect(record.callSid == "CA1")
            #expect(record.recordingURL == "u1")
            #expect(record.durationSeconds == 10)
            #expect(record.status == "completed")
            #expect(record.transcriptStatus == "in-progress")
            #expect(record.transcript == nil)

            record = try await store.updateRecording(
                RecordingUpdate(
                    recordingSid: "RE1", recordingURL: "u2", durationSeconds: 12.75, transcript: "Hello.",
                    transcriptStatus: "completed"))
            #expect(record.callSid == "CA1")
            #expect(record.recordingURL == "u2")
            #expect(record.durationSeconds == 12.75)
            #expect(record.status == "completed")
            #expect(record.transcript == "Hello.")
            #expect(record.transcriptStatus == "completed")
            #expect(record.transcriptSource == "twilio")

            // A callback without a transcript leaves transcript, timings, analysis and feedback alone.
            try await store.saveAnalysis(Sample.analysis(), recordingSid: "RE1")
            try await store.saveModelFeedback(Sample.feedback, recordingSid: "RE1", transcript: "Hello.")
            let analysed = try #require(try await store.recording(sid: "RE1"))
            record = try await store.updateRecording(
                RecordingUpdate(recordingSid: "RE1", status: "absent", speechTiming: Sample.timing))
            var expected = analysed
            expected.status = "absent"
            #expect(record == expected)
        }
    }

    @Test(arguments: StoreEngine.available)
    func aProviderTranscriptReplacesTwiliosButNeverTheReverse(engine: StoreEngine) async throws {
        try await engine.withStore { store in
            _ = try await store.updateRecording(RecordingUpdate(recordingSid: "RE1", transcript: "um I led it"))
            try await store.saveAnalysis(Sample.analysis(), recordingSid: "RE1")
            try await store.saveModelFeedback(Sample.feedback, recordingSid: "RE1", transcript: "um I led it")

            let timing = SpeechTiming(speakingSeconds: 4.5, pauses: 1, longestPauseSeconds: 1.2)
            var record = try await store.updateRecording(
                RecordingUpdate(
                    recordingSid: "RE1", transcript: "Um, I led it.", transcriptSource: "openai", speechTiming: timing))
            #expect(record.transcript == "Um, I led it.")
            #expect(record.transcriptSource == "openai")
            #expect(record.speechTiming == timing)
            #expect(record.analysis == nil, "different words: the analysis of the old text is dropped")
            #expect(record.modelFeedback == nil, "different words: the feedback on the old text is dropped")
            try await store.saveAnalysis(Sample.analysis(timing: timing), recordingSid: "RE1")
            let analysed = try #require(try await store.recording(sid: "RE1"))

            // Twilio's late transcript, with or without timings, changes nothing.
            record = try await store.updateRecording(
                RecordingUpdate(recordingSid: "RE1", transcript: "I lead it", speechTiming: Sample.timing))
            #expect(record == analysed)
            record = try await store.updateRecording(
                RecordingUpdate(recordingSid: "RE1", transcript: "I lead it", transcriptSource: "twilio"))
            #expect(record == analysed)
            // Nor does a second provider's: only Twilio's transcript is replaceable.
            record = try await store.updateRecording(
                RecordingUpdate(
                    recordingSid: "RE1", transcript: "I led it!", transcriptSource: "deepgram",
                    speechTiming: Sample.timing
                ))
            #expect(record == analysed)

            // Twilio never replaces Twilio either.
            _ = try await store.updateRecording(RecordingUpdate(recordingSid: "RE2", transcript: "first"))
            record = try await store.updateRecording(
                RecordingUpdate(recordingSid: "RE2", transcript: "second", speechTiming: Sample.timing))
            #expect(record.transcript == "first")
            #expect(record.speechTiming == nil)

            // A provider's transcript is taken when none is stored, and then kept.
            _ = try await store.updateRecording(
                RecordingUpdate(
                    recordingSid: "RE3", transcript: "provider", transcriptSource: "openai", speechTiming: timing))
            record = try await store.updateRecording(RecordingUpdate(recordingSid: "RE3", transcript: "twilio"))
            #expect(record.transcript == "provider")
            #expect(record.transcriptSource == "openai")
            #expect(record.speechTiming == timing)
        }
    }

    @Test(arguments: StoreEngine.available)
    func theSameWordsKeepFeedbackAndKeepTheAnalysisUnlessTimingsCame(engine: StoreEngine) async throws {
        try await engine.withStore { store in
            let words = "I cut churn by thirty percent."
            for sid in ["RE1", "RE2"] {
                _ = try await store.updateRecording(RecordingUpdate(recordingSid: sid, transcript: words))
                try await store.saveAnalysis(Sample.analysis(), recordingSid: sid)
                try await store.saveModelFeedback(Sample.feedback, recordingSid: sid, transcript: words)
            }
            let plain = try await store.updateRecording(
                RecordingUpdate(recordingSid: "RE1", transcript: words, transcriptSource: "openai"))
            #expect(plain.transcriptSource == "openai")
            #expect(plain.speechTiming == nil)
            #expect(plain.analysis == Sample.analysis())
            #expect(plain.modelFeedback == Sample.feedback)

            let timed = try await store.updateRecording(
                RecordingUpdate(
                    recordingSid: "RE2", transcript: words, transcriptSource: "openai", speechTiming: Sample.timing))
            #expect(timed.transcriptSource == "openai")
            #expect(timed.speechTiming == Sample.timing)
            #expect(timed.analysis == nil, "timings came: pace is measured again")
            #expect(timed.modelFeedback == Sample.feedback)
        }
    }

    @Test(arguments: StoreEngine.available)
    func modelFeedbackIsStoredOnlyForTheTranscriptItWasMadeFrom(engine: StoreEngine) async throws {
        try await engine.withStore { store in
            _ = try await store.updateRecording(RecordingUpdate(recordingSid: "RE1", transcript: "old words"))
            try await store.saveModelFeedback(Sample.feedback, recordingSid: "RE1", transcript: "other words")
            #expect(try await store.recording(sid: "RE1")?.modelFeedback == nil)
            try await store.saveModelFeedback(Sample.feedback, recordingSid: "RE1", transcript: "old words")
            #expect(try await store.recording(sid: "RE1")?.modelFeedback == Sample.feedback)

            // Made from the old text, arriving after a provider's transcript replaced it: dropped.
            _ = try await store.updateRecording(
                RecordingUpdate(recordingSid: "RE1", transcript: "new words", transcriptSource: "openai"))
            try await store.saveModelFeedback(Sample.feedback, recordingSid: "RE1", transcript: "old words")
            #expect(try await store.recording(sid: "RE1")?.modelFeedback == nil)

            // No transcript, or no recording: nothing is stored or created.
            _ = try await store.updateRecording(RecordingUpdate(recordingSid: "RE2", status: "completed"))
            try await store.saveModelFeedback(Sample.feedback, recordingSid: "RE2", transcript: "")
            #expect(try await store.recording(sid: "RE2")?.modelFeedback == nil)
            try await store.saveModelFeedback(Sample.feedback, recordingSid: "RE3", transcript: "x")
            #expect(try await store.recording(sid: "RE3") == nil)
        }
    }

    @Test(arguments: StoreEngine.available)
    func analysesRoundTripWithFeedbackFoldedIn(engine: StoreEngine) async throws {
        try await engine.withStore { store in
            let analysis = Sample.analysis(timing: Sample.timing)
            _ = try await store.updateRecording(RecordingUpdate(recordingSid: "RE1", transcript: "words"))
            try await store.saveAnalysis(analysis, recordingSid: "RE1")
            var record = try #require(try await store.recording(sid: "RE1"))
            #expect(record.analysis == analysis)
            #expect(record.coaching == analysis)
            try await store.saveModelFeedback(Sample.feedback, recordingSid: "RE1", transcript: "words")
            record = try #require(try await store.recording(sid: "RE1"))
            #expect(record.analysis == analysis)
            #expect(record.modelFeedback == Sample.feedback)
            #expect(record.coaching == analysis.merging(Sample.feedback))
            #expect(record.coaching != analysis)

            // A newer analysis replaces the stored one.
            let redone = Sample.analysis(words: 12)
            try await store.saveAnalysis(redone, recordingSid: "RE1")
            #expect(try await store.recording(sid: "RE1")?.analysis == redone)
            try await store.saveAnalysis(redone, recordingSid: "RE-unknown")
            #expect(try await store.recording(sid: "RE-unknown") == nil)
        }
    }

    @Test(arguments: StoreEngine.available)
    func analysesOfASessionAreTheReadyOnesInAnswerOrder(engine: StoreEngine) async throws {
        try await engine.withStore { store in
            let session = try await store.openSession(callSid: "CA1", caller: .withheld, role: .general, total: 4)
            let other = try await store.openSession(callSid: "CA2", caller: .withheld, role: .general, total: 1)
            // 4: analysed; 1: analysed with feedback; 2: recording not analysed yet; 3: no recording.
            for (number, sid) in [(4, "RE4"), (2, "RE2"), (1, "RE1"), (3, nil)] as [(Int, String?)] {
                try await store.saveAnswer(Sample.answer(number: number, sessionID: session.id, recordingSid: sid))
                if let sid {
                    _ = try await store.updateRecording(RecordingUpdate(recordingSid: sid, transcript: "t\(number)"))
                }
            }
            try await store.saveAnswer(
                Sample.answer(callSid: "CA2", number: 1, sessionID: other.id, recordingSid: "RE9"))
            _ = try await store.updateRecording(RecordingUpdate(recordingSid: "RE9", transcript: "t9"))
            let first = Sample.analysis(words: 101)
            let fourth = Sample.analysis(words: 104)
            try await store.saveAnalysis(fourth, recordingSid: "RE4")
            try await store.saveAnalysis(first, recordingSid: "RE1")
            try await store.saveModelFeedback(Sample.feedback, recordingSid: "RE1", transcript: "t1")
            try await store.saveAnalysis(Sample.analysis(words: 109), recordingSid: "RE9")

            let merged = first.merging(Sample.feedback)
            #expect(try await store.analyses(sessionID: session.id) == [merged, fourth])
            #expect(try await store.analyses(sessionID: session.id, before: 4) == [merged])
            #expect(try await store.analyses(sessionID: session.id, before: 2) == [merged])
            #expect(try await store.analyses(sessionID: session.id, before: 1) == [])
            #expect(try await store.analyses(sessionID: other.id).map(\.words) == [109])
            #expect(try await store.analyses(sessionID: "no-such-session") == [])
        }
    }
}

@Suite struct StoreRecordingProgressTests {
    @Test(arguments: StoreEngine.available)
    func theWaitForAProviderTranscriptIsSetEndedOrKept(engine: StoreEngine) async throws {
        try await engine.withStore { store in
            let queued = try await store.updateRecording(
                RecordingUpdate(recordingSid: "RE1", durationSeconds: 30, awaitingProvider: true))
            #expect(queued.awaitingProvider)
            // Twilio's transcript and any other callback leave the wait as it is.
            let twilio = try await store.updateRecording(
                RecordingUpdate(recordingSid: "RE1", transcript: "twilio words"))
            #expect(twilio.awaitingProvider && twilio.transcriptSource == "twilio")
            let ended = try await store.updateRecording(
                RecordingUpdate(
                    recordingSid: "RE1", transcript: "provider words", transcriptSource: "openai",
                    awaitingProvider: false))
            #expect(!ended.awaitingProvider && ended.transcript == "provider words")
            #expect(try await store.recording(sid: "RE1")?.awaitingProvider == false)
            // A late callback asking for the provider again does not start a wait that is over.
            let late = try await store.updateRecording(
                RecordingUpdate(recordingSid: "RE1", durationSeconds: 30, awaitingProvider: true))
            #expect(!late.awaitingProvider)
            // A recording first seen without the flag is not waiting.
            let plain = try await store.updateRecording(RecordingUpdate(recordingSid: "RE2", transcript: "words"))
            #expect(!plain.awaitingProvider)
        }
    }

    @Test(arguments: StoreEngine.available)
    func answersAreSettledWhenEachBeforeTheLastIsAnalysedOrHasNothingToAnalyse(engine: StoreEngine) async throws {
        try await engine.withStore { store in
            let session = try await store.openSession(callSid: "CA1", caller: .withheld, role: .general, total: 5)
            #expect(try await store.debriefState(recordingSid: "RE1") == nil, "no answer is stored for it")
            // 1: analysed; 2: no recording; 3: silent; 4: transcribed, not analysed yet.
            try await store.saveAnswer(Sample.answer(number: 1, sessionID: session.id, recordingSid: "RE1"))
            _ = try await store.updateRecording(RecordingUpdate(recordingSid: "RE1", transcript: "t1"))
            #expect(try await store.debriefState(recordingSid: "RE1")?.settled == false, "2 to 4 are missing")
            try await store.saveAnalysis(Sample.analysis(), recordingSid: "RE1")
            try await store.saveAnswer(Sample.answer(number: 2, sessionID: session.id))
            try await store.saveAnswer(
                Sample.answer(number: 3, sessionID: session.id, recordingSid: "RE3", durationSeconds: 0))
            #expect(try await store.debriefState(recordingSid: "RE3")?.settled == false, "4 is missing")
            try await store.saveAnswer(Sample.answer(number: 4, sessionID: session.id, recordingSid: "RE4"))
            _ = try await store.updateRecording(RecordingUpdate(recordingSid: "RE4", transcript: "t4"))
            #expect(try await store.debriefState(recordingSid: "RE4")?.settled == false, "4 is not analysed")
            // Another session's unsettled answer does not count.
            let other = try await store.openSession(callSid: "CA2", caller: .withheld, role: .general, total: 5)
            try await store.saveAnswer(
                Sample.answer(callSid: "CA2", number: 1, sessionID: other.id, recordingSid: "RE9"))
            _ = try await store.updateRecording(RecordingUpdate(recordingSid: "RE9", transcript: "t9"))
            try await store.saveAnalysis(Sample.analysis(), recordingSid: "RE4")
            let state = try #require(try await store.debriefState(recordingSid: "RE1"))
            #expect(state.session == session && state.settled)
            #expect(try await store.debriefState(recordingSid: "RE9")?.settled == false)
            // The last answer itself is not waited for.
            try await store.saveAnswer(Sample.answer(number: 5, sessionID: session.id, recordingSid: "RE5"))
            #expect(try await store.debriefState(recordingSid: "RE5")?.settled == true)
        }
    }

    /// With a model coaching, an analysed answer is settled only once its feedback is stored or has
    /// failed: the feedback changes the debrief, which would otherwise be worded twice.
    @Test(arguments: StoreEngine.available)
    func withAModelCoachingAnAnswerWaitsForItsFeedbackOrItsFailure(engine: StoreEngine) async throws {
        try await engine.withStore { store in
            let session = try await store.openSession(callSid: "CA1", caller: .withheld, role: .general, total: 3)
            for (number, sid) in [(1, "RE1"), (2, "RE2")] {
                try await store.saveAnswer(Sample.answer(number: number, sessionID: session.id, recordingSid: sid))
                _ = try await store.updateRecording(RecordingUpdate(recordingSid: sid, transcript: "words \(number)"))
                try await store.saveAnalysis(Sample.analysis(), recordingSid: sid)
            }
            func settled(expected: Bool) async throws -> Bool? {
                try await store.debriefState(recordingSid: "RE1", feedbackExpected: expected)?.settled
            }
            #expect(try await settled(expected: false) == true, "no model: the analyses are enough")
            #expect(try await settled(expected: true) == false, "neither answer has feedback")
            try await store.saveModelFeedback(Sample.feedback, recordingSid: "RE1", transcript: "words 1")
            #expect(try await settled(expected: true) == false, "2 has none yet")
            // A failure for words the recording no longer has, or once feedback is stored, changes nothing.
            try await store.saveFeedbackFailed(recordingSid: "RE2", transcript: "other words")
            try await store.saveFeedbackFailed(recordingSid: "RE1", transcript: "words 1")
            #expect(try await settled(expected: true) == false)
            try await store.saveFeedbackFailed(recordingSid: "RE2", transcript: "words 2")
            #expect(try await settled(expected: true) == true, "2's feedback failed: nothing more will come")
            // A provider transcript with other words starts over: new analysis, new feedback, new failure.
            _ = try await store.updateRecording(
                RecordingUpdate(recordingSid: "RE2", transcript: "new words", transcriptSource: "openai"))
            try await store.saveAnalysis(Sample.analysis(), recordingSid: "RE2")
            #expect(try await settled(expected: true) == false, "the failure was for the old words")
            try await store.saveModelFeedback(Sample.feedback, recordingSid: "RE2", transcript: "new words")
            #expect(try await settled(expected: true) == true)
        }
    }

    @Test(arguments: StoreEngine.available)
    func transcriptsAndAnswerContextsComeFromOneSession(engine: StoreEngine) async throws {
        try await engine.withStore { store in
            let session = try await store.openSession(
                callSid: "CA1", caller: .known(Sample.phone), role: Sample.role, total: 3)
            let other = try await store.openSession(callSid: "CA2", caller: .withheld, role: .general, total: 3)
            for (number, sid, text) in [(1, "RE1", "first"), (2, "RE2", nil), (3, "RE3", "third")] {
                try await store.saveAnswer(Sample.answer(number: number, sessionID: session.id, recordingSid: sid))
                _ = try await store.updateRecording(RecordingUpdate(recordingSid: sid, transcript: text))
            }
            try await store.saveAnswer(
                Sample.answer(callSid: "CA2", number: 1, sessionID: other.id, recordingSid: "RE9"))
            _ = try await store.updateRecording(RecordingUpdate(recordingSid: "RE9", transcript: "other"))
            let analysis = AnswerAnalyzer().analyze(transcript: "third", seconds: 4)
            try await store.saveAnalysis(analysis, recordingSid: "RE3")
            let heard = try await store.answerHistory(phone: Sample.phone, sessionID: session.id).heard
            #expect(heard.mapValues(\.transcript) == [1: "first", 3: "third"])
            #expect(heard[1]?.analysis == nil)
            #expect(heard[3]?.analysis == analysis)
            // A withheld caller's session is read by itself.
            let withheld = try await store.answerHistory(phone: nil, sessionID: other.id)
            #expect(withheld.heard.mapValues(\.transcript) == [1: "other"])
            #expect(withheld.askedQuestionIDs.isEmpty && withheld.analyses.isEmpty)
            #expect(try await store.answerHistory(phone: nil, sessionID: nil).heard.isEmpty)

            let context = try #require(try await store.answerContext(recordingSid: "RE3"))
            #expect(context.answer == Sample.answer(number: 3, sessionID: session.id, recordingSid: "RE3"))
            #expect(context.session == session)
            #expect(try await store.answerContext(recordingSid: "RE9")?.session == other)
            #expect(try await store.answerContext(recordingSid: "RE-none") == nil)
        }
    }
}

@Suite struct StoreDraftAndAudioTests {
    @Test(arguments: StoreEngine.available)
    func aDraftIsUsedOnlyForTheTemplateItWasMadeFrom(engine: StoreEngine) async throws {
        try await engine.withStore { store in
            let template = "You answered 3 of 3. Strength: ownership.\nNext: cut the ums."
            #expect(try await store.draft(kind: "debrief", owner: "s1", template: template) == nil)
            try await store.saveDraft(kind: "debrief", owner: "s1", template: template, worded: "Nice work — “really”.")
            #expect(try await store.draft(kind: "debrief", owner: "s1", template: template) == "Nice work — “really”.")
            #expect(try await store.draft(kind: "debrief", owner: "s1", template: template + " ") == nil)
            #expect(try await store.draft(kind: "progress", owner: "s1", template: template) == nil)
            #expect(try await store.draft(kind: "debrief", owner: "s2", template: template) == nil)

            // A new template gets its own wording; the old one's stays, for when the template goes back
            // to it (drafts are worded by jobs in any order). Saving again rewords.
            try await store.saveDraft(kind: "debrief", owner: "s1", template: "Changed.", worded: "Reworded.")
            #expect(try await store.draft(kind: "debrief", owner: "s1", template: "Changed.") == "Reworded.")
            #expect(try await store.draft(kind: "debrief", owner: "s1", template: template) == "Nice work — “really”.")
            try await store.saveDraft(kind: "debrief", owner: "s1", template: template, worded: "Again.")
            #expect(try await store.draft(kind: "debrief", owner: "s1", template: template) == "Again.")

            try await store.saveDraft(kind: "progress", owner: Sample.phone, template: template, worded: "Progress.")
            #expect(try await store.draft(kind: "progress", owner: Sample.phone, template: template) == "Progress.")
            #expect(try await store.draft(kind: "debrief", owner: "s1", template: "Changed.") == "Reworded.")
            #expect(try await rowCount(store, "worded_drafts") == 3)

            // All of an owner's wordings at once, by template, for a caller who learns the template later.
            #expect(
                try await store.drafts(kind: "debrief", owner: "s1") == [template: "Again.", "Changed.": "Reworded."])
            #expect(try await store.drafts(kind: "progress", owner: Sample.phone) == [template: "Progress."])
            #expect(try await store.drafts(kind: "progress", owner: "s1").isEmpty)
            #expect(try await store.drafts(kind: "debrief", owner: "s2").isEmpty)
        }
    }

    /// U+0000 in text: SQLite keeps only what precedes it, PostgreSQL rejects the statement ("invalid byte
    /// sequence for encoding UTF8: 0x00"). The store leaves it: text is cleaned where it enters (webhook
    /// parameters, transcripts, model output). This test fails once either engine changes.
    @Test(arguments: StoreEngine.available)
    func textWithANulCharacterDoesNotRoundTrip(engine: StoreEngine) async throws {
        try await engine.withStore { store in
            await withKnownIssue("U+0000 in text is truncated on SQLite and rejected on PostgreSQL") {
                try await store.saveDraft(kind: "debrief", owner: "s1", template: "t", worded: "before\u{0}after")
                #expect(try await store.draft(kind: "debrief", owner: "s1", template: "t") == "before\u{0}after")
            }
        }
    }

    @Test(arguments: StoreEngine.available)
    func audioBytesRoundTripExactly(engine: StoreEngine) async throws {
        try await engine.withStore { store in
            let everyByte = Data((0...255).map { UInt8($0) } + (0...255).reversed().map { UInt8($0) })
            var generator = SystemRandomNumberGenerator()
            let large = Data((0..<200_000).map { _ in UInt8.random(in: .min ... .max, using: &generator) })
            let cases: [(key: String, type: String, bytes: Data)] = [
                ("bytes.bin", "application/octet-stream", everyByte),
                ("large.wav", "audio/wav", large),
                ("one.ulaw", "audio/x-mulaw;rate=8000", Data([0])),
                ("questions/CA1/1.wav", "audio/wav", Data("RIFF\0\0\0\0WAVE".utf8)),
            ]
            for item in cases {
                #expect(try await store.hasAudio(key: item.key) == false)
                try await store.saveAudio(AudioClip(key: item.key, contentType: item.type, bytes: item.bytes))
                #expect(try await store.hasAudio(key: item.key))
            }
            for item in cases {
                let stored = try #require(try await store.audio(key: item.key))
                #expect(stored.contentType == item.type)
                #expect(stored.bytes.count == item.bytes.count)
                #expect(stored.bytes == item.bytes, "\(item.key) came back different")
            }
            #expect(try await store.audio(key: "missing") == nil)
            #expect(try await store.hasAudio(key: "missing") == false)
        }
    }

    @Test(arguments: StoreEngine.available)
    func emptyAudioRoundTrips(engine: StoreEngine) async throws {
        try await engine.withStore { store in
            try await store.saveAudio(AudioClip(key: "empty", contentType: "audio/wav", bytes: Data()))
            #expect(try await store.hasAudio(key: "empty"))
            let stored = try #require(try await store.audio(key: "empty"))
            #expect(stored.bytes.isEmpty)
            #expect(stored.contentType == "audio/wav")
        }
    }

    @Test(arguments: StoreEngine.available)
    func theFirstAudioForAKeyStays(engine: StoreEngine) async throws {
        try await engine.withStore { store in
            try await store.saveAudio(AudioClip(key: "k", contentType: "audio/wav", bytes: Data([1, 2, 3])))
            try await store.saveAudio(AudioClip(key: "k", contentType: "audio/mpeg", bytes: Data([9])))
            let stored = try #require(try await store.audio(key: "k"))
            #expect(stored.contentType == "audio/wav")
            #expect(stored.bytes == Data([1, 2, 3]))
            #expect(try await rowCount(store, "audio") == 1)
        }
    }
}
