import ArgumentParser
import CoachServer
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

struct Migrate: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Create or upgrade the database DATABASE_URL names, then exit.")

    @OptionGroup var options: SettingsOptions

    func run() async throws {
        let settings = try options.load()
        let logger = Logs.bootstrap(level: settings.logLevel)
        let store = try await CoachLineServer.openStore(settings: settings, logger: logger)
        try await store.shutdown()
        print("Database \(settings.databaseURL) is up to date.")
    }
}
