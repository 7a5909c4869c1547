import Hummingbird
import HummingbirdWebSocket
import Logging
import NIOCore
import ServiceLifecycle
import Synchronization

/// Starts every fake vendor in one Hummingbird application on one loopback port (their paths do not collide).
public enum FakeServers {
    public static func start(
        control: FakeControl,
        host: String = "127.0.0.1",
        port: Int = 0,
        logger: Logger
    ) async throws -> RunningFakes {
        let baseURL = BaseURL()
        let router = Router(context: FakeRequestContext.self)
        let webSocketRouter = Router(context: FakeRequestContext.self)
        FakeOpenAI(control: control).register(on: router)
        FakeMurf(control: control, baseURL: baseURL).register(on: router)
        FakeMurfStream(control: control).register(webSocketRouter: webSocketRouter, router: router)
        FakeTwilioMedia(control: control, baseURL: baseURL).register(on: router)
        FakeAdmin(control: control).register(on: router)

        let (ports, portContinuation) = AsyncStream.makeStream(of: Int.self)
        let app = Application(
            router: router,
            server: .http1WebSocketUpgrade(
                webSocketRouter: webSocketRouter,
                configuration: .init(ws: .init(maxFrameSize: 1 << 20, autoPing: .disabled))
            ),
            configuration: .init(address: .hostname(host, port: port), serverName: "CoachFakes"),
            onServerRunning: { channel in
                portContinuation.yield(channel.localAddress?.port ?? port)
            },
            logger: logger
        )
        // No signal handling: the fakes live inside tests and simulators that own their own shutdown.
        let group = ServiceGroup(configuration: .init(services: [app], gracefulShutdownSignals: [], logger: logger))
        let task = Task {
            defer { portContinuation.finish() }
            try await group.run()
        }
        var iterator = ports.makeAsyncIterator()
        guard let boundPort = await iterator.next() else {
            // The server stopped before it listened (e.g. the port is taken): surface its error.
            try await task.value
            throw FakeServerError.didNotStart
        }
        let running = RunningFakes(port: boundPort, host: host, group: group, task: task)
        baseURL.value = running.baseURL
        return running
    }
}

/// The fakes stopped before listening without saying why.
public struct FakeServerError: Error, CustomStringConvertible {
    public var description: String { "the fake servers stopped before listening" }
    static let didNotStart = FakeServerError()
}

/// Running fakes: where to point each client, and how to stop.
public struct RunningFakes: Sendable {
    public let port: Int
    public let host: String
    private let group: ServiceGroup
    private let task: Task<Void, any Error>

    init(port: Int, host: String, group: ServiceGroup, task: Task<Void, any Error>) {
        self.port = port
        self.host = host
        self.group = group
        self.task = task
    }

    /// `http://127.0.0.1:PORT`
    public var baseURL: String { "http://\(urlHost):\(port)" }
    /// What OPENAI_BASE_URL would be.
    public var openAIBaseURL: String { baseURL + "/v1" }
    /// MURF_BASE_URL.
    public var murfBaseURL: String { baseURL }
    public var murfStreamURL: String { "ws://\(urlHost):\(port)\(FakeMurfStream.path)" }
    /// TWILIO_API_BASE_URL.
    public var twilioAPIBaseURL: String { baseURL }

    /// IPv6 literals need brackets in a URL; a wildcard bind is reached through loopback.
    private var urlHost: String {
        switch host {
        case "0.0.0.0", "": "127.0.0.1"
        case "::": "[::1]"
        default: host.contains(":") ? "[\(host)]" : host
        }
    }

    /// Graceful shutdown: open WebSockets get a close frame, idle connections are closed.
    public func stop() async throws {
        await group.triggerGracefulShutdown()
        try await task.value
    }
}

/// The server's own base URL, known only once it listens; Murf and Twilio put it in the URLs they hand out.
final class BaseURL: Sendable {
    private let stored = Mutex("http://127.0.0.1")

    var value: String {
        get { stored.withLock { $0 } }
        set { stored.withLock { $0 = newValue } }
    }
}
