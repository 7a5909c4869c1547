import CoachStore
import Foundation
import Logging

/// The PostgreSQL server tests may use: COACHLINE_TEST_POSTGRES_URL, set by `scripts/with-postgres`
/// (which `./scripts/test` runs under). Nil: PostgreSQL tests are skipped.
public enum TestPostgres {
    public static var url: String? {
        ProcessInfo.processInfo.environment["COACHLINE_TEST_POSTGRES_URL"].flatMap { $0.isEmpty ? nil : $0 }
    }

    public static var isAvailable: Bool { url != nil }

    static let quiet: Logger = {
        var logger = Logger(label: "test-database")
        logger.logLevel = .critical
        return logger
    }()
}

/// A database for one test: a temporary SQLite file, or a fresh PostgreSQL database on the test
/// server, dropped afterwards, so tests running in parallel never see each other's rows.
public struct TestDatabase: Sendable {
    public enum Engine: Sendable { case sqlite, postgres }

    public let engine: Engine
    public let url: DatabaseURL
    /// The URL as DATABASE_URL would spell it.
    public let urlString: String
    let name: String

    public static func create(_ engine: Engine) async throws -> TestDatabase {
        let name = "coachline_test_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased()
        switch engine {
        case .sqlite:
            let path = TestScratch.sqlitePath(named: name)
            return TestDatabase(engine: engine, url: .sqliteFile(path: path), urlString: "sqlite://" + path, name: path)
        case .postgres:
            guard let admin = TestPostgres.url else { throw MissingPostgres() }
            try await withAdmin(admin) { try await $0.database.raw("CREATE DATABASE \(unsafeRaw: name)").run() }
            let url = Self.url(admin, database: name)
            return TestDatabase(engine: engine, url: try DatabaseURL(parsing: url), urlString: url, name: name)
        }
    }

    /// `admin` with its database path replaced.
    static func url(_ admin: String, database: String) -> String {
        guard var components = URLComponents(string: admin) else { return admin }
        components.path = "/" + database
        return components.string ?? admin
    }

    public func drop() async throws {
        switch engine {
        case .sqlite:
            for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: name + suffix) }
        case .postgres:
            guard let admin = TestPostgres.url else { return }
            try await Self.withAdmin(admin) {
                try await $0.database.raw("DROP DATABASE IF EXISTS \(unsafeRaw: name) WITH (FORCE)").run()
            }
        }
    }

    private static func withAdmin(_ url: String, _ body: (SQLStore) async throws -> Void) async throws {
        let store = try await SQLStore.open(try DatabaseURL(parsing: url), poolSize: 1, logger: TestPostgres.quiet)
        do {
            try await body(store)
            try await store.shutdown()
        } catch {
            try? await store.shutdown()
            throw error
        }
    }
}

public struct MissingPostgres: Error, CustomStringConvertible {
    public var description: String { "COACHLINE_TEST_POSTGRES_URL is not set" }
}
