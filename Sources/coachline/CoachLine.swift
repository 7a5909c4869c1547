import ArgumentParser
import CoachServer
import Foundation
import Logging

@main
struct CoachLine: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "coachline",
        abstract: "CoachLine: an interview-practice phone line for Twilio.",
        subcommands: [
            Serve.self, Work.self, Call.self, Bench.self, Analyze.self, Migrate.self, Fakes.self, MeasureProviders.self,
        ],
        defaultSubcommand: Serve.self)
}

/// Options shared by the commands that read settings.
struct SettingsOptions: ParsableArguments {
    @Option(name: .long, help: "A .env file to read settings from (the process environment wins).")
    var envFile: String = ".env"

    func load() throws -> Settings {
        do {
            let environment = try EnvironmentFile.merged(
                path: envFile, processEnvironment: ProcessInfo.processInfo.environment)
            return try Settings.load(environment: environment)
        } catch {
            throw SettingsProblem(description: "Invalid setting. \(error)")
        }
    }
}

/// A bad setting: reported as one clear line, without the usage text a command-line mistake gets.
struct SettingsProblem: Error, CustomStringConvertible {
    let description: String
}

enum Logs {
    static func bootstrap(level: Logger.Level) -> Logger {
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = level
            return handler
        }
        return Logger(label: "coachline")
    }
}
