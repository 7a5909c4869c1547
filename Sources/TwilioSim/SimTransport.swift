import AsyncHTTPClient
import NIOConcurrencyHelpers
import NIOCore
import NIOHTTP1

/// One HTTP request the simulator makes, exactly as it goes on the wire.
public struct SimRequest: Sendable {
    public var method: String
    /// The exact URL requested (the one that was signed), without a fragment.
    public var url: String
    public var headers: [(String, String)]
    public var body: [UInt8]
    /// Give up after this long, as Twilio does.
    public var timeout: Duration
    /// Stop reading the body past this many bytes (the response is then marked truncated).
    public var maxResponseBytes: Int

    public init(
        method: String,
        url: String,
        headers: [(String, String)] = [],
        body: [UInt8] = [],
        timeout: Duration = .seconds(15),
        maxResponseBytes: Int = 1 << 20
    ) {
        self.method = method
        self.url = url
        self.headers = headers
        self.body = body
        self.timeout = timeout
        self.maxResponseBytes = maxResponseBytes
    }

    /// The first header of that name, compared case-insensitively.
    public func header(_ name: String) -> String? {
        headers.first { $0.0.lowercased() == name.lowercased() }?.1
    }
}

/// What came back.
public struct SimResponse: Sendable {
    public var status: Int
    public var headers: [(String, String)]
    public var body: [UInt8]
    /// The server sent more than `SimRequest.maxResponseBytes`; `body` holds the first part only.
    public var bodyTruncated: Bool
    /// From sending the request to its response's last byte, read where the bytes arrived (the event
    /// loop); nil when the transport does not time it. The time a task then waits for one of the
    /// simulator's own threads is not in it: Twilio does not share them.
    public var elapsed: Duration?

    public init(
        status: Int, headers: [(String, String)] = [], body: [UInt8] = [], bodyTruncated: Bool = false,
        elapsed: Duration? = nil
    ) {
        self.status = status
        self.headers = headers
        self.body = body
        self.bodyTruncated = bodyTruncated
        self.elapsed = elapsed
    }

    /// The first header of that name, compared case-insensitively.
    public func header(_ name: String) -> String? {
        headers.first { $0.0.lowercased() == name.lowercased() }?.1
    }

    /// The body as text (invalid UTF-8 repaired).
    public var text: String { String(decoding: body, as: UTF8.self) }
}

/// Sends the simulator's requests. Implementations must not follow redirects themselves
/// (the simulator follows 3xx like Twilio and records every hop) and should honour task
/// cancellation, which is how the webhook time limit is enforced.
public protocol SimTransport: Sendable {
    func send(_ request: SimRequest) async throws -> SimResponse
}

/// Real sockets through AsyncHTTPClient.
public struct HTTPClientTransport: SimTransport {
    /// A process-wide client that leaves redirects to the simulator. `HTTPClient.shared`
    /// follows them silently, which would hide the hops Twilio makes visible.
    /// A refused connection fails at once, as it does for Twilio, instead of being retried
    /// until the time limit.
    public static let sharedClient: HTTPClient = {
        var configuration = HTTPClient.Configuration(
            redirectConfiguration: .disallow,
            timeout: .init(connect: .seconds(10))
        )
        configuration.connectionPool.retryConnectionEstablishment = false
        return HTTPClient(eventLoopGroup: HTTPClient.defaultEventLoopGroup, configuration: configuration)
    }()

    private let httpClient: HTTPClient

    /// - Parameter httpClient: should be configured with `redirectConfiguration: .disallow`.
    public init(httpClient: HTTPClient = HTTPClientTransport.sharedClient) {
        self.httpClient = httpClient
    }

    public func send(_ request: SimRequest) async throws -> SimResponse {
        var headers = HTTPHeaders()
        for (name, value) in request.headers {
            headers.add(name: name, value: value)
        }
        let outgoing = try HTTPClient.Request(
            url: request.url, method: HTTPMethod(rawValue: request.method), headers: headers,
            body: request.body.isEmpty ? nil : .bytes(request.body))
        let nanoseconds =
            request.timeout.components.seconds * 1_000_000_000
            + request.timeout.components.attoseconds / 1_000_000_000
        let collector = ResponseCollector(limit: request.maxResponseBytes)
        let task = httpClient.execute(
            request: outgoing, delegate: collector, deadline: .now() + .nanoseconds(max(1, nanoseconds)))
        do {
            return try await withTaskCancellationHandler {
                try await task.futureResult.get()
            } onCancel: {
                task.cancel()
            }
        } catch is ResponseCollector.LimitReached {
            return collector.truncated()
        }
    }
}

/// Collects a response on its event loop and times it there: from when the request was handed to the
/// client to the last byte read. Past `limit` bytes it stops reading and keeps what it has.
private final class ResponseCollector: HTTPClientResponseDelegate {
    struct LimitReached: Error {}

    private let limit: Int
    private let started = ContinuousClock.now
    private let state = NIOLockedValueBox(SimResponse(status: 0))

    init(limit: Int) {
        self.limit = limit
    }

    func didReceiveHead(task: HTTPClient.Task<SimResponse>, _ head: HTTPResponseHead) -> EventLoopFuture<Void> {
        state.withLockedValue {
            $0.status = Int(head.status.code)
            $0.headers = head.headers.map { ($0.name, $0.value) }
        }
        return task.eventLoop.makeSucceededVoidFuture()
    }

    func didReceiveBodyPart(task: HTTPClient.Task<SimResponse>, _ buffer: ByteBuffer) -> EventLoopFuture<Void> {
        let limitReached = state.withLockedValue { response -> Bool in
            response.body.append(contentsOf: buffer.readableBytesView)
            guard response.body.count > limit else { return false }
            response.body.removeLast(response.body.count - limit)
            response.bodyTruncated = true
            response.elapsed = ContinuousClock.now - started
            return true
        }
        return limitReached ? task.eventLoop.makeFailedFuture(LimitReached()) : task.eventLoop.makeSucceededVoidFuture()
    }

    func didFinishRequest(task: HTTPClient.Task<SimResponse>) throws -> SimResponse {
        let finished = ContinuousClock.now
        return state.withLockedValue {
            $0.elapsed = finished - started
            return $0
        }
    }

    /// The part read before the limit stopped it.
    func truncated() -> SimResponse {
        state.withLockedValue { $0 }
    }
}
