import CoachFakes
import CoachServer
import CoachStore
import CoachTestSupport
import Foundation
import Logging
import Synchronization
import Testing

@testable import CoachBench

/// A small run of the real benchmark, to prove it works end to end: in-process server, fakes,
/// TwilioSim over real sockets, on each engine and in both designs. The numbers come from
/// `coachline bench`; here only what cannot depend on the machine's speed is asserted.
@Suite struct BenchSmokeTests {
    static let quiet = Logger(label: "bench-test") { _ in SwiftLogNoOpLogHandler() }

    static func plan(_ design: BenchPlan.Design) -> BenchPlan {
        var plan = BenchPlan()
        plan.calls = 3
        plan.design = design
        plan.rampSeconds = 0.2
        plan.answerSeconds = 20
        // Inline, each question waits for the model inside the webhook: at least 0.5 s.
        plan.model = LatencyRange(0.5, 0.6)
        plan.speech = LatencyRange(0.05, 0.1)
        plan.transcription = LatencyRange(0.05, 0.1)
        return plan
    }

    /// SQLite always; PostgreSQL when `scripts/with-postgres` started one.
    static var engines: [TestDatabase.Engine] { TestPostgres.isAvailable ? [.sqlite, .postgres] : [.sqlite] }

    @Test(arguments: engines)
    func bothDesignsCompleteEveryCallAndReportEveryNumber(_ engine: TestDatabase.Engine) async throws {
        let database = try await TestDatabase.create(engine)
        try await withFakes(logger: Self.quiet) { fakes, _ in
            var results: [BenchPlan.Design: BenchResult] = [:]
            for design in BenchPlan.Design.allCases {
                var settings = try Settings.load(
                    environment: BenchEnvironment.server(
                        fakesURL: fakes.baseURL, design: design, databaseURL: database.urlString))
                settings.host = "127.0.0.1"
                settings.databasePoolSize = 4  // every connection is opened at start; tests run side by side
                let store = try await CoachLineServer.openStore(settings: settings, logger: Self.quiet)
                let server = try CoachLineServer(settings: settings, store: store, logger: Self.quiet)
                let running = try await server.start(port: 0)
                let client = BenchRunner.makeClient(calls: 3)
                let runner = BenchRunner(
                    plan: Self.plan(design),
                    target: BenchEnvironment.target(baseURL: running.baseURL, fakesURL: fakes.baseURL),
                    client: client, logger: Self.quiet)
                let finished = Counter()
                results[design] = try await runner.run { _ in finished.add() }
                try await client.shutdown()
                try await running.stop()
                try await store.shutdown()
                #expect(finished.value == 3)
            }
            for (design, result) in results {
                #expect(result.completed == 3, "\(design): \(result.errorSamples)")
                #expect(result.errors == 0, "\(design): \(result.errorSamples)")
                #expect(result.engine == (engine == .postgres ? "postgresql" : "sqlite"))
                #expect(result.callerWait.count == 3 * 4, "one wait per answer followed by a question")
                #expect(result.greeting.count == 3)
                #expect(
                    Set(result.routes.map(\.route)).isSuperset(of: [
                        "/webhook/voice", "/webhook/menu", "/webhook/response", "/webhook/status",
                    ]))
                #expect((result.peakResidentBytes ?? 0) > 1_000_000)
                #expect(result.webhooks >= 3 * 7)
                // Every webhook falls in a second of the run (sent after it began, before it ended).
                #expect(result.timeline.map(\.webhooks).reduce(0, +) == result.webhooks)
                #expect(result.timeline.allSatisfy { $0.second >= 0 && Double($0.second) <= result.wallSeconds })
                #expect(result.holdsByQuestion.reduce(0, +) == result.holds, "every hold names its question")
            }
            // The old design cannot answer a Record action before the model has written the question.
            let inline = try #require(results[.inline]?.routes.first { $0.route == "/webhook/response" })
            #expect(inline.latency.p50 >= 0.5)
            #expect(try #require(results[.inline]).callerWait.p50 >= 0.5)
            // Inline, nothing is prepared ahead, so no caller is ever put on hold for it either.
            #expect(results[.inline]?.holds == 0)
        }
        try await database.drop()
    }

    @Test func theTableAndJSONCarryEveryReportedNumber() throws {
        let measurement = CallMeasurement(
            events: [], exchanges: [], violations: ["x: broke"], endedBy: .applicationError)
        var result = BenchResult(
            plan: Self.plan(.ahead), engine: "sqlite", wallSeconds: 2, measurements: [measurement],
            peakResidentBytes: 50 * 1_048_576)
        let unprobed = BenchTable.render([result]).split(separator: "\n").first { $0.hasPrefix("host probe") }
        #expect(unprobed?.hasSuffix(" n/a") == true, "\(unprobed ?? "no host probe row")")
        result.hostProbeSeconds = 0.131
        let table = BenchTable.render([result])
        for label in [
            "design", "database", "completed", "errors", "webhooks/s", "webhook p50/p95/p99/max",
            "busiest second", "caller wait p50/p95/max", "greeting p50/p95/max", "peak RSS", "host probe",
        ] {
            #expect(table.contains(label), "\(table)")
        }
        #expect(table.contains("0.0 % (0/1)"))
        #expect(table.contains("50 MB"))
        #expect(table.contains("131 ms (lower is faster)"))
        let decoded = try JSONDecoder().decode(BenchResult.self, from: JSONEncoder().encode(result))
        #expect(decoded == result)
        #expect(decoded.errorSamples == ["x: broke"])
    }
}

@Suite struct HostProbeTests {
    /// The probe times real work: a positive, finite time, for work that reads its table.
    @Test func theProbeTimesItsWork() {
        let once = HostProbe.seconds(rounds: 1)
        #expect(once > 0 && once.isFinite)
        #expect(HostProbe.work([1, 2, 3, 4]) == HostProbe.work([1, 2, 3, 4]))
        #expect(HostProbe.work([1, 2, 3, 4]) != HostProbe.work([5, 6, 7, 8]), "the work reads the table")
    }
}

/// Counts from concurrent callbacks.
final class Counter: Sendable {
    private let count = Mutex(0)
    func add() { count.withLock { $0 += 1 } }
    var value: Int { count.withLock { $0 } }
}
