import ArgumentParser
import CoachServer
import CoachStore
import Foundation
import Logging
import TwilioSim

struct Call: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Place a simulated Twilio call: no phone needed.",
        discussion: """
            Without --url, a CoachLine server is started in this process on a free port with the current
            settings (so DATABASE_URL decides where the call is stored). Interactive by default: type keys
            or words at a menu, type your answer at a beep (end it with |45 to say it took 45 seconds).
            With --script, a JSON file plays the caller:
              {"from": "+14155550123", "steps": [{"press": "1"}, {"answer": "Last year I...", "seconds": 45}]}
            Steps: press, say, silence, answer (seconds, end: "#" | "timeout" | "hangup"), hangup.
            """)

    @Option(help: "Base URL of a running CoachLine server, e.g. http://127.0.0.1:3000.") var url: String?
    @Option(help: "A JSON call script; without it the call is interactive.") var script: String?
    @Option(help: "Caller ID to present (e.g. anonymous).") var from: String = "+14155550123"
    @Option(help: "Auth token to sign requests with (default: TWILIO_AUTH_TOKEN).") var authToken: String?
    @Option(help: "Real-time factor for speech and answers: 0 instant, 1 real time.") var timeScale: Double = 0
    @Option(help: "Account SID the simulated Twilio uses (default: TWILIO_ACCOUNT_SID).") var accountSid: String?
    @Option(help: "Where to upload each recording (a fake media host's /_fake/recordings), so it can be fetched.")
    var recordings: String?
    @OptionGroup var options: SettingsOptions

    func run() async throws {
        var settings = try options.load()
        let caller = try makeCaller()
        let logger = Logs.bootstrap(level: url == nil ? .warning : settings.logLevel)
        var running: RunningServer?
        var store: SQLStore?
        let base: String
        if let url {
            base = url.hasSuffix("/") ? String(url.dropLast()) : url
        } else {
            settings.publicBaseURL = nil
            let opened = try await CoachLineServer.openStore(settings: settings, logger: logger)
            store = opened
            let server = try CoachLineServer(settings: settings, store: opened, logger: logger)
            running = try await server.start(port: 0)
            base = running?.baseURL ?? ""
        }
        guard let voiceURL = URL(string: base + "/webhook/voice"), voiceURL.host != nil else {
            throw ValidationError("--url must be an absolute http(s) URL, got \(base)")
        }
        var configuration = SimConfiguration(
            voiceURL: voiceURL, statusCallbackURL: URL(string: base + "/webhook/status"),
            fallbackURL: URL(string: base + "/webhook/fallback"),
            authToken: authToken ?? settings.twilioAuthToken, from: from, timeScale: timeScale)
        if let sid = accountSid ?? settings.twilioAccountSid { configuration.accountSid = sid }
        // Recordings live where the server is configured to download them from.
        let media = settings.providers.twilioAPIBaseURL + "/2010-04-01/Accounts/\(configuration.accountSid)/Recordings"
        if let url = URL(string: media) { configuration.recordingBaseURL = url }
        configuration.recordingUploadURL = recordings.flatMap(URL.init(string:))
        let sim = TwilioSim(configuration: configuration, logger: logger)
        let report = try await sim.placeCall(caller: caller)
        print("")
        print(report.summary)
        if !report.violations.isEmpty {
            print("Twilio rule violations:")
            for violation in report.violations { print("  - \(violation)") }
        }
        try await running?.stop()
        try await store?.shutdown()
        if !report.isClean { throw ExitCode(1) }
    }

    private func makeCaller() throws -> any CallerAgent {
        guard let script else { return TerminalCaller() }
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: script))
        } catch {
            throw ValidationError("Cannot read the script \(script): \(error.localizedDescription)")
        }
        do {
            var parsed = try JSONDecoder().decode(CallScript.self, from: data)
            if parsed.from == nil { parsed.from = from }
            return NarratedCaller(inner: ScriptedCaller(parsed))
        } catch {
            throw ValidationError("The script \(script) is not a valid call script: \(error)")
        }
    }
}

/// A scripted caller that also prints what it hears and does, like the terminal caller would.
struct NarratedCaller: CallerAgent {
    let inner: ScriptedCaller
    let narrator = TerminalCaller(input: { nil })

    var callerID: String? { inner.callerID }

    func gather(_ prompt: GatherPrompt) async -> CallerInput {
        let input = await inner.gather(prompt)
        switch input {
        case .digits(let keys): say("Caller presses \(keys)")
        case .speech(let words, _): say("Caller says: \(words)")
        case .silence: say("Caller stays silent")
        case .hangUp: say("Caller hangs up")
        }
        return input
    }

    func record(_ prompt: RecordPrompt) async -> CallerAnswer {
        let answer = await inner.record(prompt)
        say(answer.text.isEmpty ? "Caller hangs up" : "Caller answers (\(Int(answer.seconds)) s): \(answer.text)")
        return answer
    }

    /// Same unbuffered channel as the narrator, so lines stay in order.
    private func say(_ line: String) {
        TerminalCaller.writeStandardOutput(line)
    }

    func heard(_ event: TimelineEvent) async {
        await narrator.heard(event)
    }
}
