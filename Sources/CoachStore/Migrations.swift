import Foundation
import SQLKit

/// Versioned, forward-only schema. Each step runs once and is recorded in `schema_migrations`;
/// never edit a shipped step, add a new one. The SQL stays portable (SQLite and PostgreSQL).
enum Migrations {
    struct Step: Sendable {
        let version: Int
        let name: String
        let statements: [String]
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
    ]

    static func run(on db: any SQLDatabase) async throws -> [Int] {
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
            for statement in step.statements {
                try await db.raw(SQLQueryString(statement)).run()
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
}

enum Clock {
    static func now() -> Double { Date().timeIntervalSince1970 }
}
