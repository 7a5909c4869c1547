import Foundation
import Logging
import PostgresKit
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
    /// Pooled connections are opened on demand and closed after a minute idle, so none needs a
    /// keep-alive query (whose timer, set each time a connection goes idle, was pure overhead).
    @Test func connectionsAreOpenedOnDemandAndNotKeptAlive() throws {
        let sql = try SQLPostgresConfiguration(url: "postgres://coach:secret@db.internal:6543/line?sslmode=disable")
        let pool = try PostgresClient.Configuration(sql, poolSize: 7)
        #expect(pool.options.maximumConnections == 7)
        #expect(pool.options.minimumConnections == 0)
        #expect(pool.options.connectionIdleTimeout <= .seconds(60))
        #expect(pool.options.keepAliveBehavior == nil)
        #expect(pool.host == "db.internal")
        #expect(pool.port == 6543)
        #expect(pool.database == "line")
    }
}

@Suite struct PostgresOpeningTests {
    /// Keeps the messages logged at warning or above.
    final class Warnings: LogHandler, @unchecked Sendable {
        private let lock = NSLock()
        private var seen: [String] = []
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
            lock.withLock { seen.append("\(message)") }
        }
        var messages: [String] { lock.withLock { seen } }
    }

    @Test(.enabled(if: TestPostgres.isAvailable, "needs PostgreSQL (COACHLINE_TEST_POSTGRES_URL)"))
    func openingAndMigratingLogsNoWarning() async throws {
        let database = try await TestDatabase.create(TestDatabase.Engine.postgres)
        let warnings = Warnings()
        let logger = Logger(label: "open") { _ in warnings }
        // The pool used to be started after the probe connection, and the migrations' first lease
        // often came before it ran: PostgresNIO warned on about half of all starts.
        for _ in 0..<6 {
            let store = try await SQLStore.open(database.url, poolSize: 2, logger: logger)
            try await store.migrate()
            try await store.shutdown()
        }
        #expect(warnings.messages.isEmpty, "\(warnings.messages)")
        try await database.drop()
    }
}
