import CoachAudio
import CoachCore
import CoachServer
import CoachStore
import CoachTestSupport
import Foundation
import Logging
import TwilioSim

/// A real CoachLine server on loopback with its own SQLite file, and a TwilioSim to call it.
/// Each test gets its own, so Swift Testing can run them in parallel.
struct TestLine {
    let settings: Settings
    let store: SQLStore
    let running: RunningServer
    let databasePath: String

    /// Silent, unless COACHLINE_TEST_LOGS=1 asks to see the server's log lines while debugging.
    static let quiet = Logger(label: "test") { label in
        guard ProcessInfo.processInfo.environment["COACHLINE_TEST_LOGS"] == "1" else { return SwiftLogNoOpLogHandler() }
        var handler = StreamLogHandler.standardError(label: label)
        handler.logLevel = .debug
        return handler
    }

    static func settings(_ adjust: (inout Settings) -> Void = { _ in }) -> Settings {
        var settings = Settings()
        settings.host = "127.0.0.1"
        // The pool opens every connection at start, and many lines run at once against one server.
        settings.databasePoolSize = 4
        adjust(&settings)
        return settings
    }

    /// `databaseURL` (e.g. a PostgreSQL test database shared by several lines) wins over `databasePath`.
    static func start(
        settings: Settings = TestLine.settings(), providers: Providers? = nil, databasePath: String? = nil,
        databaseURL: String? = nil
    ) async throws -> TestLine {
        let path = databasePath ?? TestScratch.sqlitePath()
        var settings = settings
        settings.databaseURL = databaseURL ?? "sqlite://" + path
        let store = try await CoachLineServer.openStore(settings: settings, logger: quiet)
        let server = try CoachLineServer(settings: settings, store: store, providers: providers, logger: quiet)
        let running = try await server.start(port: 0)
        return TestLine(settings: settings, store: store, running: running, databasePath: path)
    }

    var baseURL: String { running.baseURL }

    func simConfiguration(from: String = "+14155550123") -> SimConfiguration {
        SimConfiguration(
            voiceURL: URL(string: baseURL + "/webhook/voice")!,
            statusCallbackURL: URL(string: baseURL + "/webhook/status")!,
            fallbackURL: URL(string: baseURL + "/webhook/fallback")!,
            authToken: settings.twilioAuthToken, from: from)
    }

    /// Places one call; the report is returned after every callback has landed.
    func call(
        _ steps: [CallScript.Step], from: String = "+14155550123", transport: (any SimTransport)? = nil,
        configure: (inout SimConfiguration) -> Void = { _ in }
    ) async throws -> CallReport {
        var configuration = simConfiguration(from: from)
        configure(&configuration)
        let sim = TwilioSim(
            configuration: configuration, transport: transport ?? HTTPClientTransport(), logger: Self.quiet)
        let report = try await sim.placeCall(caller: ScriptedCaller(steps: steps))
        return report
    }

    func stop() async throws {
        try await running.stop()
        try await store.shutdown()
    }
}

/// Scripts for the common moves.
enum Moves {
    static let answers = [
        "Last year at my previous job our release was slipping. I was responsible for the deployment plan, so I set up daily check-ins and I rewrote the test scripts. As a result we shipped two weeks early and cut support tickets by 30 percent.",
        "Um, so, like, we kind of just worked on it together, you know, and it was fine I guess.",
        "When I was a shift lead, a customer was upset about a late order. I listened, I apologised and I offered a refund. In the end she became a regular and we improved our process.",
        "I would probably talk to my manager and maybe try to find a solution.",
        "In my last role I had to train three new hires in one week. I built a checklist and I paired each of them with a mentor. All three were working on their own by Friday.",
    ]

    static func interview(answers: [String] = answers, seconds: Double = 40) -> [CallScript.Step] {
        [.press("1")] + answers.map { .answer($0, seconds: seconds, end: .key("#")) }
    }
}

extension CallReport {
    /// Exchanges to one path, e.g. "/webhook/response".
    func exchanges(to path: String) -> [WebhookExchange] {
        exchanges.filter { $0.path == path }
    }

    var heardText: String { heard.joined(separator: " | ") }

    /// Record actions asked for, in order: one per question put to the caller.
    var questionsAsked: Int {
        exchanges.flatMap(\.verbs).filter {
            if case .record = $0 { return true }
            return false
        }.count
    }
}

extension WebhookExchange {
    var endsWithRecord: Bool {
        if case .record = verbs.last { return true }
        return false
    }

    var endsWithHangup: Bool { verbs.last == .hangup }

    var redirectsToWait: Bool {
        if case .redirect(let url, _) = verbs.last { return url.contains("/continue-interview") }
        return false
    }
}
