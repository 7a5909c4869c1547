import AsyncHTTPClient
import CoachFakes
import Foundation
import Logging
import TwilioSim

/// The server and fakes one run talks to.
public struct BenchTarget: Sendable {
    /// The CoachLine server, e.g. `http://127.0.0.1:3000`.
    public var baseURL: String
    /// Signs every request when set (the server's TWILIO_AUTH_TOKEN).
    public var authToken: String?
    public var accountSid: String
    /// The fakes (`coachline fakes`): their latency is set for the plan and recordings are uploaded
    /// there. Nil: the server's providers are left as they are and recordings exist only as URLs.
    public var fakesURL: String?

    public init(baseURL: String, authToken: String?, accountSid: String, fakesURL: String?) {
        self.baseURL = baseURL.hasSuffix("/") ? String(baseURL.dropLast()) : baseURL
        self.authToken = authToken
        self.accountSid = accountSid
        self.fakesURL = fakesURL.map { $0.hasSuffix("/") ? String($0.dropLast()) : $0 }
    }
}

/// Places the plan's calls through TwilioSim, all at once (spread over the ramp), and measures them.
public struct BenchRunner: Sendable {
    public let plan: BenchPlan
    public let target: BenchTarget
    let logger: Logger
    let transport: HTTPClientTransport
    let client: HTTPClient

    /// `client` must not follow redirects; one is made (and must be shut down) per runner.
    public init(plan: BenchPlan, target: BenchTarget, client: HTTPClient, logger: Logger) {
        self.plan = plan
        self.target = target
        self.client = client
        self.transport = HTTPClientTransport(httpClient: client)
        self.logger = logger
    }

    /// A client sized for `calls` simultaneous calls: the default pool of 8 connections per host would
    /// queue the simulated Twilio's requests and report the queueing as webhook latency.
    public static func makeClient(calls: Int) -> HTTPClient {
        var configuration = HTTPClient.Configuration(
            redirectConfiguration: .disallow, timeout: .init(connect: .seconds(10)))
        configuration.connectionPool.concurrentHTTP1ConnectionsPerHostSoftLimit = max(8, calls * 2)
        configuration.connectionPool.retryConnectionEstablishment = false
        return HTTPClient(eventLoopGroup: HTTPClient.defaultEventLoopGroup, configuration: configuration)
    }

    /// Runs every call and returns the result. `progress` hears each finished call's count.
    public func run(progress: @escaping @Sendable (Int) -> Void = { _ in }) async throws -> BenchResult {
        try plan.validate()
        try await configureFakes()
        let run = String(UInt32.random(in: 0...UInt32.max), radix: 16)
        let started = ContinuousClock.now
        let measurements = await withTaskGroup(of: CallMeasurement?.self) { group in
            for index in 0..<plan.calls {
                let delay = plan.calls > 1 ? plan.rampSeconds * Double(index) / Double(plan.calls - 1) : 0
                group.addTask {
                    try? await Task.sleep(for: .seconds(delay))
                    return await placeCall(index: index, run: run, startedAt: (ContinuousClock.now - started).inSeconds)
                }
            }
            var all: [CallMeasurement] = []
            for await measurement in group {
                if let measurement { all.append(measurement) }
                progress(all.count)
            }
            return all
        }
        let wall = (ContinuousClock.now - started).inSeconds
        let metrics = await serverMetrics()
        return BenchResult(
            plan: plan, engine: metrics?.engine ?? "unknown", wallSeconds: wall, measurements: measurements,
            peakResidentBytes: metrics?.peakResidentBytes)
    }

    /// One caller: presses 1, answers every question (ending with #), hears the debrief.
    /// `startedAt`: wall seconds since the run started.
    func placeCall(index: Int, run: String, startedAt: Double = 0) async -> CallMeasurement? {
        guard let voice = URL(string: target.baseURL + "/webhook/voice") else { return nil }
        var configuration = SimConfiguration(
            voiceURL: voice, statusCallbackURL: URL(string: target.baseURL + "/webhook/status"),
            fallbackURL: URL(string: target.baseURL + "/webhook/fallback"), authToken: target.authToken,
            accountSid: target.accountSid, from: Self.phone(index: index), timeScale: 1 / plan.compression)
        if let fakes = target.fakesURL {
            configuration.recordingUploadURL = URL(string: fakes + "/_fake/recordings")
            if let base = URL(string: fakes + "/2010-04-01/Accounts/\(target.accountSid)/Recordings") {
                configuration.recordingBaseURL = base
            }
        }
        let steps: [CallScript.Step] =
            [.press("1")]
            + (0..<plan.questions).map { .answer(Self.answer(number: $0 + 1), seconds: plan.answerSeconds) }
        let sim = TwilioSim(configuration: configuration, transport: transport, logger: logger)
        do {
            let report = try await sim.placeCall(
                caller: ScriptedCaller(steps: steps), callSid: Self.callSid(run: run, index: index))
            return CallMeasurement(report: report, startedAt: startedAt)
        } catch {
            logger.error("call could not start", metadata: ["error": "\(error)"])
            return nil
        }
    }

    /// Sets each fake's latency for this plan through the fakes' admin endpoint.
    func configureFakes() async throws {
        guard let fakes = target.fakesURL else { return }
        for (service, behavior) in plan.fakeBehaviors() {
            let body = try JSONEncoder().encode(behavior)
            let request = SimRequest(
                method: "POST", url: fakes + "/_fake/behavior/\(service.rawValue)",
                headers: [("Content-Type", "application/json")], body: Array(body))
            let response: SimResponse
            do {
                response = try await transport.send(request)
            } catch {
                throw BenchError.server("The fakes at \(fakes) did not answer: \(error)")
            }
            guard response.status == 204 else {
                throw BenchError.server(
                    "The fakes at \(fakes) refused the \(service.rawValue) latency (\(response.status))")
            }
        }
    }

    func serverMetrics() async -> ServerMetrics? {
        let request = SimRequest(method: "GET", url: target.baseURL + "/metrics", timeout: .seconds(10))
        guard let response = try? await transport.send(request), response.status == 200 else { return nil }
        return ServerMetrics(text: response.text)
    }

    /// A distinct caller per call (so no one is a returning caller with a progress report to voice).
    static func phone(index: Int) -> String {
        "+1555" + String(format: "%07d", (index * 7919 + Int.random(in: 0..<1000)) % 10_000_000)
    }

    static func callSid(run: String, index: Int) -> String {
        let hex = run + String(format: "%08x", index)
        return "CA" + String(repeating: "0", count: 32 - hex.count) + hex
    }

    /// A STAR-shaped answer, different per question, so coaching has real work to do.
    static func answer(number: Int) -> String {
        let topics = [
            "a release that slipped", "a customer escalation", "a flaky test suite", "a new hire", "a budget cut",
        ]
        let topic = topics[(number - 1) % topics.count]
        return "Last year I handled \(topic). The situation was tense and my task was to fix it within two weeks. "
            + "I mapped the problem, um, agreed a plan with the team and I wrote the first changes myself. "
            + "As a result we cut the delay by forty percent and the customer renewed."
    }
}
