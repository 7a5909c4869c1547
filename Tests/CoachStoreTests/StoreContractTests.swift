import CoachCore
import CoachStore
import Foundation
import SQLKit
import Testing

// The store's contract, run on every engine: SQLite always, PostgreSQL when COACHLINE_TEST_POSTGRES_URL is set.
// Each test gets a database of its own. This file: fixtures, callers, calls, migrations, opening.
// StoreAnswerTests.swift: sessions, questions, answers. StoreRecordingTests.swift: recordings, drafts, audio.

/// Values the store tests share.
enum Sample {
    static let phone = "+15550100001"
    static let otherPhone = "+15550100002"
    static let role = PracticeRole(key: "product_management", spoken: "junior product manager")
    /// A time that survives the REAL/DOUBLE PRECISION columns exactly.
    static let createdAt = Date(timeIntervalSince1970: 1_700_000_000.5)

    static func question(
        _ id: String, competency: Competency = .leadership, origin: QuestionOrigin = .bank
    ) -> Question {
        Question(
            id: id, text: "Tell me about \(id): a time you ‘led’ — 100% of it?", competency: competency, origin: origin)
    }

    static func answer(
        callSid: String = "CA1", number: Int, sessionID: String, questionID: String? = nil,
        recordingSid: String? = nil, durationSeconds: Double = 42.25, ending: AnswerEnding = .finishKey
    ) -> AnswerRecord {
        AnswerRecord(
            callSid: callSid, number: number, sessionID: sessionID,
            question: question(questionID ?? "q\(number)", competency: .problemSolving), recordingSid: recordingSid,
            recordingURL: recordingSid.map { "https://api.twilio.com/2010-04-01/Recordings/\($0)" },
            durationSeconds: durationSeconds, ending: ending, createdAt: createdAt)
    }

    static let timing = SpeechTiming(
        speakingSeconds: 58.37, leadingSilenceSeconds: 1.25, pauses: 4, longPauses: 1, longestPauseSeconds: 3.5)

    static func analysis(words: Int = 180, timing: SpeechTiming? = nil) -> AnswerAnalysis {
        AnswerAnalysis(
            words: words, seconds: 72.5, wordsPerMinute: 148.9, fillerCount: 3, fillers: ["um": 2, "you know": 1],
            fillersPerMinute: 2.5, hedgeCount: 1, hedges: ["i think": 1],
            star: STARPresence(situation: true, task: false, action: true, result: true),
            starEvidence: ["situation": "When our launch slipped", "result": "cut churn by 30 percent — “ünïcödé”"],
            quantified: true, quantifiedEvidence: ["30 percent", "two weeks"], hypothetical: false,
            firstPersonRatio: 0.83, lengthVerdict: .good,
            scores: ["structure": 3, "substance": 4, "ownership": 5, "pace": 4, "fluency": 2, "length": 4],
            overall: 4, strengthDimension: .ownership, improvementDimension: .fluency,
            strength: "You said \"I\" and owned it.", improvement: "Cut the ums.", timing: timing)
    }

    static let feedback = ModelFeedback(
        scores: ["structure": 5, "substance": 2, "ownership": 4], strength: "Clear stakes 'up front'.",
        improvement: "Name the result.", outline: "Situation, then what you did, then the number.")
}

/// Rows in `table` (a fixed name from a test, never input).
func rowCount(_ store: SQLStore, _ table: String) async throws -> Int {
    try await store.database.raw("SELECT COUNT(*) AS n FROM \(unsafeRaw: table)")
        .first(decodingColumn: "n", as: Int.self) ?? -1
}

/// Whether `date` is within a second of [from, to]: timestamps are stored as seconds in a double.
func isBetween(_ date: Date?, _ from: Date, _ to: Date) -> Bool {
    guard let date else { return false }
    return date >= from.addingTimeInterval(-1) && date <= to.addingTimeInterval(1)
}

@Suite struct StoreCallTests {
    @Test(arguments: StoreEngine.available)
    func beginCallRegistersTheCallAndTheCallerOnce(engine: StoreEngine) async throws {
        try await engine.withStore { store in
            #expect(try await store.caller(phone: Sample.phone) == nil)
            let before = Date()
            let first = try await store.beginCall(callSid: "CA1", caller: .known(Sample.phone))
            let after = Date()
            #expect(first.returning == false)
            #expect(first.call.callSid == "CA1")
            #expect(first.call.caller == .known(Sample.phone))
            #expect(first.call.role == nil)
            #expect(first.call.status == "in-progress")
            #expect(first.call.lastSequence == -1)
            #expect(first.call.endedAt == nil)
            #expect(!first.call.hasEnded)
            #expect(isBetween(first.call.startedAt, before, after))
            #expect(try await store.call(callSid: "CA1") == first.call)

            let profile = try #require(try await store.caller(phone: Sample.phone))
            #expect(profile.phone == Sample.phone)
            #expect(profile.role == nil)
            #expect(isBetween(profile.createdAt, before, after))

            // A retried webhook of the same call: same record, still not a returning caller.
            let retried = try await store.beginCall(callSid: "CA1", caller: .known(Sample.phone))
            #expect(retried.returning == false)
            #expect(retried.call == first.call)
            #expect(try await store.caller(phone: Sample.phone) == profile)
            #expect(try await rowCount(store, "calls") == 1)
            #expect(try await rowCount(store, "callers") == 1)

            // A later call from the same number returns; its retry still does.
            let second = try await store.beginCall(callSid: "CA2", caller: .known(Sample.phone))
            #expect(second.returning == true)
            #expect(second.call.callSid == "CA2")
            #expect(try await store.beginCall(callSid: "CA2", caller: .known(Sample.phone)).returning == true)
            #expect(try await store.caller(phone: Sample.phone) == profile)

            // Another number is new.
            #expect(try await store.beginCall(callSid: "CA3", caller: .known(Sample.otherPhone)).returning == false)
            #expect(try await rowCount(store, "callers") == 2)
            #expect(try await store.call(callSid: "CA-unknown") == nil)
        }
    }

    /// `beginCall` in two halves, as the voice webhook runs them: the caller, then the call (beside
    /// question 1's job).
    @Test(arguments: StoreEngine.available)
    func registeringTheCallerTellsReturningAndTheirRoleBeforeTheCallIsStored(engine: StoreEngine) async throws {
        try await engine.withStore { store in
            #expect(
                try await store.registerCaller(.withheld, callSid: "CA0") == CallerVisit(returning: false, role: nil))
            #expect(try await rowCount(store, "callers") == 0)
            #expect(
                try await store.registerCaller(.known(Sample.phone), callSid: "CA1")
                    == CallerVisit(returning: false, role: nil))
            // Registered, but no call from this number is stored yet: not returning, even on a retry.
            #expect(try await store.registerCaller(.known(Sample.phone), callSid: "CA1").returning == false)
            let role = PracticeRole(key: "nursing", spoken: "a nurse")
            _ = try await store.storeCall(callSid: "CA1", caller: .known(Sample.phone), role: nil)
            try await store.setRole(role, callSid: "CA1", caller: .known(Sample.phone))
            #expect(
                try await store.registerCaller(.known(Sample.phone), callSid: "CA2")
                    == CallerVisit(returning: true, role: role))
            let call = try await store.storeCall(callSid: "CA2", caller: .known(Sample.phone), role: role)
            #expect(call.role == role)
            #expect(call.caller == .known(Sample.phone))
            #expect(try await rowCount(store, "callers") == 1)
        }
    }

    @Test(arguments: StoreEngine.available)
    func aStatusCallbackBeforeTheVoiceWebhookLeavesTheCallItsCallerAndRole(engine: StoreEngine) async throws {
        try await engine.withStore { store in
            // Twilio's events come in any order: here the call's first word is a status callback
            // without the number, then the voice webhook.
            let ringing = try #require(try await store.applyCallStatus(callSid: "CA1", status: "ringing", sequence: 0))
            #expect(ringing.caller == .withheld)
            let begun = try await store.beginCall(callSid: "CA1", caller: .known(Sample.phone))
            #expect(begun.call.caller == .known(Sample.phone))
            #expect(begun.call.status == "ringing", "the status stays the status callbacks' to set")
            #expect(begun.call.lastSequence == 0)
            #expect(try await store.call(callSid: "CA1") == begun.call)

            // A returning caller's profile role reaches a call a status callback stored first.
            let role = PracticeRole(key: "software_engineering", spoken: "backend engineer")
            try await store.setRole(role, callSid: "CA1", caller: .known(Sample.phone))
            _ = try await store.applyCallStatus(callSid: "CA2", status: "ringing", sequence: 0, phone: Sample.phone)
            #expect(try await store.call(callSid: "CA2")?.caller == .known(Sample.phone), "the callback's From")
            let second = try await store.beginCall(callSid: "CA2", caller: .known(Sample.phone))
            #expect(second.returning)
            #expect(second.call.role == role)

            // What the call has already is kept: a retried webhook with another number changes nothing.
            let retried = try await store.beginCall(callSid: "CA2", caller: .known(Sample.otherPhone))
            #expect(retried.call == second.call)
        }
    }

    @Test(arguments: StoreEngine.available)
    func withheldCallersGetCallsButNoProfile(engine: StoreEngine) async throws {
        try await engine.withStore { store in
            let caller = CallerNumber(from: "anonymous")
            #expect(caller == .withheld)
            let first = try await store.beginCall(callSid: "CA1", caller: caller)
            #expect(first.returning == false)
            #expect(first.call.caller == .withheld)
            let second = try await store.beginCall(callSid: "CA2", caller: .withheld)
            #expect(second.returning == false, "withheld callers are never recognised")
            #expect(try await rowCount(store, "callers") == 0)

            // The role lives on the call only, and a later withheld call starts without one.
            try await store.setRole(Sample.role, callSid: "CA1", caller: .withheld)
            #expect(try await store.call(callSid: "CA1")?.role == Sample.role)
            #expect(try await rowCount(store, "callers") == 0)
            let third = try await store.beginCall(callSid: "CA3", caller: .withheld)
            #expect(third.call.role == nil)
            #expect(try await store.call(callSid: "CA2")?.role == nil)
        }
    }

    @Test(arguments: StoreEngine.available)
    func setRoleUpdatesTheCallAndTheProfileForTheNextCall(engine: StoreEngine) async throws {
        try await engine.withStore { store in
            _ = try await store.beginCall(callSid: "CA1", caller: .known(Sample.phone))
            _ = try await store.beginCall(callSid: "CA9", caller: .known(Sample.otherPhone))
            try await store.setRole(Sample.role, callSid: "CA1", caller: .known(Sample.phone))
            #expect(try await store.call(callSid: "CA1")?.role == Sample.role)
            #expect(try await store.caller(phone: Sample.phone)?.role == Sample.role)
            #expect(try await store.caller(phone: Sample.otherPhone)?.role == nil)
            #expect(try await store.call(callSid: "CA9")?.role == nil)

            // The next call starts with the profile's role; a role without spoken words round-trips too.
            let next = try await store.beginCall(callSid: "CA2", caller: .known(Sample.phone))
            #expect(next.returning)
            #expect(next.call.role == Sample.role)
            try await store.setRole(.general, callSid: "CA2", caller: .known(Sample.phone))
            #expect(try await store.call(callSid: "CA2")?.role == .general)
            #expect(try await store.caller(phone: Sample.phone)?.role == .general)
            #expect(try await store.call(callSid: "CA1")?.role == Sample.role, "an earlier call keeps its role")
        }
    }

    @Test(arguments: StoreEngine.available)
    func callStatusEventsApplyInSequenceOrderAndTerminalStatusesStick(engine: StoreEngine) async throws {
        try await engine.withStore { store in
            _ = try await store.beginCall(callSid: "CA1", caller: .known(Sample.phone))
            var call = try await store.applyCallStatus(callSid: "CA1", status: "ringing", sequence: 0)
            #expect(call?.status == "ringing")
            #expect(call?.lastSequence == 0)
            call = try await store.applyCallStatus(callSid: "CA1", status: "in-progress", sequence: 3)
            #expect(call?.status == "in-progress")
            #expect(call?.lastSequence == 3)
            // Older events arriving late change nothing.
            call = try await store.applyCallStatus(callSid: "CA1", status: "ringing", sequence: 2)
            #expect(call?.status == "in-progress")
            #expect(call?.lastSequence == 3)
            #expect(call?.endedAt == nil)
            // A terminal event older than the stored one is old too.
            call = try await store.applyCallStatus(callSid: "CA1", status: "busy", sequence: 1)
            #expect(call?.status == "in-progress")
            #expect(call?.hasEnded == false)

            let before = Date()
            let ended = try #require(try await store.applyCallStatus(callSid: "CA1", status: "completed", sequence: 5))
            #expect(ended.status == "completed")
            #expect(ended.hasEnded)
            #expect(ended.lastSequence == 5)
            #expect(isBetween(ended.endedAt, before, Date()))
            #expect(ended.caller == .known(Sample.phone), "status events keep the caller")
            #expect(try await store.call(callSid: "CA1") == ended)

            // Nothing reopens or re-ends a finished call, however new the event.
            #expect(try await store.applyCallStatus(callSid: "CA1", status: "in-progress", sequence: 7) == ended)
            #expect(try await store.applyCallStatus(callSid: "CA1", status: "failed", sequence: 8) == ended)
            #expect(try await store.applyCallStatus(callSid: "CA1", status: "completed", sequence: 9) == ended)
        }
    }

    @Test(arguments: StoreEngine.available)
    func everyTerminalStatusEndsTheCall(engine: StoreEngine) async throws {
        try await engine.withStore { store in
            for (index, status) in CallRecord.terminalStatuses.sorted().enumerated() {
                let sid = "CA-\(status)"
                _ = try await store.beginCall(callSid: sid, caller: .withheld)
                let call = try #require(try await store.applyCallStatus(callSid: sid, status: status, sequence: index))
                #expect(call.status == status)
                #expect(call.hasEnded)
                #expect(call.endedAt != nil)
                #expect(try await store.applyCallStatus(callSid: sid, status: "ringing", sequence: 100) == call)
            }
        }
    }

    @Test(arguments: StoreEngine.available)
    func aStatusEventForAnUnknownCallCreatesIt(engine: StoreEngine) async throws {
        try await engine.withStore { store in
            let call = try #require(try await store.applyCallStatus(callSid: "CA1", status: "no-answer", sequence: 4))
            #expect(call.status == "no-answer")
            #expect(call.lastSequence == 4)
            #expect(call.caller == .withheld)
            #expect(call.endedAt != nil)
            // The voice webhook arriving after that changes nothing: the call stays ended.
            _ = try await store.beginCall(callSid: "CA1", caller: .known(Sample.phone))
            #expect(try await store.call(callSid: "CA1")?.status == "no-answer")

            let open = try #require(try await store.applyCallStatus(callSid: "CA2", status: "ringing", sequence: 1))
            #expect(open.status == "ringing")
            #expect(open.endedAt == nil)
        }
    }

    /// A status callback without SequenceNumber (`sequence: nil`) must still apply, on a known call and on a
    /// new one. (The store stands in `Int.max` for the missing number.)
    @Test(arguments: StoreEngine.available)
    func aStatusEventWithoutSequenceApplies(engine: StoreEngine) async throws {
        try await engine.withStore { store in
            _ = try await store.beginCall(callSid: "CA1", caller: .known(Sample.phone))
            _ = try await store.applyCallStatus(callSid: "CA1", status: "in-progress", sequence: 2)
            for (sid, status) in [("CA1", "completed"), ("CA2", "canceled")] {
                do {
                    let call = try await store.applyCallStatus(callSid: sid, status: status, sequence: nil)
                    #expect(call?.status == status)
                    #expect(call?.endedAt != nil)
                } catch {
                    Issue.record("applyCallStatus(\(sid), \(status), sequence: nil) threw \(String(reflecting: error))")
                }
            }
        }
    }
}

@Suite struct StoreMigrationTests {
    @Test(arguments: StoreEngine.available)
    func migrateRunsEveryVersionOnceAndDataSurvivesReopening(engine: StoreEngine) async throws {
        let database = try await TestDatabase.create(engine)
        do {
            let store = try await SQLStore.open(database.url, poolSize: 2, logger: StoreEngine.quiet)
            let ran = try await store.migrate()
            #expect(ran.first == 1)
            #expect(ran.count >= 4)
            #expect(ran == ran.sorted() && Set(ran).count == ran.count, "versions run in order, each once")
            let recorded = try await store.database.raw("SELECT version FROM schema_migrations ORDER BY version")
                .all(decodingColumn: "version", as: Int.self)
            #expect(recorded == ran)
            #expect(try await store.migrate() == [])
            _ = try await store.beginCall(callSid: "CA1", caller: .known(Sample.phone))
            try await store.shutdown()

            // A restart: another store on the same database finds everything done and everything kept.
            let reopened = try await SQLStore.open(database.url, poolSize: 2, logger: StoreEngine.quiet)
            #expect(try await reopened.migrate() == [])
            #expect(try await reopened.call(callSid: "CA1")?.caller == .known(Sample.phone))
            #expect(try await reopened.caller(phone: Sample.phone) != nil)
            try await reopened.shutdown()
            try await database.drop()
        } catch {
            try? await database.drop()
            throw error
        }
    }

    @Test(.enabled(if: StoreEngine.postgresURL != nil, "needs PostgreSQL (COACHLINE_TEST_POSTGRES_URL)"))
    func concurrentMigrationsOnPostgresRunOnce() async throws {
        let database = try await TestDatabase.create(StoreEngine.postgres)
        var stores: [SQLStore] = []
        do {
            for _ in 0..<4 {
                stores.append(try await SQLStore.open(database.url, poolSize: 4, logger: StoreEngine.quiet))
            }
            let runs = try await withThrowingTaskGroup(of: [Int].self) { group in
                for store in stores { group.addTask { try await store.migrate() } }
                var runs: [[Int]] = []
                for try await run in group { runs.append(run) }
                return runs
            }
            let full = runs.filter { !$0.isEmpty }
            #expect(full.count == 1, "exactly one instance migrates: \(runs)")
            #expect(full.first?.first == 1)
            #expect(runs.filter(\.isEmpty).count == 3)
            let recorded = try await stores[0].database.raw("SELECT version FROM schema_migrations ORDER BY version")
                .all(decodingColumn: "version", as: Int.self)
            #expect(recorded == full.first)
            for store in stores { try await store.shutdown() }
            try await database.drop()
        } catch {
            for store in stores { try? await store.shutdown() }
            try? await database.drop()
            throw error
        }
    }

    /// Migrations run BEGIN, an advisory lock, the steps and COMMIT through `withSession`: that only works
    /// when a session is one connection.
    @Test(.enabled(if: StoreEngine.postgresURL != nil, "needs PostgreSQL (COACHLINE_TEST_POSTGRES_URL)"))
    func aSessionOnPostgresIsOneConnection() async throws {
        try await StoreEngine.postgres.withStore(poolSize: 4) { store in
            let pids = try await store.database.withSession { session in
                var pids: [Int] = []
                for _ in 0..<8 {
                    pids.append(
                        try await session.raw("SELECT pg_backend_pid() AS pid").first(
                            decodingColumn: "pid", as: Int.self)
                            ?? -1)
                }
                return pids
            }
            #expect(Set(pids).count == 1, "backend pids within one session: \(pids)")
        }
    }

    /// Audio goes out of line as it is: PostgreSQL would otherwise try to compress every clip first.
    @Test(.enabled(if: StoreEngine.postgresURL != nil, "needs PostgreSQL (COACHLINE_TEST_POSTGRES_URL)"))
    func audioOnPostgresIsStoredUncompressed() async throws {
        try await StoreEngine.postgres.withStore { store in
            // A repeated tone, as the fakes voice: pglz would shrink it to a small fraction.
            let clip = Data((0..<200_000).map { UInt8(truncatingIfNeeded: $0 % 80) })
            try await store.saveAudio(
                AudioClip(key: "0123456789abcdef0123456789abcdef", contentType: "audio/wav", bytes: clip))
            let row = try await store.database.raw(
                "SELECT pg_column_size(bytes) AS stored, octet_length(bytes) AS length FROM audio"
            ).first()
            let stored = try row?.decode(column: "stored", as: Int.self) ?? 0
            #expect(try row?.decode(column: "length", as: Int.self) == clip.count)
            #expect(stored >= clip.count, "stored in \(stored) bytes: compressed")
            #expect(try await store.audio(key: "0123456789abcdef0123456789abcdef")?.bytes == clip)
        }
    }

    @Test(arguments: StoreEngine.available)
    func theStoreNamesItsEngineAndAnswersPing(engine: StoreEngine) async throws {
        try await engine.withStore { store in
            try await store.ping()
            switch engine {
            case .sqlite:
                #expect(store.engine == "sqlite")
                #expect(!store.isPostgres)
                #expect(store.postgresConfiguration == nil)
            case .postgres:
                #expect(store.engine == "postgresql")
                #expect(store.isPostgres)
                #expect(store.postgresConfiguration != nil)
            }
        }
    }

    @Test func anInMemoryAndANestedFileDatabaseOpen() async throws {
        let memory = try await SQLStore.open(.sqliteMemory, logger: StoreEngine.quiet)
        #expect(try await memory.migrate().first == 1)
        _ = try await memory.beginCall(callSid: "CA1", caller: .withheld)
        #expect(try await memory.call(callSid: "CA1") != nil)
        try await memory.shutdown()

        let directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("coachline_test_\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("a/b/store.sqlite").path
        let file = try await SQLStore.open(.sqliteFile(path: path), logger: StoreEngine.quiet)
        #expect(try await file.migrate().first == 1)
        try await file.shutdown()
        #expect(FileManager.default.fileExists(atPath: path))
    }

    @Test func anUnreachablePostgresServerFailsToOpen() async throws {
        let url = try DatabaseURL(parsing: "postgres://nobody@127.0.0.1:1/none?sslmode=disable")
        await #expect(throws: StoreError.self) {
            try await SQLStore.open(url, poolSize: 1, logger: StoreEngine.quiet)
        }
    }
}
