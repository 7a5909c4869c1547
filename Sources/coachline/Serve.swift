import ArgumentParser
import CoachServer
import CoachStore
import Foundation

struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Serve the phone line (SQLite by default; no keys needed).",
        discussion: "Settings come from environment variables and an optional .env file:\n\n"
            + Settings.catalog.map { "  \($0.name) (default: \($0.defaultValue))\n      \($0.help)" }
            .joined(separator: "\n"))

    @OptionGroup var options: SettingsOptions

    func run() async throws {
        let settings = try options.load()
        let logger = Logs.bootstrap(level: settings.logLevel)
        let store = try await CoachLineServer.openStore(settings: settings, logger: logger)
        let server = try CoachLineServer(settings: settings, store: store, logger: logger)
        try await server.run()
        try await store.shutdown()
    }
}

struct Work: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run background jobs only, no HTTP: workers scaled apart from the web tier (PostgreSQL).",
        discussion: "Takes the same settings as serve; JOB_CONCURRENCY is how many jobs it runs at once.")

    @OptionGroup var options: SettingsOptions

    func validate() throws {
        let settings = try options.load()
        guard settings.jobConcurrency > 0 else {
            throw ValidationError("JOB_CONCURRENCY is 0: this worker would do nothing.")
        }
    }

    func run() async throws {
        let settings = try options.load()
        let logger = Logs.bootstrap(level: settings.logLevel)
        let store = try await CoachLineServer.openStore(settings: settings, servesCallers: false, logger: logger)
        if store.engine == "sqlite" {
            logger.warning("a separate worker process needs PostgreSQL; with SQLite, `serve` runs the jobs itself")
        }
        let server = try CoachLineServer(settings: settings, store: store, logger: logger)
        try await server.work()
        try await store.shutdown()
    }
}

struct Migrate: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Create or upgrade the database DATABASE_URL names, then exit.")

    @OptionGroup var options: SettingsOptions

    func run() async throws {
        let settings = try options.load()
        let logger = Logs.bootstrap(level: settings.logLevel)
        let store = try await CoachLineServer.openStore(settings: settings, logger: logger)
        try await store.shutdown()
        print("Database \((try? DatabaseURL(parsing: settings.databaseURL))?.description ?? "") is up to date.")
    }
}
