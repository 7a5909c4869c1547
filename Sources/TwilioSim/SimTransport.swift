import AsyncHTTPClient
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

    public init(status: Int, headers: [(String, String)] = [], body: [UInt8] = [], bodyTruncated: Bool = false) {
        self.status = status
        self.headers = headers
        self.body = body
        self.bodyTruncated = bodyTruncated
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
        var outgoing = HTTPClientRequest(url: request.url)
        outgoing.method = HTTPMethod(rawValue: request.method)
        for (name, value) in request.headers {
            outgoing.headers.add(name: name, value: value)
        }
        if !request.body.isEmpty {
            outgoing.body = .bytes(request.body)
        }
        let nanoseconds =
            request.timeout.components.seconds * 1_000_000_000
            + request.timeout.components.attoseconds / 1_000_000_000
        let response = try await httpClient.execute(outgoing, timeout: .nanoseconds(max(1, nanoseconds)))
        var body = [UInt8]()
        var truncated = false
        for try await chunk in response.body {
            body.append(contentsOf: chunk.readableBytesView)
            if body.count > request.maxResponseBytes {
                body.removeLast(body.count - request.maxResponseBytes)
                truncated = true
                break
            }
        }
        return SimResponse(
            status: Int(response.status.code),
            headers: response.headers.map { ($0.name, $0.value) },
            body: body,
            bodyTruncated: truncated
        )
    }
}
