import CoachCore
import Foundation
import Logging
import NIOConcurrencyHelpers
import NIOPosix
import PostgresKit
import SQLKit
import SQLiteKit

/// Everything a call needs, in SQL: any process can answer any webhook of any call, and a
/// restart loses nothing. Writes are single statements that are safe to repeat (insert-or-ignore,
/// conditional updates), because Twilio retries and callbacks arrive in any order. The same SQL runs
/// on SQLite (embedded, one process) and PostgreSQL (many instances sharing the calls).
public final class SQLStore: Sendable {
    public let database: any SQLDatabase
    /// Where plain reads go: on an SQLite file a second connection, so reads run beside writes (WAL
    /// lets them) instead of queueing behind them; elsewhere `database` itself.
    public let reader: any SQLDatabase
    /// "sqlite" or "postgresql".
    public let engine: String
    /// Where notifications between instances go; nil on SQLite, where one process has everything.
    public let postgresConfiguration: SQLPostgresConfiguration?
    private let close: @Sendable () async throws -> Void

    public init(
        database: any SQLDatabase, reader: (any SQLDatabase)? = nil, engine: String,
        postgresConfiguration: SQLPostgresConfiguration? = nil, close: @escaping @Sendable () async throws -> Void
    ) {
        self.database = database
        self.reader = reader ?? database
        self.engine = engine
        self.postgresConfiguration = postgresConfiguration
        self.close = close
    }

    public var isPostgres: Bool { engine == "postgresql" }

    /// Opens (creating if needed) the database DATABASE_URL names. Call `migrate()` before use.
    /// `poolSize` is how many PostgreSQL connections this process keeps (SQLite uses its own);
    /// `servesCallers`: webhooks are answered here, so jobs leave connections for them (`StoreLane`).
    public static func open(
        _ url: DatabaseURL, poolSize: Int = 10, servesCallers: Bool = true, logger: Logger
    ) async throws -> SQLStore {
        switch url {
        case .sqliteMemory:
            return try await openSQLite(.memory, logger: logger)
        case .sqliteFile(let path):
            let directory = URL(fileURLWithPath: path).deletingLastPathComponent()
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            return try await openSQLiteFile(path: path, logger: logger)
        case .postgres(let url):
            return try await openPostgres(
                SQLPostgresConfiguration(url: url), poolSize: poolSize, servesCallers: servesCallers, logger: logger)
        }
    }

    static func openSQLite(_ storage: SQLiteConnection.Storage, logger: Logger) async throws -> SQLStore {
        // One connection keeps a ":memory:" database whole.
        let connection = try await SQLiteConnection.open(storage: storage, logger: logger)
        try await connection.sql().raw("PRAGMA foreign_keys=ON").run()
        return SQLStore(database: connection.sql(), engine: "sqlite") { try await connection.close() }
    }

    /// Connections to a file: every write on one (SQLite has a single writer anyway), plain reads on
    /// another, and checkpoints of the write-ahead log on a third (`WALCheckpointer`). Each runs its
    /// blocking calls on a thread of its own, so a read never waits for a thread that is waiting for the
    /// writer, and most of a checkpoint's copying and syncing happens beside the writes, not in front of
    /// them. Under load the one connection was the queue every webhook stood in.
    static func openSQLiteFile(
        path: String, checkpointInterval: Duration = WALCheckpointer.defaultInterval, logger: Logger
    ) async throws -> SQLStore {
        enum Role: CaseIterable { case writer, reader, checkpointer }
        var opened: [(SQLiteConnection, NIOThreadPool)] = []
        do {
            for role in Role.allCases {
                let thread = NIOThreadPool(numberOfThreads: 1)
                thread.start()
                let connection: SQLiteConnection
                do {
                    connection = try await SQLiteConnection.open(
                        storage: .file(path: path), threadPool: thread, logger: logger,
                        on: MultiThreadedEventLoopGroup.singleton.any())
                } catch {
                    try? await thread.shutdownGracefully()
                    throw error
                }
                opened.append((connection, thread))
                let sql = connection.sql()
                // Waiting beats failing while the file is busy for a moment (a recovery, say).
                try await sql.raw("PRAGMA busy_timeout=5000").run()
                switch role {
                case .writer:
                    // WAL lets the reader proceed during a write. NORMAL: a commit is synced to disk by
                    // the next checkpoint (about a quarter second later), so a crash of the process
                    // loses nothing and a power cut at most that; the file stays consistent either way.
                    _ = try await sql.raw("PRAGMA journal_mode=WAL").all()
                    try await sql.raw("PRAGMA synchronous=NORMAL").run()
                    try await sql.raw("PRAGMA foreign_keys=ON").run()
                case .reader:
                    try await sql.raw("PRAGMA query_only=ON").run()
                case .checkpointer:
                    try await sql.raw("PRAGMA synchronous=NORMAL").run()
                }
            }
        } catch {
            try? await close(opened)
            throw error
        }
        let connections = opened
        let checkpointer = WALCheckpointer(
            database: connections[2].0.sql(), interval: checkpointInterval, logger: logger)
        return SQLStore(database: connections[0].0.sql(), reader: connections[1].0.sql(), engine: "sqlite") {
            await checkpointer.stop()
            try await close(connections)
        }
    }

    private static func close(_ connections: [(SQLiteConnection, NIOThreadPool)]) async throws {
        for (connection, thread) in connections.reversed() {
            try await connection.close()
            try await thread.shutdownGracefully()
        }
    }

    /// `statementLimit`: how many statement texts are prepared by name (`StatementNames`).
    public static func openPostgres(
        _ configuration: SQLPostgresConfiguration, poolSize: Int, servesCallers: Bool = true,
        statementLimit: Int = 500, logger: Logger
    ) async throws -> SQLStore {
        let pool = GatedPool(
            client: PostgresClient(
                configuration: try PostgresClient.Configuration(configuration, poolSize: poolSize),
                backgroundLogger: logger),
            gate: GatedPool.gate(connections: poolSize, servesCallers: servesCallers))
        let client = pool.client
        // Started before the probe below, so the pool runs by the time the migrations lease from it
        // (leased earlier, PostgresNIO logs a warning on every start).
        let running = Task { await client.run() }
        // One connection first, so a wrong URL or a server that is down fails now with PostgreSQL's own
        // words (the pool would keep retrying behind a waiting query for up to a minute).
        do {
            let probe = try await PostgresConnection.connect(
                on: MultiThreadedEventLoopGroup.singleton.any(), configuration: configuration.coreConfiguration,
                id: 0, logger: logger
            ).get()
            try await probe.close()
        } catch {
            running.cancel()
            await running.value
            throw StoreError("cannot reach PostgreSQL: \(String(reflecting: error))")
        }
        return SQLStore(
            database: PreparedPostgresDatabase(
                target: .pool(pool), statements: StatementNames(limit: statementLimit), logger: logger),
            engine: "postgresql", postgresConfiguration: configuration
        ) {
            running.cancel()
            await running.value
        }
    }

    /// Applies pending migrations; returns the versions it ran. Safe when several instances start at
    /// once: on PostgreSQL they run in one transaction holding an advisory lock.
    @discardableResult
    public func migrate() async throws -> [Int] {
        try await Migrations.run(on: database)
    }

    public func shutdown() async throws {
        try await close()
    }

    /// A trivial query: the database answers.
    public func ping() async throws {
        _ = try await database.raw("SELECT 1 AS one").first()
    }

    static let snake = SQLRowDecoder(
        keyDecodingStrategy: .custom { path in
            ColumnName(stringValue: ColumnName.snakeCase(path.last?.stringValue ?? ""))
        })

    /// `snake` for columns selected under a prefix (`q_number`), when a join would repeat their names.
    static func prefixed(_ prefix: String) -> SQLRowDecoder {
        var decoder = snake
        decoder.prefix = prefix
        return decoder
    }
}

// MARK: Callers and calls

extension SQLStore {
    public func caller(phone: String) async throws -> CallerProfile? {
        try await reader.raw("SELECT * FROM callers WHERE phone = \(bind: phone)")
            .first(decoding: CallerRow.self, with: Self.snake)?.profile
    }

    /// Registers the call (once; a retried webhook changes nothing) and, for a known number, the caller.
    /// Returns the call and whether this number has called before.
    public func beginCall(callSid: String, caller: CallerNumber) async throws -> (call: CallRecord, returning: Bool) {
        let visit = try await registerCaller(caller, callSid: callSid)
        return (try await storeCall(callSid: callSid, caller: caller, role: visit.role), visit.returning)
    }

    /// The first half of `beginCall`: registers a known number (once) and tells whether it called
    /// before, and the role its profile keeps. A first-time caller costs one statement; once this is
    /// known, the call can be stored while question 1 is queued (the path to the greeting).
    public func registerCaller(_ caller: CallerNumber, callSid: String) async throws -> CallerVisit {
        guard let phone = caller.number else { return CallerVisit(returning: false, role: nil) }
        let now = Clock.now()
        let created = try await database.raw(
            """
            INSERT INTO callers (phone, created_at, updated_at) VALUES (\(bind: phone), \(bind: now), \(bind: now))
            ON CONFLICT (phone) DO NOTHING
            RETURNING phone
            """
        ).all()
        guard created.isEmpty else { return CallerVisit(returning: false, role: nil) }
        async let profile = self.caller(phone: phone)
        // Returning means an earlier call, not an earlier webhook of this same call.
        async let earlier = reader.raw(
            "SELECT COUNT(*) AS n FROM calls WHERE phone = \(bind: phone) AND call_sid <> \(bind: callSid)"
        ).first(decodingColumn: "n", as: Int.self)
        return CallerVisit(returning: (try await earlier ?? 0) > 0, role: try await profile?.role)
    }

    /// The second half of `beginCall`: stores the call with the caller's `role`. A retried webhook finds
    /// the call stored by the first and changes nothing. A status callback may have stored it first,
    /// without the caller's number or role (Twilio's events arrive in any order): those are filled in,
    /// or the call would be nobody's.
    public func storeCall(callSid: String, caller: CallerNumber, role: PracticeRole?) async throws -> CallRecord {
        let stored = try await database.raw(
            """
            INSERT INTO calls (call_sid, phone, role_key, role_spoken, status, started_at)
            VALUES (\(bind: callSid), \(bind: caller.number), \(bind: role?.key), \(bind: role?.spoken),
                    'in-progress', \(bind: Clock.now()))
            ON CONFLICT (call_sid) DO UPDATE SET
                phone = COALESCE(calls.phone, excluded.phone),
                role_spoken = CASE WHEN calls.role_key IS NULL THEN excluded.role_spoken ELSE calls.role_spoken END,
                role_key = COALESCE(calls.role_key, excluded.role_key)
            RETURNING *
            """
        ).first(decoding: CallRow.self, with: Self.snake)?.record
        guard let call = stored else { throw StoreError("call \(callSid) vanished") }
        return call
    }

    public func call(callSid: String) async throws -> CallRecord? {
        try await reader.raw("SELECT * FROM calls WHERE call_sid = \(bind: callSid)")
            .first(decoding: CallRow.self, with: Self.snake)?.record
    }

    /// Stores the role on the call and, for a known number, on the caller's profile; drops questions
    /// prepared for the old role that nobody has heard yet.
    public func setRole(_ role: PracticeRole, callSid: String, caller: CallerNumber) async throws {
        try await database.raw(
            """
            UPDATE calls SET role_key = \(bind: role.key), role_spoken = \(bind: role.spoken)
            WHERE call_sid = \(bind: callSid)
            """
        ).run()
        if let phone = caller.number {
            try await database.raw(
                """
                UPDATE callers SET role_key = \(bind: role.key), role_spoken = \(bind: role.spoken),
                    updated_at = \(bind: Clock.now()) WHERE phone = \(bind: phone)
                """
            ).run()
        }
        try await database.raw("DELETE FROM questions WHERE call_sid = \(bind: callSid) AND status = 'ready'").run()
    }

    /// Calls started after `startedAfter` that have not ended: the calls on the line right now.
    public func activeCallCount(startedAfter: Date) async throws -> Int {
        let row = try await reader.raw(
            """
            SELECT COUNT(*) AS n FROM calls WHERE ended_at IS NULL AND started_at > \(bind: startedAfter.timeIntervalSince1970)
            """
        ).first()
        return try row?.decode(column: "n", as: Int.self) ?? 0
    }

    /// Applies a call status event. Events can arrive out of order: a terminal status sticks, and an
    /// older sequence number never overwrites a newer one. An event without a sequence number applies
    /// (unless the call has ended) and leaves the sequence as it was, so numbered events still order
    /// themselves after it. `phone`, the caller's number the event carries, is stored when the event
    /// is the first word of the call. Returns the call after the update.
    @discardableResult
    public func applyCallStatus(
        callSid: String, status: String, sequence: Int?, phone: String? = nil
    ) async throws -> CallRecord? {
        let now = Clock.now()
        let terminal = CallRecord.terminalStatuses.contains(status)
        let ordering: SQLQueryString =
            sequence.map { "last_sequence = \(bind: $0) WHERE calls.last_sequence <= \(bind: $0) AND" }
            ?? "last_sequence = calls.last_sequence WHERE"
        // One statement: a status callback arrives for every call, once or more.
        let changed = try await database.raw(
            """
            INSERT INTO calls (call_sid, phone, status, last_sequence, started_at, ended_at)
            VALUES (\(bind: callSid), \(bind: phone), \(bind: status), \(bind: sequence ?? -1), \(bind: now),
                    \(bind: terminal ? now : nil))
            ON CONFLICT (call_sid) DO UPDATE SET status = excluded.status,
                ended_at = CASE WHEN \(bind: terminal) THEN COALESCE(calls.ended_at, \(bind: now)) ELSE calls.ended_at END,
                phone = COALESCE(calls.phone, excluded.phone),
                \(ordering) calls.status NOT IN ('completed', 'busy', 'failed', 'no-answer', 'canceled')
            RETURNING *
            """
        ).first(decoding: CallRow.self, with: Self.snake)?.record
        if let changed { return changed }
        // An event older than the call's latest, or after its end, changes nothing.
        return try await call(callSid: callSid)
    }
}

// MARK: Sessions, questions, answers

extension SQLStore {
    /// Stores the call for `caller` and `role` unless it is stored, then opens its interview the way the
    /// menu does (`openInterview`), or returns the one already open. For callers that have no call
    /// stored yet: tools and tests.
    public func openSession(callSid: String, caller: CallerNumber, role: PracticeRole, total: Int) async throws
        -> SessionRecord
    {
        _ = try await storeCall(callSid: callSid, caller: caller, role: role)
        guard let (session, _) = try await openInterview(callSid: callSid, defaultRole: role, total: total) else {
            throw StoreError("call \(callSid) vanished")
        }
        return session
    }

    /// Opens the interview of a stored call with the call's caller and role (`defaultRole` when it
    /// has none), or returns the one already open (a retried webhook, or a caller coming back to the
    /// menu), with how many answers it has: one statement on the way to the first question. Nil when
    /// the call is not stored.
    public func openInterview(callSid: String, defaultRole: PracticeRole, total: Int) async throws
        -> (session: SessionRecord, answered: Int)?
    {
        let row = try await database.raw(
            """
            INSERT INTO sessions (id, call_sid, phone, role_key, role_spoken, total, status, started_at)
            SELECT \(bind: UUID().uuidString.lowercased()), call_sid, phone, COALESCE(role_key, \(bind: defaultRole.key)),
                   CASE WHEN role_key IS NULL THEN \(bind: defaultRole.spoken) ELSE role_spoken END,
                   \(bind: total), 'in_progress', \(bind: Clock.now())
            FROM calls WHERE call_sid = \(bind: callSid)
            ON CONFLICT (call_sid) DO UPDATE SET call_sid = excluded.call_sid
            RETURNING *, (SELECT COUNT(*) FROM answers WHERE answers.session_id = sessions.id) AS answered
            """
        ).first()
        guard let row else { return nil }
        guard let session = try row.decode(model: SessionRow.self, with: Self.snake).record else {
            throw StoreError("session of call \(callSid) is unreadable")
        }
        return (session, try row.decode(column: "answered", as: Int.self))
    }

    /// The call's interview with how many answers it has, in one read.
    public func interview(callSid: String) async throws -> (session: SessionRecord, answered: Int)? {
        let row = try await reader.raw(
            """
            SELECT *, (SELECT COUNT(*) FROM answers WHERE answers.session_id = sessions.id) AS answered
            FROM sessions WHERE call_sid = \(bind: callSid)
            """
        ).first()
        guard let row, let session = try row.decode(model: SessionRow.self, with: Self.snake).record else { return nil }
        return (session, try row.decode(column: "answered", as: Int.self))
    }

    /// The call's interview with every question prepared or asked in it, in number order, in one
    /// statement: what an answer's Record action reads first. Nil when the call has no interview.
    public func interviewQuestions(callSid: String) async throws
        -> (session: SessionRecord, questions: [PreparedQuestion])?
    {
        let rows = try await reader.raw(
            """
            SELECT s.*, q.call_sid AS q_call_sid, q.number AS q_number, q.question_id AS q_question_id,
                   q.text AS q_text, q.competency AS q_competency, q.origin AS q_origin, q.role_key AS q_role_key,
                   q.audio_key AS q_audio_key, q.status AS q_status
            FROM sessions s LEFT JOIN questions q ON q.call_sid = s.call_sid
            WHERE s.call_sid = \(bind: callSid)
            ORDER BY q.number
            """
        ).all()
        guard let first = rows.first, let session = try first.decode(model: SessionRow.self, with: Self.snake).record
        else { return nil }
        let questions = try rows.compactMap { row -> PreparedQuestion? in
            guard try row.decode(column: "q_number", as: Int?.self) != nil else { return nil }  // no question yet
            return try row.decode(model: QuestionRow.self, with: Self.prefixed("q_")).prepared
        }
        return (session, questions)
    }

    public func session(callSid: String) async throws -> SessionRecord? {
        try await reader.raw("SELECT * FROM sessions WHERE call_sid = \(bind: callSid)")
            .first(decoding: SessionRow.self, with: Self.snake)?.record
    }

    /// Ends a session that is still in progress. An ended one stays as it is, except that a session the
    /// status callback marked abandoned becomes completed when its last answer arrives after all
    /// (Twilio's callbacks race each other).
    public func finishSession(id: String, status: SessionStatus, debrief: String?) async throws {
        try await database.raw(
            """
            UPDATE sessions SET status = \(bind: status.rawValue), ended_at = \(bind: Clock.now()),
                debrief = COALESCE(\(bind: debrief), debrief)
            WHERE id = \(bind: id)
              AND (status = 'in_progress' OR (status = 'abandoned' AND \(bind: status.rawValue) = 'completed'))
            """
        ).run()
    }

    public func preparedQuestion(callSid: String, number: Int) async throws -> PreparedQuestion? {
        try await reader.raw(
            "SELECT * FROM questions WHERE call_sid = \(bind: callSid) AND number = \(bind: number)"
        ).first(decoding: QuestionRow.self, with: Self.snake)?.prepared
    }

    public func preparedQuestions(callSid: String) async throws -> [PreparedQuestion] {
        try await reader.raw("SELECT * FROM questions WHERE call_sid = \(bind: callSid) ORDER BY number")
            .all(decoding: QuestionRow.self, with: Self.snake).compactMap(\.prepared)
    }

    /// Stores a prepared question unless one is already there (prepared elsewhere, or already asked
    /// as a fallback). A ready question for another role gives way when this one is for the call's
    /// role now (a preparation that started before the caller chose a role lost the race); the check
    /// is in the statement, so a late stale writer can never replace the right one. Returns the
    /// question that is stored now, which callers must use.
    ///
    /// `clip`, when given, is the question's audio, not yet stored: on PostgreSQL it goes in the same
    /// statement (one round trip fewer for every voiced question), on SQLite just before it.
    public func savePreparedQuestion(
        callSid: String, number: Int, question: Question, roleKey: String, audioKey: String?,
        status: PreparedQuestion.Status = .ready, notifying notice: Notice? = nil, clip: AudioClip? = nil
    ) async throws -> PreparedQuestion {
        let upsert: SQLQueryString = """
            INSERT INTO questions (call_sid, number, question_id, text, competency, origin, role_key, audio_key,
                                   status, created_at)
            VALUES (\(bind: callSid), \(bind: number), \(bind: question.id), \(bind: question.text),
                    \(bind: question.competency.rawValue), \(bind: question.origin.rawValue), \(bind: roleKey),
                    \(bind: audioKey), \(bind: status.rawValue), \(bind: Clock.now()))
            ON CONFLICT (call_sid, number) DO UPDATE SET
                question_id = excluded.question_id, text = excluded.text, competency = excluded.competency,
                origin = excluded.origin, role_key = excluded.role_key, audio_key = excluded.audio_key,
                status = excluded.status, created_at = excluded.created_at
            WHERE questions.status = 'ready' AND questions.role_key <> excluded.role_key
              AND excluded.role_key = COALESCE(
                  (SELECT role_key FROM calls WHERE calls.call_sid = excluded.call_sid), 'general')
            RETURNING *
            """
        // On PostgreSQL the audio is stored and other instances hear of the question in the same
        // statement: one round trip on the way to a caller who may be on hold for it.
        var with: [SQLQueryString] = []
        if let clip {
            if isPostgres { with.append("clip AS (\(Self.audioInsert(clip)))") } else { try await saveAudio(clip) }
        }
        let statement: SQLQueryString
        if let notice, isPostgres {
            with.append("saved AS (\(upsert))")
            statement = """
                WITH \(with.joined(separator: ", "))
                SELECT saved.*, pg_notify(\(bind: notice.channel), \(bind: notice.payload)) AS notified FROM saved
                """
        } else {
            statement = with.isEmpty ? upsert : "WITH \(with.joined(separator: ", ")) \(upsert)"
        }
        let written = try await database.raw(statement).first(decoding: QuestionRow.self, with: Self.snake)?.prepared
        // Nothing returned: the stored question stays (asked, or prepared for the current role). Read it.
        if let written { return written }
        guard let stored = try await preparedQuestion(callSid: callSid, number: number) else {
            throw StoreError("question \(number) of call \(callSid) vanished")
        }
        return stored
    }

    /// Question `number` if it can be asked now (prepared for `roleKey`, or asked already), marked asked
    /// in the same statement; nil when it is not ready. One round trip on the path of every question.
    public func takeQuestion(callSid: String, number: Int, roleKey: String) async throws -> PreparedQuestion? {
        try await database.raw(
            """
            UPDATE questions SET status = 'asked'
            WHERE call_sid = \(bind: callSid) AND number = \(bind: number)
              AND (status = 'asked' OR role_key = \(bind: roleKey))
            RETURNING *
            """
        ).first(decoding: QuestionRow.self, with: Self.snake)?.prepared
    }

    /// Stores an answer once: a retried Record action finds it there and changes nothing.
    /// Returns true when this call stored it.
    @discardableResult
    public func saveAnswer(_ answer: AnswerRecord) async throws -> Bool {
        // One statement: two instances storing the same retried action at once cannot both win.
        try await !database.raw(
            """
            INSERT INTO answers (call_sid, number, session_id, question_id, question_text, competency, recording_sid,
                                 recording_url, duration, ending, created_at)
            VALUES (\(bind: answer.callSid), \(bind: answer.number), \(bind: answer.sessionID),
                    \(bind: answer.question.id), \(bind: answer.question.text),
                    \(bind: answer.question.competency.rawValue), \(bind: answer.recordingSid),
                    \(bind: answer.recordingURL), \(bind: answer.durationSeconds), \(bind: answer.ending.rawValue),
                    \(bind: answer.createdAt.timeIntervalSince1970))
            ON CONFLICT (call_sid, number) DO NOTHING
            RETURNING call_sid
            """
        ).all().isEmpty
    }

    public func answer(callSid: String, number: Int) async throws -> AnswerRecord? {
        try await reader.raw(
            "SELECT * FROM answers WHERE call_sid = \(bind: callSid) AND number = \(bind: number)"
        ).first(decoding: AnswerRow.self, with: Self.snake)?.record
    }

    public func answers(sessionID: String) async throws -> [AnswerRecord] {
        try await reader.raw("SELECT * FROM answers WHERE session_id = \(bind: sessionID) ORDER BY number")
            .all(decoding: AnswerRow.self, with: Self.snake).compactMap(\.record)
    }

    /// What the answers so far tell the writer of a caller's next question, in one statement: every
    /// answer of this number (or, for a withheld number, of this session) with its transcript and
    /// analysis. Empty when neither is known.
    public func answerHistory(phone: String?, sessionID: String?) async throws -> AnswerHistory {
        let whose: SQLQueryString
        if let phone {
            whose = "s.phone = \(bind: phone)"
        } else if let sessionID {
            whose = "a.session_id = \(bind: sessionID)"
        } else {
            return AnswerHistory()
        }
        let rows = try await reader.raw(
            """
            SELECT a.session_id, a.number, a.question_id, r.transcript, r.analysis, r.model_feedback
            FROM answers a JOIN sessions s ON s.id = a.session_id
            LEFT JOIN recordings r ON r.recording_sid = a.recording_sid
            WHERE \(whose)
            ORDER BY s.started_at, s.id, a.number
            """
        ).all()
        var history = AnswerHistory()
        for row in rows {
            let coaching = try row.decode(model: CoachingRow.self, with: Self.snake)
            if phone != nil {
                history.askedQuestionIDs.insert(try row.decode(column: "question_id", as: String.self))
                if let analysis = coaching.coaching { history.analyses.append(analysis) }
            }
            if try row.decode(column: "session_id", as: String.self) == sessionID,
                let transcript = try row.decode(column: "transcript", as: String?.self)
            {
                history.heard[try row.decode(column: "number", as: Int.self)] = (
                    transcript, JSONColumn.decode(coaching.analysis)
                )
            }
        }
        return history
    }

    /// Every session of this number with the analyses stored so far, oldest first.
    public func history(phone: String) async throws -> [(session: SessionRecord, analyses: [AnswerAnalysis])] {
        let sessions = try await reader.raw(
            "SELECT * FROM sessions WHERE phone = \(bind: phone) ORDER BY started_at"
        ).all(decoding: SessionRow.self, with: Self.snake).compactMap(\.record)
        var result: [(SessionRecord, [AnswerAnalysis])] = []
        for session in sessions {
            result.append((session, try await analyses(sessionID: session.id)))
        }
        return result
    }

    /// Analyses of a session's answers that are ready now, in answer order.
    /// Model feedback, where it arrived, is folded into each analysis. `before`: only answers numbered lower.
    public func analyses(sessionID: String, before number: Int = .max) async throws -> [AnswerAnalysis] {
        try await reader.raw(
            """
            SELECT r.analysis, r.model_feedback FROM answers a JOIN recordings r ON r.recording_sid = a.recording_sid
            WHERE a.session_id = \(bind: sessionID) AND r.analysis IS NOT NULL AND a.number < \(bind: number)
            ORDER BY a.number
            """
        ).all(decoding: CoachingRow.self, with: Self.snake).compactMap(\.coaching)
    }
}

extension SQLStore {
    /// The session of the answer recorded as `recordingSid`, and whether every answer before its last
    /// is settled: analysed (and, with `feedbackExpected`, its model feedback stored or failed), or
    /// with nothing to analyse (no recording, or silence). What a debrief waits for; each analysis and
    /// feedback asks, so it is one query.
    public func debriefState(recordingSid: String, feedbackExpected: Bool = false) async throws
        -> (session: SessionRecord, settled: Bool)?
    {
        let feedbackIn: SQLQueryString =
            feedbackExpected ? "AND (r.model_feedback IS NOT NULL OR r.feedback_failed = 1)" : ""
        guard
            let row = try await reader.raw(
                """
                SELECT s.*,
                       (SELECT COUNT(*) FROM answers b LEFT JOIN recordings r ON r.recording_sid = b.recording_sid
                        WHERE b.session_id = s.id AND b.number < s.total
                          AND ((r.analysis IS NOT NULL \(feedbackIn))
                               OR b.recording_sid IS NULL OR b.duration <= 0)) AS settled
                FROM answers a JOIN sessions s ON s.id = a.session_id
                WHERE a.recording_sid = \(bind: recordingSid)
                """
            ).first(),
            let session = try row.decode(model: SessionRow.self, with: Self.snake).record
        else { return nil }
        let settled = try row.decode(column: "settled", as: Int.self)
        return (session, settled >= session.total - 1)
    }
}

// MARK: Recordings and transcripts

extension SQLStore {
    /// Merges what one callback knows about a recording into what is stored; returns the result.
    /// A transcript is taken when none is stored, or when a provider's replaces Twilio's, together with
    /// its word timings. Replacing it with different words clears the analysis and feedback made from
    /// the old text; the same words keep the feedback, and the analysis too unless timings came with them
    /// (pace is then measured again). A provider's transcript ends the wait for it.
    @discardableResult
    public func updateRecording(_ update: RecordingUpdate) async throws -> RecordingRecord {
        let source = update.transcript == nil ? nil : (update.transcriptSource ?? "twilio")
        let timing = update.transcript == nil ? nil : update.speechTiming.map(JSONColumn.encode)
        let replace: SQLQueryString = """
            (excluded.transcript IS NOT NULL AND (recordings.transcript IS NULL
              OR (recordings.transcript_source = 'twilio' AND excluded.transcript_source <> 'twilio')))
            """
        // 0: no provider asked; 1: a provider transcript is on its way; 2: the wait is over. A wait
        // that is over is never started again (a late callback asks again for the same work).
        let awaiting = update.awaitingProvider.map { $0 ? 1 : 2 }
        let row = try await database.raw(
            """
            INSERT INTO recordings (recording_sid, call_sid, recording_url, duration, status, transcript,
                                    transcript_status, transcript_source, speech_timing, awaiting_provider,
                                    updated_at)
            VALUES (\(bind: update.recordingSid), \(bind: update.callSid), \(bind: update.recordingURL),
                    \(bind: update.durationSeconds), \(bind: update.status), \(bind: update.transcript),
                    \(bind: update.transcriptStatus), \(bind: source), \(bind: timing), \(bind: awaiting ?? 0),
                    \(bind: Clock.now()))
            ON CONFLICT (recording_sid) DO UPDATE SET
                call_sid = COALESCE(excluded.call_sid, recordings.call_sid),
                recording_url = COALESCE(excluded.recording_url, recordings.recording_url),
                duration = COALESCE(excluded.duration, recordings.duration),
                status = COALESCE(excluded.status, recordings.status),
                transcript = CASE WHEN \(replace) THEN excluded.transcript ELSE recordings.transcript END,
                transcript_source = CASE WHEN \(replace) THEN excluded.transcript_source
                                         ELSE recordings.transcript_source END,
                speech_timing = CASE WHEN \(replace) THEN excluded.speech_timing ELSE recordings.speech_timing END,
                analysis = CASE WHEN \(replace) AND (excluded.transcript <> recordings.transcript
                                                     OR excluded.speech_timing IS NOT NULL) THEN NULL
                                ELSE recordings.analysis END,
                model_feedback = CASE WHEN \(replace) AND excluded.transcript <> recordings.transcript THEN NULL
                                      ELSE recordings.model_feedback END,
                feedback_failed = CASE WHEN \(replace) AND excluded.transcript <> recordings.transcript THEN 0
                                       ELSE recordings.feedback_failed END,
                transcript_status = COALESCE(excluded.transcript_status, recordings.transcript_status),
                awaiting_provider = CASE WHEN \(bind: awaiting == nil) OR recordings.awaiting_provider = 2
                                         THEN recordings.awaiting_provider ELSE excluded.awaiting_provider END,
                updated_at = excluded.updated_at
            RETURNING *
            """
        ).first(decoding: RecordingRow.self, with: Self.snake)
        guard let record = row?.record else { throw StoreError("recording \(update.recordingSid) vanished") }
        return record
    }

    public func recording(sid: String) async throws -> RecordingRecord? {
        try await reader.raw("SELECT * FROM recordings WHERE recording_sid = \(bind: sid)")
            .first(decoding: RecordingRow.self, with: Self.snake)?.record
    }

    /// Stores model feedback for the transcript it was made from (a newer transcript wins).
    public func saveModelFeedback(_ feedback: ModelFeedback, recordingSid: String, transcript: String) async throws {
        try await database.raw(
            """
            UPDATE recordings SET model_feedback = \(bind: JSONColumn.encode(feedback)), updated_at = \(bind: Clock.now())
            WHERE recording_sid = \(bind: recordingSid) AND transcript = \(bind: transcript)
            """
        ).run()
    }

    /// Notes that the model's feedback on `transcript` will not come (the model failed), so what waits
    /// for it (the debrief) goes on without it. A newer transcript clears the note.
    public func saveFeedbackFailed(recordingSid: String, transcript: String) async throws {
        try await database.raw(
            """
            UPDATE recordings SET feedback_failed = 1, updated_at = \(bind: Clock.now())
            WHERE recording_sid = \(bind: recordingSid) AND transcript = \(bind: transcript)
              AND model_feedback IS NULL
            """
        ).run()
    }

    /// The answer a recording belongs to and its session, for work that needs the question and role.
    public func answerContext(recordingSid: String) async throws -> (answer: AnswerRecord, session: SessionRecord)? {
        // One query: background work asks this several times per answer.
        guard
            let row = try await reader.raw(
                """
                SELECT a.*, s.id, s.phone, s.role_key, s.role_spoken, s.total, s.status, s.started_at, s.ended_at,
                       s.debrief
                FROM answers a JOIN sessions s ON s.id = a.session_id
                WHERE a.recording_sid = \(bind: recordingSid)
                """
            ).first(),
            let answer = try row.decode(model: AnswerRow.self, with: Self.snake).record,
            let session = try row.decode(model: SessionRow.self, with: Self.snake).record
        else { return nil }
        return (answer, session)
    }

    public func saveAnalysis(_ analysis: AnswerAnalysis, recordingSid: String) async throws {
        try await database.raw(
            """
            UPDATE recordings SET analysis = \(bind: JSONColumn.encode(analysis)), updated_at = \(bind: Clock.now())
            WHERE recording_sid = \(bind: recordingSid)
            """
        ).run()
    }
}

// MARK: Spoken drafts

extension SQLStore {
    /// A model's wording of a template text (a debrief per session, a progress report per caller).
    /// Kept per template: the caller hears it only while that template is still what they would hear.
    public func saveDraft(kind: String, owner: String, template: String, worded: String) async throws {
        try await database.raw(
            """
            INSERT INTO worded_drafts (kind, owner, template, worded, updated_at)
            VALUES (\(bind: kind), \(bind: owner), \(bind: template), \(bind: worded), \(bind: Clock.now()))
            ON CONFLICT (kind, owner, template) DO UPDATE SET
                worded = excluded.worded, updated_at = excluded.updated_at
            """
        ).run()
    }

    /// Every wording stored for `owner`, by the template it was made from: for a caller whose template
    /// is known only after other reads, so the lookup can go out beside them.
    public func drafts(kind: String, owner: String) async throws -> [String: String] {
        let rows = try await reader.raw(
            "SELECT template, worded FROM worded_drafts WHERE kind = \(bind: kind) AND owner = \(bind: owner)"
        ).all()
        var wordings: [String: String] = [:]
        for row in rows {
            wordings[try row.decode(column: "template", as: String.self)] = try row.decode(
                column: "worded", as: String.self)
        }
        return wordings
    }

    /// The wording of `template`, if a draft was made from exactly that template.
    public func draft(kind: String, owner: String, template: String) async throws -> String? {
        try await reader.raw(
            """
            SELECT worded FROM worded_drafts
            WHERE kind = \(bind: kind) AND owner = \(bind: owner) AND template = \(bind: template)
            """
        ).first(decodingColumn: "worded", as: String.self)
    }
}

// MARK: Audio

extension SQLStore {
    public func audio(key: String) async throws -> (contentType: String, bytes: Data)? {
        guard
            let row = try await reader.raw("SELECT content_type, bytes FROM audio WHERE key = \(bind: key)").first()
        else { return nil }
        return (try row.decode(column: "content_type", as: String.self), try row.decode(column: "bytes", as: Data.self))
    }

    public func hasAudio(key: String) async throws -> Bool {
        try await reader.raw("SELECT key FROM audio WHERE key = \(bind: key)").first() != nil
    }

    public func saveAudio(_ clip: AudioClip) async throws {
        try await database.raw(Self.audioInsert(clip)).run()
    }

    /// The first stored under a key wins: the key is a hash of what was said, so any copy is the same.
    static func audioInsert(_ clip: AudioClip) -> SQLQueryString {
        """
        INSERT INTO audio (key, content_type, bytes, created_at)
        VALUES (\(bind: clip.key), \(bind: clip.contentType), \(bind: clip.bytes), \(bind: Clock.now()))
        ON CONFLICT (key) DO NOTHING
        """
    }
}

public struct StoreError: Error, CustomStringConvertible {
    public let description: String
    init(_ description: String) { self.description = description }
}

/// Columns are snake_case, row properties camelCase. SQLKit's own conversion works the name out
/// again, character by character through Unicode properties, for every column of every row: under
/// load that was a tenth of the server's CPU (perf, `coachline bench`). There are only a few dozen
/// names, so each is converted once and remembered.
struct ColumnName: CodingKey {
    let stringValue: String
    var intValue: Int? { nil }

    init(stringValue: String) { self.stringValue = stringValue }
    init?(intValue: Int) { nil }

    private static let known = NIOLockedValueBox<[String: String]>([:])

    /// `callSid` -> `call_sid`.
    static func snakeCase(_ name: String) -> String {
        if let column = known.withLockedValue({ $0[name] }) { return column }
        var column = ""
        for character in name {
            if character.isUppercase {
                column += "_" + character.lowercased()
            } else {
                column.append(character)
            }
        }
        known.withLockedValue { $0[name] = column }
        return column
    }
}
