import CoachCore
import CoachStore
import Foundation
import Hummingbird
import Logging
import NIOCore
import ServiceLifecycle

/// The phone line server: settings + storage + providers, wired into a Hummingbird application.
public struct CoachLineServer: Sendable {
    public let settings: Settings
    public let store: SQLStore
    public let providers: Providers
    public let bank: QuestionBank
    public let logger: Logger
    let preparer: QuestionPreparer
    let voice: VoiceOver
    let background = BackgroundTasks()

    public init(settings: Settings, store: SQLStore, providers: Providers? = nil, logger: Logger) throws {
        let bank = try QuestionBank.builtIn()
        let providers = providers ?? ProviderFactory.make(settings, bank: bank, logger: logger)
        self.settings = settings
        self.store = store
        self.providers = providers
        self.bank = bank
        self.logger = logger
        self.preparer = QuestionPreparer(
            store: store, providers: providers, bank: BankQuestionSource(planner: InterviewPlanner(bank: bank)),
            questionsPerInterview: settings.questionsPerInterview, logger: logger)
        self.voice = VoiceOver(
            synthesizer: providers.speech, store: store, links: Links(baseURL: settings.publicBaseURL),
            deadlineSeconds: providers.speechDeadlineSeconds, background: background, logger: logger)
    }

    /// Synthesises the prompts every call uses (a no-op with Twilio's own voice).
    public func warmUpPrompts() async -> Int {
        await voice.warmUp(SpokenCopy.commonPrompts(questionsPerInterview: settings.questionsPerInterview))
    }

    /// Opens and migrates the database DATABASE_URL names.
    public static func openStore(settings: Settings, logger: Logger) async throws -> SQLStore {
        let store = try await SQLStore.open(try DatabaseURL(parsing: settings.databaseURL), logger: logger)
        let ran = try await store.migrate()
        if !ran.isEmpty { logger.info("database migrated", metadata: ["versions": "\(ran)"]) }
        return store
    }

    public func makeRouter() -> Router<BasicRequestContext> {
        let flow = CallFlow(
            settings: .init(
                questionsPerInterview: settings.questionsPerInterview, answerMaxSeconds: settings.answerMaxSeconds,
                answerSilenceSeconds: settings.answerSilenceSeconds),
            links: Links(baseURL: settings.publicBaseURL))
        let drafts = SpokenDrafts(
            store: store, writer: providers.summaries, voice: voice, background: background,
            deadlineSeconds: providers.questionDeadlineSeconds, logger: logger)
        let recordings = RecordingIntake(
            store: store, providers: providers, background: background, voice: voice, drafts: drafts, logger: logger)
        let calls = CallService(
            store: store, flow: flow, bank: bank, preparer: preparer, recordings: recordings,
            holdWaitSeconds: settings.holdWaitSeconds, logger: logger)
        let gate = WebhookGate(
            authToken: settings.twilioAuthToken, publicBaseURL: settings.publicBaseURL,
            renderer: TwiMLRenderer(voice: settings.twilioVoice), flow: flow, voice: voice, logger: logger)
        let router = Router(context: BasicRequestContext.self)
        Routes(gate: gate, calls: calls, store: store).register(on: router)
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

    /// Serves until SIGTERM/SIGINT, then lets background preparation finish its current step.
    public func run() async throws {
        if settings.twilioAuthToken == nil {
            logger.warning("TWILIO_AUTH_TOKEN is not set: webhook signatures are NOT checked")
        }
        let app = makeApplication { port in
            logger.info("CoachLine is answering", metadata: ["port": "\(port)", "database": "\(store.engine)"])
        }
        let group = ServiceGroup(
            configuration: .init(services: [app], gracefulShutdownSignals: [.sigterm, .sigint], logger: logger))
        // Calls are answered at once; until a prompt's audio exists Twilio's voice reads it.
        let warmUp = Task { await warmUpPrompts() }
        try await group.run()
        warmUp.cancel()
        await preparer.cancelAll()
        await background.cancelAll()
    }

    /// Starts the server in this process on `port` (0 picks a free one), for tests and `coachline call`.
    /// Prompts are synthesised before it returns, so the first call already hears the configured voice.
    public func start(port: Int = 0) async throws -> RunningServer {
        await warmUpPrompts()
        let (stream, continuation) = AsyncStream.makeStream(of: Int.self)
        let app = makeApplication(port: port) { port in continuation.yield(port) }
        let group = ServiceGroup(configuration: .init(services: [app], logger: logger))
        let task = Task { try await group.run() }
        var iterator = stream.makeAsyncIterator()
        guard let bound = await iterator.next() else { throw ServerStartError() }
        return RunningServer(port: bound, group: group, task: task, preparer: preparer, background: background)
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
    let preparer: QuestionPreparer
    let background: BackgroundTasks

    public var baseURL: String { "http://127.0.0.1:\(port)" }

    /// Waits until background preparation started so far has finished.
    public func settle() async {
        await preparer.drain()
        await background.drain()
    }

    public func stop() async throws {
        await group.triggerGracefulShutdown()
        try await task.value
        await preparer.cancelAll()
        await background.cancelAll()
    }
}
