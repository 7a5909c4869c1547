import ArgumentParser
import AsyncHTTPClient
import CoachBench
import Foundation
import Logging

struct Bench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Measure the line under load: many simulated calls at once against fake providers.",
        discussion: """
            Starts `coachline fakes` and `coachline serve` (on DATABASE_URL, or a fresh SQLite file) as processes
            of their own, then
            places --calls simulated calls at once through the Twilio simulator over real sockets. Call time is
            compressed (--compression 60 plays a 60 s answer in 1 s); provider latencies are given in real
            seconds and played on the clock they overlap (see docs/benchmarks.md). --sequential also runs the
            replaced design (question written and voiced inside the webhook) and prints both side by side.
            With --url, drives a server you started (point its providers at `coachline fakes` and pass --fakes).
            """)

    @Option(help: "Simultaneous calls.") var calls: Int = 200
    @Option(help: "Call seconds per wall second.") var compression: Double = 60
    @Option(help: "Length of each answer, in call seconds.") var answerSeconds: Double = 60
    @Option(help: "Wall seconds over which the calls start.") var ramp: Double = 5
    @Option(help: "Model latency in seconds, e.g. 2-6.") var model: String = "2-6"
    @Option(help: "Speech latency to first byte, in seconds.") var speech: String = "0.3-2"
    @Option(help: "Transcription latency, in seconds.") var transcription: String = "1-3"
    @Flag(help: "Also run the replaced design (question and voice inline in the webhook), side by side.")
    var sequential = false
    @Flag(help: "Step the number of calls (x1.5 up, or halving down) to where webhook p99 crosses 200 ms.")
    var ceiling = false
    @Flag(help: "Print JSON instead of a table.") var json = false
    @Flag(help: "Also print each run's webhooks second by second (always in --json).") var timeline = false
    @Option(help: "A running CoachLine server to drive instead of starting one.") var url: String?
    @Option(help: "With --url: the fakes that server uses (`coachline fakes`), for latencies and recordings.")
    var fakes: String?
    @Option(help: "With --url: the server's TWILIO_AUTH_TOKEN, to sign requests.") var authToken: String?
    @Option(help: "Database for the started server (default: DATABASE_URL, else a fresh SQLite file).")
    var databaseURL: String?

    func validate() throws {
        for (name, text) in [("--model", model), ("--speech", speech), ("--transcription", transcription)]
        where LatencyRange(parsing: text) == nil {
            throw ValidationError("\(name) wants seconds or a range like 2-6, got '\(text)'")
        }
        if url != nil && (sequential || ceiling) {
            throw ValidationError("--sequential and --ceiling start their own servers; they cannot be used with --url")
        }
        if fakes != nil && url == nil {
            throw ValidationError("--fakes goes with --url; without it the bench starts its own fakes")
        }
        do { try plan(design: .ahead, calls: calls).validate() } catch { throw ValidationError("\(error)") }
    }

    func plan(design: BenchPlan.Design, calls: Int) -> BenchPlan {
        var plan = BenchPlan()
        plan.calls = calls
        plan.compression = compression
        plan.answerSeconds = answerSeconds
        plan.rampSeconds = ramp
        plan.model = LatencyRange(parsing: model) ?? plan.model
        plan.speech = LatencyRange(parsing: speech) ?? plan.speech
        plan.transcription = LatencyRange(parsing: transcription) ?? plan.transcription
        plan.design = design
        return plan
    }

    func run() async throws {
        let logger = Logs.bootstrap(level: .error)
        if let url {
            let target = BenchTarget(
                baseURL: url, authToken: authToken, accountSid: BenchEnvironment.accountSid, fakesURL: fakes)
            let result = try await measure(plan(design: .ahead, calls: calls), target: target, logger: logger)
            output([result], ceiling: [])
            try Self.requireCompletion([result])
            return
        }
        let workspace = FileManager.default.temporaryDirectory.appendingPathComponent(
            "coachline-bench-\(ProcessInfo.processInfo.processIdentifier)")
        try FileManager.default.createDirectory(at: workspace, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: workspace) }
        let fakes = try await BenchFakes.start(log: workspace.appendingPathComponent("fakes.log"))
        defer { fakes.stop() }
        var results: [BenchResult] = []
        var steps: [CeilingStep] = []
        for design in [BenchPlan.Design.ahead] + (sequential ? [.inline] : []) {
            results.append(
                try await measureWithServer(
                    plan(design: design, calls: calls), fakesURL: fakes.baseURL, workspace: workspace, logger: logger))
        }
        if ceiling, let first = results.first {
            steps = try await findCeiling(from: first, fakesURL: fakes.baseURL, workspace: workspace, logger: logger)
        }
        output(results, ceiling: steps)
        try Self.requireCompletion(results)
    }

    /// A run where a call broke exits 1, so a script (CI's smoke run) notices.
    static func requireCompletion(_ results: [BenchResult]) throws {
        if results.contains(where: { $0.completed < $0.calls }) { throw ExitCode(1) }
    }

    /// One step of the ceiling search.
    struct CeilingStep: Codable {
        var calls: Int
        var webhookP99: Double
        var completionRate: Double
        var peakResidentBytes: Int?
    }

    /// From the first run, halves the calls until webhook p99 is within 200 ms, or multiplies them
    /// by 1.5 until it is not: the ceiling lies between the last two steps.
    private func findCeiling(
        from first: BenchResult, fakesURL: String, workspace: URL, logger: Logger
    ) async throws -> [CeilingStep] {
        func within(_ step: CeilingStep) -> Bool { step.webhookP99 <= 0.2 && step.completionRate == 1 }
        var steps = [Self.step(first)]
        let climbing = within(steps[0])
        var calls = first.calls
        while let last = steps.last, within(last) == climbing {
            calls = climbing ? Int((Double(calls) * 1.5).rounded()) : calls / 2
            guard calls >= 1, calls <= 5000 else { break }
            let result = try await measureWithServer(
                plan(design: .ahead, calls: calls), fakesURL: fakesURL, workspace: workspace, logger: logger)
            steps.append(Self.step(result))
        }
        return steps.sorted { $0.calls < $1.calls }
    }

    private static func step(_ result: BenchResult) -> CeilingStep {
        CeilingStep(
            calls: result.calls, webhookP99: result.webhookLatency.p99, completionRate: result.completionRate,
            peakResidentBytes: result.peakResidentBytes)
    }

    private func measureWithServer(
        _ plan: BenchPlan, fakesURL: String, workspace: URL, logger: Logger
    ) async throws -> BenchResult {
        let database =
            databaseURL ?? ProcessInfo.processInfo.environment["DATABASE_URL"]
            ?? "sqlite://" + workspace.appendingPathComponent("bench-\(plan.design.rawValue)-\(plan.calls).sqlite").path
        let server = try await BenchServer.start(
            environment: BenchEnvironment.server(fakesURL: fakesURL, design: plan.design, databaseURL: database),
            log: workspace.appendingPathComponent("server-\(plan.design.rawValue)-\(plan.calls).log"))
        do {
            let target = BenchEnvironment.target(baseURL: server.baseURL, fakesURL: fakesURL)
            let result = try await measure(plan, target: target, logger: logger)
            server.stop()
            return result
        } catch {
            server.stop()
            throw error
        }
    }

    private func measure(_ plan: BenchPlan, target: BenchTarget, logger: Logger) async throws -> BenchResult {
        let client = BenchRunner.makeClient(calls: plan.calls)
        let runner = BenchRunner(plan: plan, target: target, client: client, logger: logger)
        let probe = HostProbe.seconds()
        status(
            "\(plan.design.title): \(plan.calls) calls against \(target.baseURL) (host probe "
                + String(format: "%.0f ms", probe * 1000) + ")")
        do {
            var result = try await runner.run { done in
                if done % max(1, plan.calls / 4) == 0 { status("  \(done)/\(plan.calls) calls finished") }
            }
            result.hostProbeSeconds = probe
            try await client.shutdown()
            return result
        } catch {
            try? await client.shutdown()
            throw error
        }
    }

    private func output(_ results: [BenchResult], ceiling: [CeilingStep]) {
        if json {
            struct Output: Encodable {
                var results: [BenchResult]
                var ceiling: [CeilingStep]?
            }
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
            let data =
                (try? encoder.encode(Output(results: results, ceiling: ceiling.isEmpty ? nil : ceiling))) ?? Data()
            print(String(decoding: data, as: UTF8.self))
            return
        }
        print(BenchTable.render(results), terminator: "")
        if timeline {
            for result in results { print("\n" + BenchTable.timeline(result), terminator: "") }
        }
        for result in results where !result.errorSamples.isEmpty {
            print("\n\(result.plan.design.title) errors, first \(result.errorSamples.count):")
            for sample in result.errorSamples { print("  - \(sample)") }
        }
        if !ceiling.isEmpty {
            print("\nCeiling (webhook p99 over 200 ms):")
            for step in ceiling {
                print(
                    String(
                        format: "  %5d calls: p99 %.0f ms, completed %.1f %%", step.calls, step.webhookP99 * 1000,
                        step.completionRate * 100))
            }
        }
    }

    /// Progress goes to standard error, so `--json` output stays clean.
    private func status(_ line: String) {
        FileHandle.standardError.write(Data((line + "\n").utf8))
    }
}
