import CoachStore
import Foundation
import Logging

/// Every setting CoachLine reads, from the environment and an optional `.env` file. Values are
/// checked at start-up: a bad one stops the server with a message naming the setting, instead of
/// surfacing later as a broken call.
public struct Settings: Sendable {
    public var port: Int = 3000
    public var host: String = "0.0.0.0"
    public var databaseURL: String = "sqlite://coachline.sqlite"
    public var databasePoolSize: Int = 10
    public var jobConcurrency: Int = 64
    public var jobBusyFloor: Int = 8
    public var jobMaxAttempts: Int = 3
    public var jobLeaseSeconds: Double = 60
    /// How long a stopping process lets running jobs finish before handing them back (not read from
    /// the environment; tests shorten it).
    public var jobDrainSeconds: Double = 5
    public var publicBaseURL: String?
    public var twilioAccountSid: String?
    public var twilioAuthToken: String?
    public var questionsPerInterview: Int = 5
    public var answerMaxSeconds: Int = 60
    public var answerSilenceSeconds: Int = 3
    public var holdWaitSeconds: Double = 3
    /// When the next question is written and voiced: ahead (this design) or inline (the seed's).
    public var questionTiming: QuestionTiming = .ahead
    public var twilioVoice: String = "Polly.Joanna"
    public var logLevel: Logger.Level = .info
    public var providers = ProviderSettings()

    public init() {}

    /// The documented settings, in the order `serve --help` and the README list them.
    public static var catalog: [SettingSpec] { coreCatalog + ProviderSettings.catalog }

    static let coreCatalog: [SettingSpec] = [
        .init("PORT", "3000", "TCP port the HTTP server listens on."),
        .init("HOST", "0.0.0.0", "Address to bind; 127.0.0.1 keeps the server local (e.g. behind a tunnel)."),
        .init(
            "DATABASE_URL", "sqlite://coachline.sqlite",
            "Where calls are stored: sqlite://FILE (relative to the working directory), sqlite:///ABSOLUTE/FILE, sqlite::memory:, or postgres://USER:PASSWORD@HOST:5432/DB?sslmode=require for PostgreSQL (sslmode disable, prefer, require, verify-ca or verify-full; default prefer). Only PostgreSQL lets several instances share the calls."
        ),
        .init(
            "DATABASE_POOL_SIZE", "10",
            "PostgreSQL connections per process (1 to 100), opened at start and kept open; plus one for LISTEN. Webhooks' statements go before background jobs', and jobs other than the next question use at most three in ten of them."
        ),
        .init(
            "JOB_CONCURRENCY", "64",
            "Background jobs one process runs at once (0 to 256). They mostly wait on providers, so this is far above the core count: 200 calls on one process keep about 40 busy. The next question of a call on this process starts when it is asked for, beyond this number if every slot is taken. 0 makes a web-only process; `coachline work` runs jobs only."
        ),
        .init(
            "JOB_BUSY_FLOOR", "8",
            "While the server's threads are saturated (a short sleep wakes late), transcriptions, feedback and wordings run fewer at once, halving down to this many, so webhooks get the CPU first; questions are never held back. 0 turns this off (always JOB_CONCURRENCY)."
        ),
        .init(
            "JOB_MAX_ATTEMPTS", "3",
            "Attempts before a failing background job is dead-lettered (1 to 20); retries back off 1 s, 2 s, 4 s..."),
        .init(
            "JOB_LEASE_SECONDS", "60",
            "How long a worker holds a job before another instance may take it over (2 to 3600); longer than any provider deadline."
        ),
        .init(
            "PUBLIC_BASE_URL", "(unset)",
            "The https URL Twilio reaches this server at, e.g. https://coach.example.com. Makes TwiML URLs absolute and is the URL signatures are checked against behind proxies and tunnels."
        ),
        .init("TWILIO_ACCOUNT_SID", "(unset)", "Your Twilio account SID (AC followed by 32 hex digits)."),
        .init(
            "TWILIO_AUTH_TOKEN", "(unset)",
            "Your Twilio auth token. When set, every webhook must carry a valid X-Twilio-Signature (403 otherwise)."),
        .init("QUESTIONS_PER_INTERVIEW", "5", "Questions in one mock interview (1 to 10)."),
        .init("ANSWER_MAX_SECONDS", "60", "Longest recorded answer, in seconds (10 to 600)."),
        .init(
            "ANSWER_SILENCE_SECONDS", "3",
            "Seconds of silence that end an answer (1 to 10). Twilio's own default of 5 is dead air for the caller."),
        .init(
            "HOLD_WAIT_SECONDS", "3",
            "How long the wait endpoint waits for a question still being prepared before using a bank question (0.5 to 8)."
        ),
        .init(
            "QUESTION_TIMING", "ahead",
            "ahead: each question is written and voiced in the background while the caller answers the one before. inline: the old design, kept to benchmark against (`coachline bench --sequential`): the webhook writes and voices it while the caller waits."
        ),
        .init("TWILIO_VOICE", "Polly.Joanna", "The <Say> voice used when no speech synthesizer is configured."),
        .init("LOG_LEVEL", "info", "trace, debug, info, notice, warning, error or critical."),
    ]

    /// Reads settings from `environment` (the process environment wins over `.env` entries).
    public static func load(environment: [String: String]) throws(SettingsError) -> Settings {
        var settings = Settings()
        let reader = SettingsReader(environment: environment)
        settings.port = try reader.int("PORT", default: 3000, range: 1...65535)
        settings.host = try reader.string("HOST", default: "0.0.0.0")
        settings.databaseURL = try reader.string("DATABASE_URL", default: "sqlite://coachline.sqlite")
        do {
            _ = try DatabaseURL(parsing: settings.databaseURL)
        } catch {
            throw SettingsError(name: "DATABASE_URL", message: error.description)
        }
        settings.databasePoolSize = try reader.int("DATABASE_POOL_SIZE", default: 10, range: 1...100)
        settings.jobConcurrency = try reader.int("JOB_CONCURRENCY", default: 64, range: 0...256)
        settings.jobBusyFloor = try reader.int("JOB_BUSY_FLOOR", default: 8, range: 0...256)
        settings.jobMaxAttempts = try reader.int("JOB_MAX_ATTEMPTS", default: 3, range: 1...20)
        settings.jobLeaseSeconds = try reader.double("JOB_LEASE_SECONDS", default: 60, range: 2...3600)
        settings.publicBaseURL = try reader.baseURL("PUBLIC_BASE_URL")
        settings.twilioAccountSid = try reader.optional("TWILIO_ACCOUNT_SID").map { sid throws(SettingsError) in
            guard sid.count == 34, sid.hasPrefix("AC"), sid.dropFirst(2).allSatisfy(\.isHexDigit) else {
                throw SettingsError(
                    name: "TWILIO_ACCOUNT_SID", message: "must be AC followed by 32 hex digits, got '\(sid)'")
            }
            return sid
        }
        settings.twilioAuthToken = try reader.optional("TWILIO_AUTH_TOKEN")
        settings.questionsPerInterview = try reader.int("QUESTIONS_PER_INTERVIEW", default: 5, range: 1...10)
        settings.answerMaxSeconds = try reader.int("ANSWER_MAX_SECONDS", default: 60, range: 10...600)
        settings.answerSilenceSeconds = try reader.int("ANSWER_SILENCE_SECONDS", default: 3, range: 1...10)
        settings.holdWaitSeconds = try reader.double("HOLD_WAIT_SECONDS", default: 3, range: 0.5...8)
        let timing = try reader.string("QUESTION_TIMING", default: "ahead").lowercased()
        guard let questionTiming = QuestionTiming(rawValue: timing) else {
            throw SettingsError(name: "QUESTION_TIMING", message: "must be ahead or inline; got '\(timing)'")
        }
        settings.questionTiming = questionTiming
        settings.twilioVoice = try reader.string("TWILIO_VOICE", default: "Polly.Joanna")
        let level = try reader.string("LOG_LEVEL", default: "info").lowercased()
        guard let parsed = Logger.Level(rawValue: level) else {
            throw SettingsError(
                name: "LOG_LEVEL",
                message: "must be one of trace, debug, info, notice, warning, error, critical; got '\(level)'")
        }
        settings.logLevel = parsed
        settings.providers = try ProviderSettings.load(
            reader, twilioCredentials: settings.twilioAccountSid != nil && settings.twilioAuthToken != nil)
        return settings
    }
}

/// When a question is written and voiced.
public enum QuestionTiming: String, Sendable, CaseIterable {
    /// In the background while the caller answers the previous question: no webhook waits on a provider.
    case ahead
    /// Inside the webhook that asks it, the way the system CoachLine replaces did; only for benchmarks.
    case inline
}

public struct SettingSpec: Sendable {
    public let name: String
    public let defaultValue: String
    public let help: String

    init(_ name: String, _ defaultValue: String, _ help: String) {
        self.name = name
        self.defaultValue = defaultValue
        self.help = help
    }
}

public struct SettingsError: Error, CustomStringConvertible, Equatable {
    public let name: String
    public let message: String
    public var description: String { "\(name): \(message)" }
}

/// Typed access to raw setting strings; empty values count as unset.
struct SettingsReader {
    let environment: [String: String]

    func optional(_ name: String) throws(SettingsError) -> String? {
        guard let value = environment[name]?.trimmingCharacters(in: .whitespaces), !value.isEmpty else { return nil }
        return value
    }

    func string(_ name: String, default fallback: String) throws(SettingsError) -> String {
        try optional(name) ?? fallback
    }

    func int(_ name: String, default fallback: Int, range: ClosedRange<Int>) throws(SettingsError) -> Int {
        guard let raw = try optional(name) else { return fallback }
        guard let value = Int(raw), range.contains(value) else {
            throw SettingsError(
                name: name,
                message: "must be a whole number from \(range.lowerBound) to \(range.upperBound), got '\(raw)'")
        }
        return value
    }

    func double(_ name: String, default fallback: Double, range: ClosedRange<Double>) throws(SettingsError) -> Double {
        guard let raw = try optional(name) else { return fallback }
        guard let value = Double(raw), range.contains(value) else {
            throw SettingsError(
                name: name, message: "must be a number from \(range.lowerBound) to \(range.upperBound), got '\(raw)'")
        }
        return value
    }

    func baseURL(_ name: String) throws(SettingsError) -> String? {
        guard var raw = try optional(name) else { return nil }
        while raw.hasSuffix("/") { raw.removeLast() }
        guard let url = URL(string: raw), let scheme = url.scheme?.lowercased(), scheme == "https" || scheme == "http",
            url.host != nil, url.query == nil, url.fragment == nil
        else {
            throw SettingsError(
                name: name,
                message: "must be an absolute http(s) URL without query, e.g. https://coach.example.com; got '\(raw)'")
        }
        return raw
    }
}
