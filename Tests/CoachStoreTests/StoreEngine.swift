import CoachStore
@_exported import CoachTestSupport
import Foundation
import Logging
import Testing

/// The engines the store suite runs on. PostgreSQL needs COACHLINE_TEST_POSTGRES_URL (set by
/// `scripts/with-postgres`, which `./scripts/test` uses); each test gets a database of its own.
enum StoreEngine: String, CaseIterable, CustomTestStringConvertible, Sendable {
    case sqlite, postgres

    var testDescription: String { rawValue }

    static var postgresURL: String? { TestPostgres.url }

    /// SQLite always; PostgreSQL when a server was given.
    static var available: [StoreEngine] { postgresURL == nil ? [.sqlite] : [.sqlite, .postgres] }

    static let quiet: Logger = {
        var logger = Logger(label: "store-tests")
        logger.logLevel = .critical
        return logger
    }()

    /// A migrated, empty store on this engine, shut down (and on PostgreSQL dropped) after `body`.
    func withStore<T>(poolSize: Int = 4, _ body: (SQLStore) async throws -> T) async throws -> T {
        let database = try await TestDatabase.create(self)
        let store = try await SQLStore.open(database.url, poolSize: poolSize, logger: Self.quiet)
        do {
            try await store.migrate()
            let result = try await body(store)
            try await store.shutdown()
            try await database.drop()
            return result
        } catch {
            try? await store.shutdown()
            try? await database.drop()
            throw error
        }
    }
}

@Suite struct PostgresAvailability {
    /// Reported as skipped, with this reason, wherever no PostgreSQL server was started; in CI
    /// (COACHLINE_REQUIRE_POSTGRES=1) a missing server fails instead.
    @Test(
        .enabled(
            if: StoreEngine.postgresURL != nil
                || ProcessInfo.processInfo.environment["COACHLINE_REQUIRE_POSTGRES"] == "1",
            "COACHLINE_TEST_POSTGRES_URL is not set: every PostgreSQL test is SKIPPED. Run ./scripts/test, which starts a throwaway PostgreSQL cluster when the server binaries are installed."
        ))
    func postgresIsReachable() async throws {
        let url = try #require(
            StoreEngine.postgresURL, "CI requires PostgreSQL, and COACHLINE_TEST_POSTGRES_URL is not set")
        let store = try await SQLStore.open(try DatabaseURL(parsing: url), poolSize: 1, logger: StoreEngine.quiet)
        #expect(store.engine == "postgresql")
        try await store.ping()
        try await store.shutdown()
    }
}

extension TestDatabase {
    static func create(_ engine: StoreEngine) async throws -> TestDatabase {
        try await create(engine == StoreEngine.sqlite ? TestDatabase.Engine.sqlite : .postgres)
    }
}
