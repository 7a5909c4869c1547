/// The numbers one benchmark run produced; encoded as-is by `--json` (seconds and bytes).
public struct BenchResult: Sendable, Codable, Equatable {
    public var plan: BenchPlan
    /// `sqlite` or `postgres`, as the server reports it at /metrics.
    public var engine: String
    public var wallSeconds: Double
    public var calls: Int
    public var completed: Int
    public var errors: Int
    /// A few of the errors, to start looking.
    public var errorSamples: [String]
    public var webhooks: Int
    /// Every webhook and callback (not audio downloads), all routes together.
    public var webhookLatency: Distribution
    public var routes: [RouteLatency]
    /// Silence between the end of an answer and the next question (call seconds).
    public var callerWait: Distribution
    /// Call start to the first audio (call seconds).
    public var greeting: Distribution
    /// Times a caller was put on hold because a question was not ready.
    public var holds: Int
    /// Holds by the question they waited for: element 0 counts question 1. Where holds happen says
    /// why: question 1 has only the greeting to be prepared in, every later one a whole answer.
    public var holdsByQuestion: [Int]
    /// The server's peak resident memory, from its /metrics; nil when it does not say.
    public var peakResidentBytes: Int?
    /// `HostProbe.seconds()` just before the run: how fast the shared host was; nil when not probed.
    public var hostProbeSeconds: Double?
    /// Webhooks by the second of the run they were sent in: how latency follows the load.
    public var timeline: [LoadSecond]

    public var completionRate: Double { calls == 0 ? 0 : Double(completed) / Double(calls) }
    public var webhooksPerSecond: Double { wallSeconds > 0 ? Double(webhooks) / wallSeconds : 0 }

    public struct RouteLatency: Sendable, Codable, Equatable {
        public var route: String
        public var latency: Distribution
    }

    /// One wall second of the run: the webhooks sent in it and their latency.
    public struct LoadSecond: Sendable, Codable, Equatable {
        /// From the start of the run.
        public var second: Int
        public var webhooks: Int
        public var latency: Distribution
    }

    /// The second that sent the most webhooks.
    public var busiestSecond: LoadSecond? {
        timeline.max { $0.webhooks < $1.webhooks }
    }

    /// Folds the calls' measurements into one result.
    public init(
        plan: BenchPlan, engine: String, wallSeconds: Double, measurements: [CallMeasurement], peakResidentBytes: Int?
    ) {
        self.plan = plan
        self.engine = engine
        self.wallSeconds = wallSeconds
        self.peakResidentBytes = peakResidentBytes
        calls = measurements.count
        completed = measurements.filter { $0.completed(questions: plan.questions) }.count
        let allErrors =
            measurements.flatMap(\.errors)
            + measurements.filter { $0.errors.isEmpty && !$0.completed(questions: plan.questions) }.map {
                "call ended (\($0.endedBy.rawValue)) after \($0.answers) of \(plan.questions) answers"
            }
        errors = allErrors.count
        errorSamples = Array(allErrors.prefix(5))
        let hooks = measurements.flatMap(\.webhooks).filter { $0.route != "/audio/:file" }
        webhooks = hooks.count
        webhookLatency = Distribution(hooks.map(\.seconds))
        routes = Dictionary(grouping: hooks, by: \.route).map {
            RouteLatency(route: $0.key, latency: Distribution($0.value.map(\.seconds)))
        }.sorted { $0.route < $1.route }
        timeline = Dictionary(grouping: hooks) { Int($0.sent.rounded(.down)) }.map {
            LoadSecond(second: $0.key, webhooks: $0.value.count, latency: Distribution($0.value.map(\.seconds)))
        }.sorted { $0.second < $1.second }
        callerWait = Distribution(measurements.flatMap(\.waits))
        greeting = Distribution(measurements.compactMap(\.greeting))
        holds = measurements.map(\.holds).reduce(0, +)
        var byQuestion = Array(repeating: 0, count: plan.questions)
        for number in measurements.flatMap(\.heldQuestions) where byQuestion.indices.contains(number - 1) {
            byQuestion[number - 1] += 1
        }
        holdsByQuestion = byQuestion
    }
}
