import CoachFakes
import CoachServer
import CoachStore
import CoachTestSupport
import Foundation
import TwilioSim

/// A load balancer in front of several instances, as Twilio would reach them through one public
/// URL: requests go round-robin to the instances still in rotation, and chosen requests can be
/// delivered twice at once (to two instances), as a Twilio retry racing the original would be.
actor LoadBalancer: SimTransport {
    private let inner = HTTPClientTransport()
    let publicBase: String
    private var backends: [String?]
    private var next = 0
    private let duplicate: @Sendable (SimRequest) -> Bool
    /// Requests each backend answered, by index.
    private(set) var served: [Int]

    init(publicBase: String, backends: [String], duplicate: @escaping @Sendable (SimRequest) -> Bool = { _ in false }) {
        self.publicBase = publicBase
        self.backends = backends
        self.served = Array(repeating: 0, count: backends.count)
        self.duplicate = duplicate
    }

    /// Takes an instance out of rotation, as a health check would once it stops.
    func remove(_ index: Int) {
        backends[index] = nil
    }

    private func pick() -> Int {
        for _ in backends.indices {
            let index = next % backends.count
            next += 1
            if backends[index] != nil { return index }
        }
        return 0
    }

    private func routed(_ request: SimRequest, to index: Int) -> SimRequest {
        var request = request
        request.url = request.url.replacingOccurrences(of: publicBase, with: backends[index] ?? "")
        served[index] += 1
        return request
    }

    func send(_ request: SimRequest) async throws -> SimResponse {
        guard request.url.hasPrefix(publicBase) else { return try await inner.send(request) }
        let first = routed(request, to: pick())
        guard duplicate(request) else { return try await inner.send(first) }
        let second = routed(request, to: pick())
        async let original = inner.send(first)
        async let retry = inner.send(second)
        let (answer, _) = try await (original, retry)
        return answer
    }
}

/// Several CoachLine instances sharing one fresh PostgreSQL database behind a `LoadBalancer`,
/// optionally with every provider on loopback fakes.
struct Cluster {
    static let publicBase = "https://coach.example.com"

    let database: TestDatabase
    let fakes: RunningFakes?
    let control: FakeControl?
    let lines: [TestLine]
    let balancer: LoadBalancer

    static func start(
        instances: Int = 2, providers: Bool = false, fakeLatency: ClosedRange<Double>? = nil,
        duplicate: @escaping @Sendable (SimRequest) -> Bool = { _ in false },
        adjust: (inout Settings) -> Void = { _ in }
    ) async throws -> Cluster {
        let database = try await TestDatabase.create(.postgres)
        var fakes: RunningFakes?
        var control: FakeControl?
        var environment = ["HOST": "127.0.0.1", "TWILIO_AUTH_TOKEN": ProviderLine.authToken]
        if providers {
            let fakeControl = FakeControl()
            fakeControl.twilioCredentials = (ProviderLine.accountSid, ProviderLine.authToken)
            if let fakeLatency {
                fakeControl.setAll(FakeBehavior(minLatency: fakeLatency.lowerBound, maxLatency: fakeLatency.upperBound))
            }
            let running = try await FakeServers.start(control: fakeControl, logger: TestLine.quiet)
            environment = ProviderLine.environment(fakes: running, murfTransport: "rest")
            fakes = running
            control = fakeControl
        }
        environment["PUBLIC_BASE_URL"] = publicBase
        environment["DATABASE_POOL_SIZE"] = "4"
        var settings = try Settings.load(environment: environment)
        adjust(&settings)
        var lines: [TestLine] = []
        for _ in 0..<instances {
            lines.append(try await TestLine.start(settings: settings, databaseURL: database.urlString))
        }
        let balancer = LoadBalancer(publicBase: publicBase, backends: lines.map(\.baseURL), duplicate: duplicate)
        return Cluster(database: database, fakes: fakes, control: control, lines: lines, balancer: balancer)
    }

    /// Places one call through the load balancer; answers take `timeScale` of their length in real time.
    func call(_ steps: [CallScript.Step], from: String = "+14155550123", timeScale: Double = 0) async throws
        -> CallReport
    {
        try await lines[0].call(steps, from: from, transport: balancer) { configuration in
            configuration.voiceURL = URL(string: Self.publicBase + "/webhook/voice")!
            configuration.statusCallbackURL = URL(string: Self.publicBase + "/webhook/status")!
            configuration.fallbackURL = URL(string: Self.publicBase + "/webhook/fallback")!
            configuration.timeScale = timeScale
            if let fakes {
                configuration.accountSid = ProviderLine.accountSid
                configuration.recordingBaseURL = URL(
                    string: fakes.twilioAPIBaseURL + "/2010-04-01/Accounts/\(ProviderLine.accountSid)/Recordings")!
                configuration.recordingUploadURL = URL(string: fakes.baseURL + "/_fake/recordings")!
            }
        }
    }

    /// The first instance's store (every instance shares the database).
    var store: SQLStore { lines[0].store }

    /// Stops every instance not in `stopped` (those the test already stopped), the fakes, and drops
    /// the database.
    func stop(except stopped: Set<Int> = []) async throws {
        for (index, line) in lines.enumerated() where !stopped.contains(index) { try? await line.stop() }
        try await fakes?.stop()
        try await database.drop()
    }
}
