import Foundation
import Logging
import PostgresKit
import Synchronization
import Testing

@testable import CoachStore

/// PostgreSQL statements are prepared once per connection by name (`PreparedPostgresDatabase`).
@Suite struct PreparedStatementTests {
    @Test func eachTextAndParameterTypesGetsANameOfItsOwnUpToTheLimit() {
        let names = StatementNames(limit: 3)
        let first = names.name(sql: "SELECT $1", types: [.int8])
        #expect(first != nil)
        #expect(names.name(sql: "SELECT $1", types: [.int8]) == first)
        // The same text with a NULL, or with text, is another statement to PostgreSQL.
        let null = names.name(sql: "SELECT $1", types: [.null])
        let text = names.name(sql: "SELECT $1", types: [.text])
        #expect(Set([first, null, text]).count == 3)
        // Past the limit a new text gets no name (it runs unnamed); the named ones keep theirs.
        #expect(names.name(sql: "SELECT 2", types: []) == nil)
        #expect(names.name(sql: "SELECT $1", types: [.text]) == text)
        #expect(names.count == 3)
    }

    @Test(.enabled(if: TestPostgres.isAvailable, "needs PostgreSQL (COACHLINE_TEST_POSTGRES_URL)"))
    func aStatementIsPreparedOnceAndRunsWithEveryKindOfValue() async throws {
        let database = try await TestDatabase.create(TestDatabase.Engine.postgres)
        // One connection, so every statement below runs where the last was prepared; two names at most.
        let store = try await SQLStore.openPostgres(
            try SQLPostgresConfiguration(url: database.urlString), poolSize: 1, statementLimit: 2,
            logger: StoreEngine.quiet)
        do {
            // A session runs statements unnamed: nothing there to reuse.
            try await store.database.withSession { try await $0.raw("CREATE TABLE t (n BIGINT, s TEXT)").run() }
            for (n, s) in [(1, "one"), (2, nil), (3, "three"), (4, nil)] as [(Int, String?)] {
                let insert: SQLQueryString = "INSERT INTO t (n, s) VALUES (\(bind: n), \(bind: s))"
                try await store.database.raw(insert).run()
            }
            let rows = try await store.database.raw("SELECT n, s FROM t ORDER BY n").all()
            #expect(try rows.map { try $0.decode(column: "s", as: String?.self) } == ["one", nil, "three", nil])
            // The insert was prepared twice (with text, with NULL), under the two names there are; the
            // rest ran unnamed, and ran all the same.
            let prepared = try await store.database.raw("SELECT statement FROM pg_prepared_statements").all()
                .map { try $0.decode(column: "statement", as: String.self) }
            #expect(prepared.count == 2, "\(prepared)")
            #expect(prepared.allSatisfy { $0.hasPrefix("INSERT INTO t") }, "\(prepared)")
            try await store.shutdown()
            try await database.drop()
        } catch {
            try? await store.shutdown()
            try? await database.drop()
            throw error
        }
    }
}

/// Opening a PostgreSQL store is quiet: the pool runs before anything leases from it.
@Suite struct PostgresPoolConfigurationTests {
    /// The pool keeps every connection open and sends no keep-alive query, so no timer is set each
    /// time a connection goes idle (for an idle timeout or a keep-alive): that was pure overhead.
    @Test func connectionsAreKeptOpenWithoutKeepAliveQueries() throws {
        let sql = try SQLPostgresConfiguration(url: "postgres://coach:secret@db.internal:6543/line?sslmode=disable")
        let pool = try PostgresClient.Configuration(sql, poolSize: 7)
        #expect(pool.options.maximumConnections == 7)
        #expect(pool.options.minimumConnections == 7)
        #expect(pool.options.keepAliveBehavior == nil)
        #expect(pool.host == "db.internal")
        #expect(pool.port == 6543)
        #expect(pool.database == "line")
    }
}

/// The pool's connections on a real server: kept open while idle, and replaced when closed.
@Suite struct PostgresPoolConnectionTests {
    @Test(.enabled(if: TestPostgres.isAvailable, "needs PostgreSQL (COACHLINE_TEST_POSTGRES_URL)"))
    func idleConnectionsStayOpenAndAClosedOneIsReplaced() async throws {
        try await StoreEngine.postgres.withStore(poolSize: 3) { store in
            // Every connection of the pool is open, and stays so after a busy moment is over.
            #expect(try await Self.settle(store, at: 3))
            try await withThrowingTaskGroup(of: Void.self) { group in
                for _ in 0..<12 { group.addTask { try await store.ping() } }
                try await group.waitForAll()
            }
            try await Task.sleep(for: .milliseconds(200))
            #expect(try await Self.connections(store).count == 3)
            // The database closes one (a restart, an administrator): the pool opens another.
            let victim = try #require(
                try await store.database.raw(
                    """
                    SELECT pid, pg_terminate_backend(pid) AS done FROM pg_stat_activity
                    WHERE datname = current_database() AND pid <> pg_backend_pid() ORDER BY pid LIMIT 1
                    """
                ).first()?.decode(column: "pid", as: Int.self))
            #expect(try await Self.settle(store, at: 3, without: victim))
        }
    }

    /// The process ids of the backends connected to the store's database (the pool's; the store
    /// opens its `LISTEN` connection only when something listens).
    static func connections(_ store: SQLStore) async throws -> [Int] {
        try await store.database.raw(
            "SELECT pid FROM pg_stat_activity WHERE datname = current_database() ORDER BY pid"
        ).all().map { try $0.decode(column: "pid", as: Int.self) }
    }

    /// Waits up to 5 s for `count` connections, none of them `without`.
    static func settle(_ store: SQLStore, at count: Int, without gone: Int? = nil) async throws -> Bool {
        for _ in 0..<50 {
            let pids = try await connections(store)
            if pids.count == count, gone.map({ !pids.contains($0) }) ?? true { return true }
            try await Task.sleep(for: .milliseconds(100))
        }
        return false
    }
}

@Suite struct PostgresOpeningTests {
    /// Keeps the messages logged at warning or above, from every logger made with the same `Seen`.
    /// A handler is a value, as swift-log expects: PostgresNIO sets metadata on copies of a logger from
    /// several threads at once, and one shared handler object raced on its metadata (a crash in CI).
    struct Warnings: LogHandler {
        final class Seen: Sendable {
            private let messages = Mutex<[String]>([])
            func append(_ message: String) { messages.withLock { $0.append(message) } }
            var all: [String] { messages.withLock { $0 } }
        }

        let seen: Seen
        var metadata: Logger.Metadata = [:]
        var logLevel: Logger.Level = .warning
        subscript(metadataKey key: String) -> Logger.Metadata.Value? {
            get { metadata[key] }
            set { metadata[key] = newValue }
        }
        func log(
            level: Logger.Level, message: Logger.Message, metadata: Logger.Metadata?, source: String, file: String,
            function: String, line: UInt
        ) {
            seen.append("\(message)")
        }
    }

    @Test(.enabled(if: TestPostgres.isAvailable, "needs PostgreSQL (COACHLINE_TEST_POSTGRES_URL)"))
    func openingAndMigratingLogsNoWarning() async throws {
        let database = try await TestDatabase.create(TestDatabase.Engine.postgres)
        let warnings = Warnings.Seen()
        let logger = Logger(label: "open") { _ in Warnings(seen: warnings) }
        // The pool used to be started after the probe connection, and the migrations' first lease
        // often came before it ran: PostgresNIO warned on about half of all starts.
        for _ in 0..<6 {
            let store = try await SQLStore.open(database.url, poolSize: 2, logger: logger)
            try await store.migrate()
            try await store.shutdown()
        }
        #expect(warnings.all.isEmpty, "\(warnings.all)")
        try await database.drop()
    }
}
