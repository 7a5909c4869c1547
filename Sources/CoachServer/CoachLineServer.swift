import CoachCore
import CoachStore
import Foundation
import Hummingbird
import Logging
import NIOCore
import ServiceLifecycle

/// The phone line server: settings + storage + providers, wired into a Hummingbird application and a
/// background job worker. Instances share everything through the database, so any number can run.
public struct CoachLineServer: Sendable {
    public let settings: Settings
    public let store: SQLStore
    public let providers: Providers
    public let bank: QuestionBank
    public let logger: Logger
    let flow: CallFlow
    let signals = Signals()
    let queue: JobQueue
    let voice: VoiceOver
    let library: AudioLibrary
    let drafts: SpokenDrafts
    let recordings: RecordingIntake
    let preparer: QuestionPreparer
    let worker: JobWorker
    let metrics: LineMetrics

    public init(settings: Settings, store: SQLStore, providers: Providers? = nil, logger: Logger) throws {
        let bank = try QuestionBank.builtIn()
        let providers = providers ?? ProviderFactory.make(settings, bank: bank, logger: logger)
        self.settings = settings
        self.store = store
        self.providers = providers
        self.bank = bank
        self.logger = logger
        let links = Links(baseURL: settings.publicBaseURL)
        flow = CallFlow(
            settings: .init(
                questionsPerInterview: settings.questionsPerInterview, answerMaxSeconds: settings.answerMaxSeconds,
                answerSilenceSeconds: settings.answerSilenceSeconds),
            links: links)
        queue = JobQueue(store: store, signals: signals, maxAttempts: settings.jobMaxAttempts, logger: logger)
        let metrics = LineMetrics(store: store, providers: providers)
        self.metrics = metrics
        // One library for the process: what a job synthesises is in memory when the caller's fetch comes.
        library = AudioLibrary(store: store)
        voice = VoiceOver(
            synthesizer: providers.speech, library: library, links: links,
            deadlineSeconds: providers.speechDeadlineSeconds, queue: queue, metrics: metrics, logger: logger)
        drafts = SpokenDrafts(
            store: store, writer: providers.summaries, voice: voice, queue: queue,
            deadlineSeconds: providers.questionDeadlineSeconds, logger: logger)
        recordings = RecordingIntake(
            store: store, providers: providers, queue: queue, voice: voice, drafts: drafts, logger: logger)
        preparer = QuestionPreparer(
            store: store, library: library, providers: providers,
            bank: BankQuestionSource(planner: InterviewPlanner(bank: bank)),
            questionsPerInterview: settings.questionsPerInterview, queue: queue,
            ahead: settings.questionTiming == .ahead, logger: logger)
        worker = JobWorker(
            store: store,
            performer: LineWork(store: store, preparer: preparer, recordings: recordings, voice: voice, drafts: drafts),
            signals: signals,
            options: .init(
                concurrency: settings.jobConcurrency, leaseSeconds: settings.jobLeaseSeconds,
                drainSeconds: settings.jobDrainSeconds, urgentKinds: BackgroundWork.urgentKinds,
                busyBackgroundFloor: settings.jobBusyFloor > 0 ? settings.jobBusyFloor : nil),
            metrics: metrics, logger: logger)
        queue.local.attach(worker)
    }

    /// Synthesises the prompts every call uses (a no-op with Twilio's own voice).
    @discardableResult
    public func warmUpPrompts() async -> Int {
        await voice.warmUp(SpokenCopy.commonPrompts(questionsPerInterview: settings.questionsPerInterview))
    }

    /// Opens and migrates the database DATABASE_URL names. `servesCallers`: false for a process that
    /// only runs jobs (`coachline work`), whose jobs may then use every connection.
    public static func openStore(settings: Settings, servesCallers: Bool = true, logger: Logger) async throws
        -> SQLStore
    {
        let url = try DatabaseURL(parsing: settings.databaseURL)
        let store = try await SQLStore.open(
            url, poolSize: settings.databasePoolSize, servesCallers: servesCallers, logger: logger)
        let ran = try await store.migrate()
        if !ran.isEmpty { logger.info("database migrated", metadata: ["versions": "\(ran)", "database": "\(url)"]) }
        return store
    }

    public func makeRouter() -> Router<BasicRequestContext> {
        let calls = CallService(
            store: store, flow: flow, bank: bank, preparer: preparer, recordings: recordings,
            holdWaitSeconds: settings.holdWaitSeconds, metrics: metrics, logger: logger)
        let gate = WebhookGate(
            authToken: settings.twilioAuthToken, publicBaseURL: settings.publicBaseURL,
            renderer: TwiMLRenderer(voice: settings.twilioVoice), flow: flow, voice: voice, metrics: metrics,
            logger: logger)
        let router = Router(context: BasicRequestContext.self)
        Routes(gate: gate, calls: calls, store: store, library: library, metrics: metrics).register(on: router)
        return router
    }

    public func makeApplication(
        port: Int? = nil, onServerRunning: @escaping @Sendable (Int) async -> Void = { _ in }
    ) -> some ApplicationProtocol {
        Application(
            router: makeRouter(),
            configuration: .init(
                address: .hostname(settings.host, port: port ?? settings.port), serverName: "CoachLine"),
            onServerRunning: { channel in await onServerRunning(channel.localAddress?.port ?? 0) },
            logger: logger)
    }

    /// The job worker and, on PostgreSQL, the LISTEN connection that wakes it (and the wait
    /// endpoint) when another instance queues a job or prepares a question.
    var background: BackgroundService {
        BackgroundService(worker: worker, queue: queue, logger: logger)
    }

    /// Serves webhooks and runs jobs until SIGTERM/SIGINT, then hands unfinished jobs back.
    public func run() async throws {
        if settings.twilioAuthToken == nil {
            logger.warning("TWILIO_AUTH_TOKEN is not set: webhook signatures are NOT checked")
        }
        let app = makeApplication { port in
            logger.info(
                "CoachLine is answering",
                metadata: [
                    "port": "\(port)", "database": "\(store.engine)", "job_concurrency": "\(settings.jobConcurrency)",
                ])
        }
        let group = ServiceGroup(
            configuration: .init(
                services: [app, background], gracefulShutdownSignals: [.sigterm, .sigint], logger: logger))
        // Calls are answered at once; until a prompt's audio exists Twilio's voice reads it.
        let warmUp = Task { await warmUpPrompts() }
        // Webhooks run at callers' priority; the job worker sets its own jobs' (`LanePriority`).
        try await StoreLane.caller.runAtItsPriority { try await group.run() }
        warmUp.cancel()
    }

    /// Runs jobs only, no HTTP: workers scaled apart from the web tier (`coachline work`).
    public func work() async throws {
        logger.info(
            "CoachLine worker is running",
            metadata: ["database": "\(store.engine)", "job_concurrency": "\(settings.jobConcurrency)"])
        let group = ServiceGroup(
            configuration: .init(services: [background], gracefulShutdownSignals: [.sigterm, .sigint], logger: logger))
        try await group.run()
    }

    /// Starts the server in this process on `port` (0 picks a free one), for tests and `coachline call`.
    /// Prompts are synthesised before it returns, so the first call already hears the configured voice.
    public func start(port: Int = 0) async throws -> RunningServer {
        await warmUpPrompts()
        let (stream, continuation) = AsyncStream.makeStream(of: Int.self)
        let app = makeApplication(port: port) { port in continuation.yield(port) }
        let group = ServiceGroup(configuration: .init(services: [app, background], logger: logger))
        let task = Task(priority: StoreLane.caller.taskPriority) { try await group.run() }
        var iterator = stream.makeAsyncIterator()
        guard let bound = await iterator.next() else { throw ServerStartError() }
        return RunningServer(port: bound, group: group, task: task, store: store, worker: worker)
    }
}

/// Runs the job worker (and the PostgreSQL listener) for the life of a service group.
struct BackgroundService: Service {
    let worker: JobWorker
    let queue: JobQueue
    let logger: Logger

    func run() async throws {
        let queue = self.queue
        let listener = Task {
            await queue.store.listen(channel: JobQueue.channel, logger: logger) { payload in
                if let topic = queue.topic(ofNotice: payload) { await queue.signals.signal(topic) }
            }
        }
        await worker.start()
        try? await gracefulShutdown()
        await worker.stop()
        listener.cancel()
    }
}

public struct ServerStartError: Error, CustomStringConvertible {
    public var description: String { "the server did not start" }
}

/// A server started in-process; `stop()` shuts it down like SIGTERM would.
public struct RunningServer: Sendable {
    public let port: Int
    let group: ServiceGroup
    let task: Task<Void, any Error>
    let store: SQLStore
    let worker: JobWorker

    public var baseURL: String { "http://127.0.0.1:\(port)" }

    /// Waits until no job is queued or running (on any instance sharing the database).
    public func settle() async {
        while let counts = try? await store.jobCounts(), counts[.queued, default: 0] + counts[.running, default: 0] > 0
        {
            try? await Task.sleep(for: .milliseconds(20))
        }
    }

    public func stop() async throws {
        await group.triggerGracefulShutdown()
        try await task.value
    }

    /// How many unfinished jobs this server's worker handed back to the queue when it stopped.
    public var jobsHandedBack: Int {
        get async { await worker.handedBack }
    }

    /// The identity this server's worker writes into the jobs it claims.
    public var workerID: String { worker.id }
}
