import Foundation
import SQLKit

/// Where a job is in its life: waiting (possibly for a retry time), held by a worker under a lease,
/// finished, or given up on after its last attempt (the dead letters an operator looks at).
public enum JobState: String, Sendable, CaseIterable, Codable {
    case queued, running, done, dead
}

/// Work to be done in the background. `key` is the idempotency key: the same work enqueued twice
/// (a webhook Twilio retried) is stored once.
public struct NewJob: Sendable, Equatable {
    public var key: String
    public var kind: String
    /// JSON text the worker decodes.
    public var payload: String
    public var maxAttempts: Int
    /// Not before this time; nil for now.
    public var runAt: Date?

    public init(key: String, kind: String, payload: String, maxAttempts: Int = 3, runAt: Date? = nil) {
        self.key = key
        self.kind = kind
        self.payload = payload
        self.maxAttempts = maxAttempts
        self.runAt = runAt
    }
}

public struct JobRecord: Sendable, Equatable {
    public var id: String
    public var kind: String
    public var payload: String
    public var state: JobState
    public var attempts: Int
    public var maxAttempts: Int
    public var runAt: Date
    public var leaseUntil: Date?
    public var worker: String?
    public var lastError: String?
    public var createdAt: Date
    public var updatedAt: Date
}

struct JobRow: Decodable {
    var id: String
    var kind: String
    var payload: String
    var state: String
    var attempts: Int
    var maxAttempts: Int
    var runAt: Double
    var leaseUntil: Double?
    var worker: String?
    var lastError: String?
    var createdAt: Double
    var updatedAt: Double

    var record: JobRecord {
        JobRecord(
            id: id, kind: kind, payload: payload, state: JobState(rawValue: state) ?? .queued, attempts: attempts,
            maxAttempts: maxAttempts, runAt: Date(timeIntervalSince1970: runAt),
            leaseUntil: leaseUntil.map(Date.init(timeIntervalSince1970:)), worker: worker, lastError: lastError,
            createdAt: Date(timeIntervalSince1970: createdAt), updatedAt: Date(timeIntervalSince1970: updatedAt))
    }
}

/// A durable queue in the `jobs` table. Workers on any number of instances claim due jobs under a
/// lease; a worker that dies lets its lease expire and another takes the job over. PostgreSQL claims
/// with `FOR UPDATE SKIP LOCKED`, so concurrent workers never take the same job; SQLite has a single
/// connection per process, which serialises the same statements.
extension SQLStore {
    /// Stores the job unless one with its key exists. A finished or dead job older than
    /// `requeueAfter` seconds is queued afresh instead: idempotency holds within that window (Twilio
    /// retries come within seconds), while the same work asked for much later can run again.
    /// Returns true when the job was queued by this call. On PostgreSQL a queued job also sends
    /// `notice` when one is given, in the same statement: one round trip.
    @discardableResult
    public func enqueue(
        _ job: NewJob, requeueAfter: Double = 600, now: Date = Date(), notifying notice: Notice? = nil
    ) async throws -> Bool {
        let insert = Self.insertJob(job, claim: nil, requeueAfter: requeueAfter, now: now)
        let statement: SQLQueryString =
            if let notice, isPostgres {
                """
                WITH queued AS (\(insert))
                SELECT id, pg_notify(\(bind: notice.channel), \(bind: notice.payload)) FROM queued
                """
            } else {
                insert
            }
        return try await !database.raw(statement).all().isEmpty
    }

    /// Stores the job as `enqueue` does, already claimed by `worker` (running, its first attempt
    /// counted, under a lease): the worker that will run it is in this process, with a free slot, so
    /// a separate claim would be a round trip for nothing. If the worker dies, the lease expires and
    /// the job is queued again like any claimed one. Returns the job to run, or nil when it was not
    /// stored (one with its key exists).
    public func enqueueClaimed(
        _ job: NewJob, worker: String, leaseSeconds: Double, requeueAfter: Double = 600, now: Date = Date()
    ) async throws -> JobRecord? {
        let time = now.timeIntervalSince1970
        let claim = JobClaim(worker: worker, leaseUntil: time + leaseSeconds)
        let insert = Self.insertJob(job, claim: claim, requeueAfter: requeueAfter, now: now)
        return try await database.raw(insert).first(decoding: JobRow.self, with: Self.snake)?.record
    }

    private struct JobClaim {
        var worker: String
        var leaseUntil: Double
    }

    /// The insert of `enqueue` and `enqueueClaimed`: queued, or running for `claim`.
    private static func insertJob(_ job: NewJob, claim: JobClaim?, requeueAfter: Double, now: Date) -> SQLQueryString {
        let time = now.timeIntervalSince1970
        let runAt = job.runAt?.timeIntervalSince1970 ?? time
        let state: JobState = claim == nil ? .queued : .running
        let attempts = claim == nil ? 0 : 1
        return """
            INSERT INTO jobs (id, kind, payload, state, attempts, max_attempts, run_at, worker, lease_until,
                              created_at, updated_at)
            VALUES (\(bind: job.key), \(bind: job.kind), \(bind: job.payload), \(bind: state.rawValue), \(bind: attempts),
                    \(bind: job.maxAttempts), \(bind: runAt), \(bind: claim?.worker), \(bind: claim?.leaseUntil),
                    \(bind: time), \(bind: time))
            ON CONFLICT (id) DO UPDATE SET
                state = excluded.state, attempts = excluded.attempts, payload = excluded.payload,
                max_attempts = excluded.max_attempts, run_at = excluded.run_at, lease_until = excluded.lease_until,
                worker = excluded.worker, last_error = NULL, updated_at = excluded.updated_at
            WHERE jobs.state IN ('done', 'dead') AND jobs.updated_at < \(bind: time - requeueAfter)
            RETURNING *
            """
    }

    /// Takes up to `limit` due jobs for `worker`: queued ones whose time has come (a job whose worker
    /// died is queued again by `requeueExpiredJobs`). Each claim counts an attempt. `urgentKinds` are
    /// taken before any other due job, oldest first within each group: a caller may be waiting on them
    /// while the rest can trail behind. `othersAtMost` caps the jobs of the other kinds (a worker whose
    /// threads are saturated runs fewer of them); each group is then read through its own queued-job
    /// index, however many jobs wait, in one statement.
    public func claimJobs(
        worker: String, limit: Int, leaseSeconds: Double, urgentKinds: [String] = [], othersAtMost: Int? = nil,
        now: Date = Date()
    ) async throws -> [JobRecord] {
        guard limit > 0 else { return [] }
        let time = now.timeIntervalSince1970
        let lock: SQLQueryString = isPostgres ? "FOR UPDATE SKIP LOCKED" : ""
        let due: SQLQueryString
        if let othersAtMost, !urgentKinds.isEmpty {
            let kinds = Self.kindList(urgentKinds)
            due = """
                SELECT id FROM (
                    SELECT id, urgency, run_at FROM (
                        SELECT id, 0 AS urgency, run_at FROM jobs
                        WHERE state = 'queued' AND run_at <= \(bind: time) AND kind IN (\(kinds))
                        ORDER BY run_at LIMIT \(bind: limit) \(lock)) AS urgent
                    UNION ALL
                    SELECT id, urgency, run_at FROM (
                        SELECT id, 1 AS urgency, run_at FROM jobs
                        WHERE state = 'queued' AND run_at <= \(bind: time) AND kind NOT IN (\(kinds))
                        ORDER BY run_at LIMIT \(bind: max(0, othersAtMost)) \(lock)) AS others
                ) AS due
                ORDER BY urgency, run_at LIMIT \(bind: limit)
                """
        } else {
            let urgentFirst: SQLQueryString =
                urgentKinds.isEmpty ? "" : "CASE WHEN kind IN (\(binds: urgentKinds)) THEN 0 ELSE 1 END, "
            due = """
                SELECT id FROM jobs
                WHERE state = 'queued' AND run_at <= \(bind: time)
                ORDER BY \(urgentFirst)run_at
                LIMIT \(bind: limit)
                \(lock)
                """
        }
        return try await database.raw(
            """
            UPDATE jobs SET state = 'running', attempts = attempts + 1, worker = \(bind: worker),
                            lease_until = \(bind: time + leaseSeconds), updated_at = \(bind: time)
            WHERE id IN (\(due))
            RETURNING *
            """
        ).all(decoding: JobRow.self, with: Self.snake).map(\.record)
    }

    /// Job kinds as SQL literals (`'question'`), so the planner sees them even in a prepared
    /// statement's generic plan and can use an index made for one kind (migration 10). Kinds are the
    /// code's own names; any other text is bound as a parameter instead.
    static func kindList(_ kinds: [String]) -> SQLQueryString {
        guard !kinds.isEmpty, kinds.allSatisfy(isPlainKind) else { return "\(binds: kinds)" }
        return "\(unsafeRaw: kinds.map { "'\($0)'" }.joined(separator: ", "))"
    }

    static func isPlainKind(_ kind: String) -> Bool {
        !kind.isEmpty
            && kind.utf8.allSatisfy { (UInt8(ascii: "a")...UInt8(ascii: "z")).contains($0) || $0 == UInt8(ascii: "_") }
    }

    /// Takes job `id` for `worker` when it is queued and due: a caller is waiting for it now, so it goes
    /// ahead of whatever else is due. Nil when it is running, finished, or waiting out a retry's backoff.
    public func claimJob(id: String, worker: String, leaseSeconds: Double, now: Date = Date()) async throws
        -> JobRecord?
    {
        let time = now.timeIntervalSince1970
        return try await database.raw(
            """
            UPDATE jobs SET state = 'running', attempts = attempts + 1, worker = \(bind: worker),
                            lease_until = \(bind: time + leaseSeconds), updated_at = \(bind: time)
            WHERE id = \(bind: id) AND state = 'queued' AND run_at <= \(bind: time)
            RETURNING *
            """
        ).first(decoding: JobRow.self, with: Self.snake)?.record
    }

    /// Running jobs whose lease expired with attempts left (their worker died, or lost the database)
    /// are queued again, for any worker to claim. Returns how many.
    @discardableResult
    public func requeueExpiredJobs(now: Date = Date()) async throws -> Int {
        let time = now.timeIntervalSince1970
        return try await database.raw(
            """
            UPDATE jobs SET state = 'queued', worker = NULL, lease_until = NULL, updated_at = \(bind: time)
            WHERE state = 'running' AND lease_until < \(bind: time) AND attempts < max_attempts
            RETURNING id
            """
        ).all().count
    }

    /// Running jobs whose lease expired on their last attempt: their worker died each time. They
    /// become dead letters; returns them so the caller can log each.
    public func deadLetterExpiredJobs(now: Date = Date()) async throws -> [JobRecord] {
        let time = now.timeIntervalSince1970
        return try await database.raw(
            """
            UPDATE jobs SET state = 'dead', worker = NULL, lease_until = NULL, updated_at = \(bind: time),
                            last_error = COALESCE(last_error || '; ', '') || 'lease expired on the last attempt'
            WHERE state = 'running' AND lease_until < \(bind: time) AND attempts >= max_attempts
            RETURNING *
            """
        ).all(decoding: JobRow.self, with: Self.snake).map(\.record)
    }

    /// Marks the job done if `worker` still holds it. False when the lease was lost to another
    /// worker, whose result then stands.
    @discardableResult
    public func completeJob(id: String, worker: String, now: Date = Date()) async throws -> Bool {
        try await !database.raw(
            """
            UPDATE jobs SET state = 'done', lease_until = NULL, updated_at = \(bind: now.timeIntervalSince1970)
            WHERE id = \(bind: id) AND worker = \(bind: worker) AND state = 'running'
            RETURNING id
            """
        ).all().isEmpty
    }

    /// Records a failed attempt: queued again at `retryAt`, or dead when it was the last attempt.
    /// Returns the new state, or nil when `worker` no longer holds the job.
    @discardableResult
    public func failJob(id: String, worker: String, error: String, retryAt: Date, now: Date = Date()) async throws
        -> JobState?
    {
        let row = try await database.raw(
            """
            UPDATE jobs SET state = CASE WHEN attempts >= max_attempts THEN 'dead' ELSE 'queued' END,
                            run_at = \(bind: retryAt.timeIntervalSince1970), lease_until = NULL, worker = NULL,
                            last_error = \(bind: String(error.prefix(2000))), updated_at = \(bind: now.timeIntervalSince1970)
            WHERE id = \(bind: id) AND worker = \(bind: worker) AND state = 'running'
            RETURNING state
            """
        ).first()
        return try row.map { try JobState(rawValue: $0.decode(column: "state", as: String.self)) ?? .queued }
    }

    /// Hands a held job back untried (a worker shutting down): queued for now, the attempt not counted.
    @discardableResult
    public func releaseJob(id: String, worker: String, now: Date = Date()) async throws -> Bool {
        let time = now.timeIntervalSince1970
        return try await !database.raw(
            """
            UPDATE jobs SET state = 'queued', attempts = CASE WHEN attempts > 0 THEN attempts - 1 ELSE 0 END,
                            worker = NULL, lease_until = NULL, run_at = \(bind: time), updated_at = \(bind: time)
            WHERE id = \(bind: id) AND worker = \(bind: worker) AND state = 'running'
            RETURNING id
            """
        ).all().isEmpty
    }

    public func job(id: String) async throws -> JobRecord? {
        try await reader.raw("SELECT * FROM jobs WHERE id = \(bind: id)")
            .first(decoding: JobRow.self, with: Self.snake)?.record
    }

    public func jobs(state: JobState) async throws -> [JobRecord] {
        try await reader.raw("SELECT * FROM jobs WHERE state = \(bind: state.rawValue) ORDER BY updated_at")
            .all(decoding: JobRow.self, with: Self.snake).map(\.record)
    }

    /// How many jobs are in each state (every state present, zero when none).
    public func jobCounts() async throws -> [JobState: Int] {
        var counts = Dictionary(uniqueKeysWithValues: JobState.allCases.map { ($0, 0) })
        for row in try await reader.raw("SELECT state, COUNT(*) AS n FROM jobs GROUP BY state").all() {
            if let state = JobState(rawValue: try row.decode(column: "state", as: String.self)) {
                counts[state] = try row.decode(column: "n", as: Int.self)
            }
        }
        return counts
    }

    /// Deletes done jobs last touched before `doneBefore` and dead ones before `deadBefore`.
    @discardableResult
    public func pruneJobs(doneBefore: Date, deadBefore: Date) async throws -> Int {
        try await database.raw(
            """
            DELETE FROM jobs
            WHERE (state = 'done' AND updated_at < \(bind: doneBefore.timeIntervalSince1970))
               OR (state = 'dead' AND updated_at < \(bind: deadBefore.timeIntervalSince1970))
            RETURNING id
            """
        ).all().count
    }

    /// Wakes listeners on other instances (PostgreSQL NOTIFY); a no-op on SQLite, where one process
    /// has every listener.
    public func notify(channel: String, payload: String = "") async throws {
        guard isPostgres else { return }
        try await database.raw("SELECT pg_notify(\(bind: channel), \(bind: payload))").run()
    }
}
