import Foundation
import SQLKit

/// Versioned, forward-only schema. Each step runs once and is recorded in `schema_migrations`;
/// never edit a shipped step, add a new one. The SQL stays portable (SQLite and PostgreSQL).
enum Migrations {
    struct Step: Sendable {
        let version: Int
        let name: String
        let statements: [String]
        /// Settings only PostgreSQL has; SQLite records the step and runs none of them.
        var postgresOnly: [String] = []
    }

    static let steps: [Step] = [
        Step(
            version: 1, name: "calls, sessions, answers, recordings, audio",
            statements: [
                """
                CREATE TABLE callers (
                    phone TEXT PRIMARY KEY, role_key TEXT, role_spoken TEXT,
                    created_at DOUBLE PRECISION NOT NULL, updated_at DOUBLE PRECISION NOT NULL)
                """,
                """
                CREATE TABLE calls (
                    call_sid TEXT PRIMARY KEY, phone TEXT, role_key TEXT, role_spoken TEXT,
                    status TEXT NOT NULL, last_sequence INTEGER NOT NULL DEFAULT -1,
                    started_at DOUBLE PRECISION NOT NULL, ended_at DOUBLE PRECISION)
                """,
                """
                CREATE TABLE sessions (
                    id TEXT PRIMARY KEY, call_sid TEXT NOT NULL UNIQUE, phone TEXT,
                    role_key TEXT NOT NULL, role_spoken TEXT, total INTEGER NOT NULL, status TEXT NOT NULL,
                    started_at DOUBLE PRECISION NOT NULL, ended_at DOUBLE PRECISION, debrief TEXT)
                """,
                "CREATE INDEX sessions_phone ON sessions (phone)",
                """
                CREATE TABLE questions (
                    call_sid TEXT NOT NULL, number INTEGER NOT NULL, question_id TEXT NOT NULL,
                    text TEXT NOT NULL, competency TEXT NOT NULL, origin TEXT NOT NULL, role_key TEXT NOT NULL,
                    audio_key TEXT, status TEXT NOT NULL, created_at DOUBLE PRECISION NOT NULL,
                    PRIMARY KEY (call_sid, number))
                """,
                """
                CREATE TABLE answers (
                    call_sid TEXT NOT NULL, number INTEGER NOT NULL, session_id TEXT NOT NULL,
                    question_id TEXT NOT NULL, question_text TEXT NOT NULL, competency TEXT NOT NULL,
                    recording_sid TEXT, recording_url TEXT, duration DOUBLE PRECISION NOT NULL,
                    ending TEXT NOT NULL, created_at DOUBLE PRECISION NOT NULL,
                    PRIMARY KEY (call_sid, number))
                """,
                "CREATE INDEX answers_session ON answers (session_id)",
                "CREATE INDEX answers_recording ON answers (recording_sid)",
                """
                CREATE TABLE recordings (
                    recording_sid TEXT PRIMARY KEY, call_sid TEXT, recording_url TEXT,
                    duration DOUBLE PRECISION, status TEXT, transcript TEXT, transcript_status TEXT,
                    analysis TEXT, updated_at DOUBLE PRECISION NOT NULL)
                """,
                """
                CREATE TABLE audio (
                    key TEXT PRIMARY KEY, content_type TEXT NOT NULL, bytes BLOB NOT NULL,
                    created_at DOUBLE PRECISION NOT NULL)
                """,
            ]),
        Step(
            version: 2, name: "transcript source and model feedback",
            statements: [
                "ALTER TABLE recordings ADD COLUMN transcript_source TEXT",
                "ALTER TABLE recordings ADD COLUMN model_feedback TEXT",
            ]),
        Step(
            version: 3, name: "spoken drafts",
            statements: [
                """
                CREATE TABLE spoken_drafts (
                    kind TEXT NOT NULL, owner TEXT NOT NULL, template TEXT NOT NULL, worded TEXT NOT NULL,
                    updated_at DOUBLE PRECISION NOT NULL, PRIMARY KEY (kind, owner))
                """
            ]),
        Step(
            version: 4, name: "speech timing from word timestamps",
            statements: ["ALTER TABLE recordings ADD COLUMN speech_timing TEXT"]),
        Step(
            version: 5, name: "durable jobs",
            statements: [
                // id is the idempotency key: enqueueing the same work twice is a no-op.
                """
                CREATE TABLE jobs (
                    id TEXT PRIMARY KEY, kind TEXT NOT NULL, payload TEXT NOT NULL, state TEXT NOT NULL,
                    attempts INTEGER NOT NULL DEFAULT 0, max_attempts INTEGER NOT NULL,
                    run_at DOUBLE PRECISION NOT NULL, lease_until DOUBLE PRECISION, worker TEXT, last_error TEXT,
                    created_at DOUBLE PRECISION NOT NULL, updated_at DOUBLE PRECISION NOT NULL)
                """,
                "CREATE INDEX jobs_due ON jobs (state, run_at)",
            ]),
        Step(
            // One wording per template, not per owner: templates change as analyses and feedback land,
            // and drafts worded by jobs in any order must not overwrite the one the caller will hear.
            version: 6, name: "drafts keyed by template",
            statements: [
                """
                CREATE TABLE worded_drafts (
                    kind TEXT NOT NULL, owner TEXT NOT NULL, template TEXT NOT NULL, worded TEXT NOT NULL,
                    updated_at DOUBLE PRECISION NOT NULL, PRIMARY KEY (kind, owner, template))
                """,
                """
                INSERT INTO worded_drafts (kind, owner, template, worded, updated_at)
                SELECT kind, owner, template, worded, updated_at FROM spoken_drafts
                """,
                "DROP TABLE spoken_drafts",
            ]),
        Step(
            // Every new call asks whether its number called before; /metrics counts calls in progress.
            // Both scanned the whole table. A recording whose provider transcription is on its way
            // leaves Twilio's transcript unanalysed (1 while waiting).
            version: 7, name: "calls by phone and start; recordings awaiting a provider transcript",
            statements: [
                "CREATE INDEX calls_phone ON calls (phone)",
                "CREATE INDEX calls_started ON calls (started_at)",
                "ALTER TABLE recordings ADD COLUMN awaiting_provider INTEGER NOT NULL DEFAULT 0",
            ]),
        Step(
            // The debrief is worded once every earlier answer's feedback is in or will not come; a
            // failed model call says so here (1), or the debrief would wait for it forever.
            version: 8, name: "recordings whose model feedback failed",
            statements: ["ALTER TABLE recordings ADD COLUMN feedback_failed INTEGER NOT NULL DEFAULT 0"]),
        Step(
            // A claim takes the oldest queued jobs, of some kinds or all but some. Under load hundreds
            // wait (transcriptions and feedback step aside for webhooks), and each claim read and sorted
            // all of them. Indexes on just the queued jobs, in claim order, let it read the few it takes.
            version: 9, name: "queued jobs in claim order",
            statements: [
                "CREATE INDEX jobs_queued ON jobs (run_at) WHERE state = 'queued'",
                "CREATE INDEX jobs_queued_kind ON jobs (kind, run_at) WHERE state = 'queued'",
            ]),
        Step(
            // The claim for questions (the kind a caller waits on) runs as a prepared statement, and
            // PostgreSQL's generic plan for `kind IN ($1)` cannot tell that queued questions are few
            // among hundreds of queued transcriptions: it walked `jobs_queued` past all of them (0.57 ms
            // a claim, a fifth of the database's time in a 200-call run). The claim names its kinds
            // as literals, and this index holds exactly the queued questions.
            version: 10, name: "queued questions",
            statements: [
                "CREATE INDEX jobs_queued_questions ON jobs (run_at) WHERE state = 'queued' AND kind = 'question'"
            ]
        ),
        Step(
            // Speech barely compresses, yet PostgreSQL tried to compress every clip before storing it out
            // of line: pglz_compress was the costliest of its own functions in a 200-call run
            // (docs/benchmarks-history.md, fix 66). EXTERNAL stores large values out of line as they are. It
            // applies to rows stored from now on; stored clips stay as they are.
            version: 11, name: "audio stored uncompressed",
            statements: [],
            postgresOnly: ["ALTER TABLE audio ALTER COLUMN bytes SET STORAGE EXTERNAL"]),
    ]

    /// Any number that names "CoachLine's migrations" among advisory locks.
    static let advisoryLockKey = 7_262_240_413

    /// Runs the pending steps in one transaction on one connection. On PostgreSQL a transaction-scoped
    /// advisory lock makes instances that start together take turns: the first migrates, the others
    /// then find nothing to do. DDL is transactional on both engines, so a failed step leaves nothing.
    static func run(on db: any SQLDatabase) async throws -> [Int] {
        try await db.withSession { session in
            let postgres = session.dialect.name == "postgresql"
            try await session.raw("BEGIN").run()
            do {
                if postgres {
                    try await session.raw("SELECT pg_advisory_xact_lock(\(bind: advisoryLockKey))").run()
                }
                let ran = try await apply(on: session, postgres: postgres)
                try await session.raw("COMMIT").run()
                return ran
            } catch {
                try? await session.raw("ROLLBACK").run()
                throw error
            }
        }
    }

    private static func apply(on db: any SQLDatabase, postgres: Bool) async throws -> [Int] {
        try await db.raw(
            """
            CREATE TABLE IF NOT EXISTS schema_migrations (
                version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at DOUBLE PRECISION NOT NULL)
            """
        ).run()
        let applied = Set(
            try await db.raw("SELECT version FROM schema_migrations").all(decodingColumn: "version", as: Int.self))
        var ran: [Int] = []
        for step in steps where !applied.contains(step.version) {
            for statement in step.statements + (postgres ? step.postgresOnly : []) {
                try await db.raw(SQLQueryString(portable(statement, postgres: postgres))).run()
            }
            try await db.raw(
                """
                INSERT INTO schema_migrations (version, name, applied_at)
                VALUES (\(bind: step.version), \(bind: step.name), \(bind: Clock.now()))
                """
            ).run()
            ran.append(step.version)
        }
        return ran
    }

    /// The one spelling the engines disagree on: SQLite's BLOB is PostgreSQL's BYTEA.
    static func portable(_ statement: String, postgres: Bool) -> String {
        postgres ? statement.replacingOccurrences(of: " BLOB ", with: " BYTEA ") : statement
    }
}

enum Clock {
    static func now() -> Double { Date().timeIntervalSince1970 }
}
